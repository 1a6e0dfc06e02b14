#! @shell@
# Stage 2 of ntop's mini-NixOS boot: the init that the top level installs as $out/init, with the
# path of the system configuration filled in by the top level. It prepares the root file system,
# runs the configuration's activation script and hands over to systemd.

systemConfig=@systemConfig@
export PATH=@path@

echo
echo "<<< NixOS Stage 2 >>>"
echo

mkdir -p /proc /sys /dev /run /tmp /etc /var/log
mount -t proc proc /proc 2>/dev/null || true
mount -t sysfs sysfs /sys 2>/dev/null || true
mount -t tmpfs -o mode=0755 tmpfs /run 2>/dev/null || true
chmod 1777 /tmp

# Containers are started with `container=...` in their environment by the host.
if [ -n "${container:-}" ]; then
    echo "booting as a container ($container)"
fi

echo "running the activation script..."
"$systemConfig/activate"

# Record the booted system, then become systemd.
ln -sfn "$systemConfig" /run/booted-system
exec @systemdExecutable@ --log-target=journal
