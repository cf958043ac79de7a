#!/bin/bash
# Builds the end-to-end tests' OS guest: Debian's kernel plus a busybox initramfs that prints a ready line
# on the serial console and powers off on an ACPI power-button press, so start, shutdown and reboot can
# be tested against a real guest in seconds without a disk image.
set -euo pipefail

out=/var/lib/kvm-manager-test/guest
script="${BASH_SOURCE[0]}"

if [ "$out/vmlinuz" -nt "$script" ] && [ "$out/initrd.gz" -nt "$script" ]; then
    exit 0
fi

# apt-get download needs the package lists, which a fresh image may not have yet.
if ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then
    apt-get update -qq
fi
kernel_pkg="$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')"
if [ -z "$kernel_pkg" ]; then
    echo "build-guest: cannot resolve the kernel package behind linux-image-amd64" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "build-guest: building the test guest from $kernel_pkg and busybox-static"
# apt-get download saves into the current directory as user _apt where that user may write there
# (else it warns and downloads unsandboxed).
chmod 755 "$work"
mkdir "$work/debs"
chown _apt "$work/debs" 2>/dev/null || true
(cd "$work/debs" && apt-get download -qq "$kernel_pkg" busybox-static)
for deb in "$work"/debs/*.deb; do
    dpkg-deb -x "$deb" "$work/extract"
done

vmlinuz="$(find "$work/extract/boot" -maxdepth 1 -name 'vmlinuz-*' | head -n 1)"
button="$(find "$work/extract/lib/modules" -path '*/kernel/drivers/acpi/button.ko' | head -n 1)"
evdev="$(find "$work/extract/lib/modules" -path '*/kernel/drivers/input/evdev.ko' | head -n 1)"
for f in "$vmlinuz" "$button" "$evdev" "$work/extract/bin/busybox"; do
    if [ ! -f "$f" ]; then
        echo "build-guest: missing from the downloaded packages: ${f:-a kernel image or module}" >&2
        exit 1
    fi
done

root="$work/initramfs"
mkdir -p "$root/bin" "$root/lib" "$root/proc" "$root/sys" "$root/dev" "$root/etc"
cp "$work/extract/bin/busybox" "$root/bin/busybox"
cp "$button" "$root/lib/button.ko"
cp "$evdev" "$root/lib/evdev.ko"
cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
insmod /lib/evdev.ko
insmod /lib/button.ko
# ACPI shutdown/reboot from libvirt arrive as a power-button key press: power off on the first event
for ev in /sys/class/input/event*; do
  if grep -q "Power Button" "$ev/device/name"; then
    (dd if="/dev/input/${ev##*/}" bs=24 count=1 >/dev/null 2>&1; poweroff -f) &
  fi
done
echo "kvm-manager test guest ready"
while true; do sleep 3600; done
EOF
chmod 755 "$root/init"

mkdir -p "$out"
(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -9 >"$work/initrd.gz"
install -m 644 "$vmlinuz" "$out/vmlinuz.new"
install -m 644 "$work/initrd.gz" "$out/initrd.gz.new"
# Renamed into place so a run that dies half-way never leaves a pair that passes the freshness check.
mv -f "$out/vmlinuz.new" "$out/vmlinuz"
mv -f "$out/initrd.gz.new" "$out/initrd.gz"
echo "build-guest: wrote $out/vmlinuz and $out/initrd.gz"
