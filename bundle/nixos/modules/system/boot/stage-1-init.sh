#! /bin/sh
# Stage 1 of ntop's mini-NixOS boot, the init of the initial ramdisk. A stand-in: it shows the
# shape of the real thing (mount the pseudo file systems, load modules, mount the root, hand over
# to stage 2) but the initrd carries no shell or tools to run it with.

echo "<<< NixOS Stage 1 (ntop stand-in) >>>"

mkdir -p /proc /sys /dev /mnt-root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

for module in $(cat /etc/modules); do
    modprobe "$module"
done

# The top level's init is named on the kernel command line: init=/nix/store/...-nixos-.../init
stage2Init=/init
root=
for param in $(cat /proc/cmdline); do
    case "$param" in
        init=*) stage2Init="${param#init=}" ;;
        root=*) root="${param#root=}" ;;
    esac
done

mount "$root" /mnt-root
exec switch_root /mnt-root "$stage2Init"
