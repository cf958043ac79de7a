# KVM Manager. `make run` sets up a fresh Debian 12 host (as root) and prints the URL; `make check` runs
# every test. Both are idempotent.
PREFIX ?= /usr/local
DESTDIR ?=
PKGDIR = $(DESTDIR)$(PREFIX)/share/cockpit/kvm-manager
HELPERDIR = $(DESTDIR)$(PREFIX)/lib/kvm-manager
BINDIR = $(DESTDIR)$(PREFIX)/bin
UNITDIR = $(DESTDIR)$(PREFIX)/lib/systemd/system
HELPER_SOURCES = $(wildcard helpers/commands/*.ts)
HELPER_NAMES = $(basename $(notdir $(HELPER_SOURCES)))
UNITS = $(wildcard helpers/systemd/*.service helpers/systemd/*.timer)
TIMERS = $(notdir $(wildcard helpers/systemd/*.timer))
SOURCES = $(shell find src helpers po -type f 2>/dev/null) manifest.json build.ts package.json
# The timer runner of hosts without systemd (kvm-manager-timers --start); `make stop` ends it.
TIMERS_PID_FILE ?= /run/kvm-manager-timers.pid

.PHONY: all install devel-install uninstall host check check-units check-unit check-e2e typecheck lint run stop pot clean

all: dist/manifest.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

dist/manifest.json: node_modules/.package-lock.json $(SOURCES)
	npx tsx build.ts

# The package directory is replaced whole: a file left from an older build (a plain index.js next to
# the new index.js.gz) would be served instead of the new one.
install: all
	rm -rf $(PKGDIR)
	install -d $(PKGDIR)
	cp -r dist/. $(PKGDIR)/
	rm -rf $(PKGDIR)/helpers $(PKGDIR)/metafile.json
	install -d $(HELPERDIR) $(BINDIR)
	@for name in $(HELPER_NAMES); do \
		install -m 755 dist/helpers/$$name.js $(HELPERDIR)/$$name; \
		ln -sf $(PREFIX)/lib/kvm-manager/$$name $(BINDIR)/$$name; \
	done
	@if [ -d dist/helpers ]; then find dist/helpers -type f ! -name '*.js' -exec install -m 644 {} $(HELPERDIR)/ \; ; fi
	@if [ -n "$(UNITS)" ]; then \
		install -d $(UNITDIR); \
		for unit in $(UNITS); do \
			sed 's|/usr/local/lib/kvm-manager/|$(PREFIX)/lib/kvm-manager/|g' $$unit > $(UNITDIR)/$$(basename $$unit); \
			chmod 644 $(UNITDIR)/$$(basename $$unit); \
		done; \
		if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then \
			systemctl daemon-reload && systemctl enable --now $(TIMERS); \
		fi; \
	fi

devel-install: all
	mkdir -p ~/.local/share/cockpit
	ln -sfn $(CURDIR)/dist ~/.local/share/cockpit/kvm-manager

uninstall:
	rm -rf $(PKGDIR) $(HELPERDIR)
	rm -f $(addprefix $(BINDIR)/,$(HELPER_NAMES)) $(addprefix $(UNITDIR)/,$(notdir $(UNITS)))

typecheck: node_modules/.package-lock.json
	npx tsc --noEmit -p tsconfig.json

lint: node_modules/.package-lock.json
	npx eslint .

check-unit: node_modules/.package-lock.json
	npx jest --selectProjects unit

check-units:
	@if [ -n "$(UNITS)" ]; then test/host/verify-units.sh $(UNITS); fi

# Installs and starts the real stack (packages, npm ci, dbus, libvirtd, test guest); idempotent and quick
# when everything is in place.
host:
	test/host/setup.sh

# End-to-end tests drive the installed page on the real stack.
check-e2e: all
	$(MAKE) install
	npx jest --selectProjects e2e --runInBand

check: host
	$(MAKE) typecheck lint check-unit check-units check-e2e

# Where systemd runs, `make install` enabled the timers; elsewhere one background runner runs the same
# .timer files' jobs (collector, retention, ...), replaced by each `make run`.
run: host
	$(MAKE) install
	$(BINDIR)/kvm-manager-timers --start --pid-file "$(TIMERS_PID_FILE)"
	test/host/serve.sh

stop:
	@if [ -x $(BINDIR)/kvm-manager-timers ]; then $(BINDIR)/kvm-manager-timers --stop --pid-file "$(TIMERS_PID_FILE)"; fi
	test/host/serve.sh --stop

pot: node_modules/.package-lock.json
	npx tsx po/extract.ts

clean:
	rm -rf dist
