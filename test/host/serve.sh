#!/bin/bash
# Serves Cockpit with the installed KVM Manager for a person (`make run`, after setup.sh and make install).
# `serve.sh --stop` (make stop) ends the loopback cockpit-ws it started.
set -euo pipefail

port=9090
log=/var/log/kvm-manager-cockpit-ws.log
pidfile=/run/kvm-manager-cockpit-ws.pid

# Every process below $1, from /proc (procps may be missing on a minimal image).
descendants_of() {
    local stat line fields pid
    for stat in /proc/[0-9]*/stat; do
        read -r line < "$stat" 2>/dev/null || continue
        # After the name, which may hold spaces: state, then the parent's pid.
        read -r -a fields <<< "${line##*) }"
        [ "${fields[1]:-}" = "$1" ] || continue
        pid="${stat#/proc/}"
        pid="${pid%/stat}"
        echo "$pid"
        descendants_of "$pid"
    done
}

stop_previous() {
    if [ -s "$pidfile" ]; then
        old="$(cat "$pidfile")"
        if [ "$(cat "/proc/$old/comm" 2>/dev/null || true)" = "cockpit-ws" ]; then
            # The bridge below cockpit-ws starts a session bus that would outlive it, holding an inotify
            # instance each time: the whole tree goes, not cockpit-ws alone.
            # shellcheck disable=SC2046 # one pid per word
            kill "$old" $(descendants_of "$old") 2>/dev/null || true
            for _ in $(seq 50); do
                [ -e "/proc/$old" ] || break
                sleep 0.1
            done
            echo "serve: stopped cockpit-ws (pid $old)"
        fi
        rm -f "$pidfile"
    fi
}

if [ "${1:-}" = "--stop" ]; then
    stop_previous
    exit 0
fi

if [ -d /run/systemd/system ]; then
    systemctl enable --now cockpit.socket
    echo "Open https://$(hostname -f 2>/dev/null || hostname):$port/kvm-manager and log in as a user with administrative access."
    exit 0
fi

# Without systemd there is no cockpit.socket and no PAM login through cockpit-session: a loopback-only
# cockpit-ws with a local session runs the bridge as root without a login. Such a cockpit-ws serves one
# browser session, so each run replaces the previous one to hand out a fresh session.
stop_previous

# bash's /dev/tcp rather than ss or curl, which a minimal Debian image lacks.
port_listens() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

if port_listens; then
    echo "serve: port $port already listens, but not through this script: leaving it as it is."
    echo "Open http://127.0.0.1:$port/kvm-manager"
    exit 0
fi

nohup /usr/lib/cockpit/cockpit-ws --port "$port" -a 127.0.0.1 --local-session=cockpit-bridge \
    >>"$log" 2>&1 </dev/null &
echo "$!" >"$pidfile"
for _ in $(seq 50); do
    if port_listens; then break; fi
    sleep 0.1
done
if ! port_listens; then
    echo "serve: cockpit-ws did not start; see $log" >&2
    exit 1
fi

echo "Open http://127.0.0.1:$port/kvm-manager"
echo "This loopback session is already logged in as root and serves one browser session; run 'make run' again for a fresh one."
