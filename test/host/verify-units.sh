#!/bin/bash
# Checks systemd unit files with `systemd-analyze verify`: test/host/verify-units.sh FILE...
#
# The units' programs (/usr/local/lib/kvm-manager/...) exist only after `make install`, and verify fails
# on an Exec*= command that is not executable. So the files are verified as copies in a temporary
# directory (together, so a timer finds its service) whose Exec*= commands that do not exist on this
# machine point to executable stubs of the same name; arguments and everything else stay as written.
# verify exits 0 on settings it ignores (an unknown key, a misspelt value), so any message about one
# of the given files counts as an error too; messages about the host's own units are not ours to fix.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 UNIT-FILE..." >&2
    exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/units" "$work/stubs"

# Group 3 is the command: the first word after the key and its optional prefixes (-, @, :, +, !).
exec_line='^([[:space:]]*(ExecStart|ExecStartPre|ExecStartPost|ExecCondition|ExecReload|ExecStop|ExecStopPost)=[-@:+!]*[[:space:]]*)(/[^[:space:]]*)(.*)$'
for file in "$@"; do
    copy="$work/units/$(basename "$file")"
    while IFS= read -r line || [ -n "$line" ]; do
        if [[ $line =~ $exec_line ]] && [ ! -x "${BASH_REMATCH[3]}" ]; then
            stub="$work/stubs/$(basename "${BASH_REMATCH[3]}")"
            printf '#!/bin/sh\n' >"$stub"
            chmod 755 "$stub"
            line="${BASH_REMATCH[1]}$stub${BASH_REMATCH[4]}"
        fi
        printf '%s\n' "$line"
    done <"$file" >"$copy"
done

status=0
output="$(SYSTEMD_LOG_COLOR=0 systemd-analyze verify "$work"/units/* 2>&1)" || status=$?
report=""
for file in "$@"; do
    name="$(basename "$file")"
    found="$(printf '%s\n' "$output" | grep -F -e "$name:" -e "$name " | sed "s|$work/units/$name|$file|g" || true)"
    if [ -n "$found" ]; then report+="$found"$'\n'; fi
    # verify does not notice a timer whose service is missing, which would never run anything.
    if [[ $name == *.timer ]]; then
        unit="$(sed -nE 's/^[[:space:]]*Unit=[[:space:]]*([^[:space:]]+).*/\1/p' "$file" | tail -n 1)"
        unit="${unit:-${name%.timer}.service}"
        if [ ! -e "$work/units/$unit" ] && [ ! -e "/lib/systemd/system/$unit" ] && [ ! -e "/etc/systemd/system/$unit" ]; then
            report+="$file: activates $unit, which is neither among the given files nor installed"$'\n'
        fi
    fi
done

if [ "$status" -ne 0 ] || [ -n "$report" ]; then
    echo "verify-units: errors in the unit files:" >&2
    printf '%s\n' "${report:-$output}" | sed '/^$/d' >&2
    exit 1
fi
echo "verify-units: $# unit file(s) OK"
