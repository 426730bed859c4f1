# Written out: Debian's rpm, which builds this package, has no %systemd_* macros.
# $1 is 1 on install, 2 on upgrade. Enabling works without a running systemd (an image build).
if [ "$1" -eq 1 ] && command -v systemctl >/dev/null 2>&1; then
  systemctl --no-reload enable granaryd.service >/dev/null 2>&1 || :
fi
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
fi
# The CLI's class-data archive, made by this JVM for the jars just installed (the deb's postinst
# does the same). Run this again as root after a Java update: until then granary runs without it,
# only slower. Failing to make it never fails the installation.
mkdir -p /var/cache/granary
if ! GRANARY_CDS_DUMP=/var/cache/granary/granary-cli.jsa /usr/bin/granary >/dev/null 2>&1; then
  rm -f /var/cache/granary/granary-cli.jsa /var/cache/granary/granary-cli.jsa.jvm
  echo "granary: could not make the CLI's class-data archive; granary will start slower" >&2
fi
:
