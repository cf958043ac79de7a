#!/bin/bash
# A second "host" for the multi-host tests: an sshd of its own that listens ONLY on a second loopback
# address (127.0.0.2 by default), so Cockpit's host switcher can reach this machine over ssh as if it were
# another one. Its keys, configuration, pid and log live in one state directory; nothing in /etc/ssh or
# ~/.ssh is read or changed, and no traffic leaves the machine.
#
#   second-host.sh start    start it (a running one is left as it is) and print its facts as KEY=VALUE
#   second-host.sh stop     stop the sshd and every session under it
#   second-host.sh status   exit 0 when it runs, and print its facts
#
# Facts printed: address, port, user, identity (the client's private key, accepted for root from
# loopback only), known_hosts (a known_hosts file with the host key) and the sshd pid. The login runs
# Cockpit's bridge with XDG_DATA_HOME pointing at an empty directory, so the remote side sees the
# installed packages (/usr/local/share, /usr/share) and not a `make devel-install` link in root's home.
set -euo pipefail

address="${SECOND_HOST_ADDRESS:-127.0.0.2}"
port="${SECOND_HOST_PORT:-22}"
dir="${SECOND_HOST_DIR:-/run/kvm-manager-test/second-host}"
pidfile="$dir/sshd.pid"

log() { echo "second-host: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    log "must run as root (sshd binds port $port and logs in as root)"
    exit 1
fi

case "$address" in
    127.*) ;;
    *) log "refusing address $address: the second host listens on loopback only"; exit 1 ;;
esac

sshd_pid() {
    local pid
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = "sshd" ]; then
        echo "$pid"
    fi
}

facts() {
    echo "address=$address"
    echo "port=$port"
    echo "user=root"
    echo "identity=$dir/client/id_ed25519"
    echo "known_hosts=$dir/known_hosts"
    echo "pid=$(sshd_pid)"
}

# The sshd and everything below it (session sshds, the remote cockpit-bridge and its session bus),
# children first.
descendants() {
    local child
    for child in $(pgrep -P "$1" || true); do
        descendants "$child"
        echo "$child"
    done
}

start() {
    if [ -n "$(sshd_pid)" ]; then
        facts
        return
    fi
    if [ ! -x /usr/sbin/sshd ]; then
        log "/usr/sbin/sshd is missing: install openssh-server (test/host/setup.sh does)"
        exit 1
    fi
    # bash's /dev/tcp: is something else already listening there?
    if (exec 3<>"/dev/tcp/$address/$port") 2>/dev/null; then
        log "$address:$port already accepts connections, and not from this script's sshd"
        exit 1
    fi

    mkdir -p "$dir/client" "$dir/data-home"
    chmod 700 "$dir" "$dir/client"
    # sshd's privilege separation directory; the Debian package's init script would create it.
    mkdir -p /run/sshd
    chmod 755 /run/sshd

    [ -e "$dir/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N "" -C "kvm-manager second host" -f "$dir/ssh_host_ed25519_key"
    [ -e "$dir/client/id_ed25519" ] || ssh-keygen -q -t ed25519 -N "" -C "kvm-manager test client" -f "$dir/client/id_ed25519"
    # Loopback only, and nothing but the command Cockpit runs (no forwarding, no pty).
    echo "from=\"127.0.0.0/8\",restrict $(cat "$dir/client/id_ed25519.pub")" >"$dir/authorized_keys"
    chmod 600 "$dir/authorized_keys"
    local host_entry="$address"
    [ "$port" = 22 ] || host_entry="[$address]:$port"
    echo "$host_entry $(cut -d' ' -f1,2 "$dir/ssh_host_ed25519_key.pub")" >"$dir/known_hosts"

    cat >"$dir/sshd_config" <<EOF
ListenAddress $address:$port
HostKey $dir/ssh_host_ed25519_key
PidFile $pidfile
AuthorizedKeysFile $dir/authorized_keys
AllowUsers root
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitTTY no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
AllowStreamLocalForwarding no
PermitTunnel no
PrintMotd no
PrintLastLog no
SetEnv XDG_DATA_HOME=$dir/data-home XDG_DATA_DIRS=/usr/local/share:/usr/share
EOF
    /usr/sbin/sshd -t -f "$dir/sshd_config"
    rm -f "$pidfile"
    /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
    for _ in $(seq 50); do
        if [ -n "$(sshd_pid)" ] && (exec 3<>"/dev/tcp/$address/$port") 2>/dev/null; then
            facts
            return
        fi
        sleep 0.1
    done
    log "sshd did not start on $address:$port; its log:"
    cat "$dir/sshd.log" >&2 || true
    exit 1
}

stop() {
    local pid
    pid="$(sshd_pid)"
    if [ -z "$pid" ]; then
        rm -f "$pidfile"
        return
    fi
    local pids
    pids="$(descendants "$pid") $pid"
    # shellcheck disable=SC2086 # one word per pid
    kill $pids 2>/dev/null || true
    for _ in $(seq 50); do
        local alive=""
        for p in $pids; do
            [ -e "/proc/$p" ] && alive="$alive $p"
        done
        [ -z "$alive" ] && break
        sleep 0.1
    done
    for p in $pids; do
        [ -e "/proc/$p" ] && kill -KILL "$p" 2>/dev/null || true
    done
    rm -f "$pidfile"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status)
        if [ -n "$(sshd_pid)" ]; then facts; else exit 1; fi
        ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2
        ;;
esac
