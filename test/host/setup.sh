#!/bin/bash
# Installs and starts what the end-to-end tests and `make run` need on a Debian 12 host, as root:
# libvirt + QEMU, Cockpit, the system bus, Chromium, the npm dependencies and the test guest.
# Idempotent, and quick and quiet when everything is already in place. Cockpit itself is not started:
# each test file starts its own cockpit-ws, and serve.sh starts one for a person.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state_dir=/var/lib/kvm-manager-test
export DEBIAN_FRONTEND=noninteractive

log() { echo "setup: $*"; }

if [ "$(id -u)" -ne 0 ]; then
    echo "setup: must run as root (it installs packages and starts libvirtd)" >&2
    exit 1
fi

# --- packages ---------------------------------------------------------------------------------------
packages=(libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients libvirt-dbus qemu-system-x86
    qemu-utils cockpit-ws cockpit-bridge cockpit-system cockpit-machines dbus chromium systemd cpio procps iproute2 openssh-server
    dnsmasq-base virtinst ovmf)
# ovmf: the UEFI firmware and its descriptors in /usr/share/qemu/firmware, which libvirt's firmware
# auto-selection (<os firmware='efi'>) needs; without them a UEFI template's VM is refused at start.
# A node from elsewhere (NodeSource, this machine's /usr/bin/node) would conflict with Debian's nodejs.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    packages+=(nodejs npm)
fi
missing=()
for pkg in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- npm dependencies -------------------------------------------------------------------------------
# The same stamp the Makefile uses, so make does not run npm ci a second time.
stamp="$repo/node_modules/.package-lock.json"
if [ ! -e "$stamp" ] || [ "$repo/package-lock.json" -nt "$stamp" ]; then
    log "npm ci"
    (cd "$repo" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$stamp"
fi

# --- services ---------------------------------------------------------------------------------------
virsh_answers() { timeout 5 virsh -c qemu:///system version >/dev/null 2>&1; }
libvirtd_log=/var/log/libvirt/libvirtd.log
libvirtd_gave_up() {
    echo "setup: $1" >&2
    if [ -d /run/systemd/system ]; then
        echo "setup: libvirtd's last log lines (journalctl -u libvirtd):" >&2
        journalctl -u libvirtd.service -n 20 --no-pager >&2 || true
    elif [ -s "$libvirtd_log" ]; then
        echo "setup: the last lines of $libvirtd_log:" >&2
        tail -n 20 "$libvirtd_log" >&2
    else
        echo "setup: $libvirtd_log is empty: libvirtd logged no warning or error" >&2
    fi
    exit 1
}

if [ -d /run/systemd/system ]; then
    systemctl start dbus.service virtlogd.service libvirtd.service
else
    if ! dbus-send --system --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetId \
            >/dev/null 2>&1; then
        log "starting the system bus"
        mkdir -p /run/dbus
        rm -f /run/dbus/pid
        dbus-daemon --system --fork
    fi
    # libvirtd needs virtlogd for every VM start ("Failed to connect socket to .../virtlogd-sock").
    if ! pgrep -x virtlogd >/dev/null; then
        log "starting virtlogd"
        virtlogd -d
    fi
    if ! pgrep -x libvirtd >/dev/null; then
        log "starting libvirtd (its warnings and errors go to $libvirtd_log)"
        mkdir -p "$(dirname "$libvirtd_log")"
        # Without systemd there is no journal to catch libvirtd's messages: a file keeps them for the
        # give-up message below and for a person.
        LIBVIRT_LOG_OUTPUTS="3:file:$libvirtd_log" libvirtd -d
    fi
fi

# A fresh host's first libvirtd start probes every QEMU binary's capabilities before it answers
# (about 40 s on a 2-core machine, more when it is busy); later starts answer in a second. So wait as
# long as that really takes, saying what for, and give up only when libvirtd is gone or far too slow.
wait_limit="${KVM_MANAGER_LIBVIRTD_WAIT:-300}"
started=$SECONDS
next_note=$((SECONDS + 5))
until virsh_answers; do
    waited=$((SECONDS - started))
    if ! [ -d /run/systemd/system ] && ! pgrep -x libvirtd >/dev/null; then
        libvirtd_gave_up "libvirtd exited before it answered on qemu:///system"
    fi
    if [ "$waited" -ge "$wait_limit" ]; then
        libvirtd_gave_up "libvirtd does not answer on qemu:///system after $waited s"
    fi
    if [ "$SECONDS" -ge "$next_note" ]; then
        log "waiting for libvirtd to answer on qemu:///system ($waited s so far; a first start probes QEMU's capabilities, about a minute; giving up after $wait_limit s)"
        next_note=$((SECONDS + 15))
    fi
    sleep 1
done
if [ $((SECONDS - started)) -ge 5 ]; then
    log "libvirtd answers after $((SECONDS - started)) s"
fi

# --- KVM or TCG ---------------------------------------------------------------------------------------
# /dev/kvm can exist but be root-only, and QEMU runs as libvirt-qemu. The tests read the domain type
# for their SeaBIOS-only VMs from virt-type; domcapabilities asks QEMU itself whether KVM works.
mkdir -p "$state_dir"
virt_type=qemu
if [ -e /dev/kvm ]; then
    if getent group kvm >/dev/null; then
        chgrp kvm /dev/kvm
    fi
    chmod 660 /dev/kvm
    if virsh -c qemu:///system domcapabilities --virttype kvm >/dev/null 2>&1; then
        virt_type=kvm
    fi
fi
if [ "$(cat "$state_dir/virt-type" 2>/dev/null || true)" != "$virt_type" ]; then
    echo "$virt_type" >"$state_dir/virt-type"
    log "tiny test VMs use domain type '$virt_type'"
fi

"$repo/test/host/build-guest.sh"
