# Written out: Debian's rpm, which builds this package, has no %systemd_* macros.
# $1 is 1 on install, 2 on upgrade. Enabling works without a running systemd (an image build).
if [ "$1" -eq 1 ] && command -v systemctl >/dev/null 2>&1; then
  systemctl --no-reload enable granaryd.service >/dev/null 2>&1 || :
fi
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
fi
