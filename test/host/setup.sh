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
    qemu-utils cockpit-ws cockpit-bridge cockpit-system cockpit-machines dbus chromium systemd cpio procps iproute2 openssh-server)
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
        log "starting libvirtd"
        libvirtd -d
    fi
fi
deadline=$((SECONDS + 30))
until virsh_answers; do
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "setup: libvirtd does not answer on qemu:///system after 30 s" >&2
        exit 1
    fi
    sleep 1
done

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
