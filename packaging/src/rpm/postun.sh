# $1 is 0 on erase, 1 on upgrade: a running granaryd restarts on the new files.
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
  if [ "$1" -ge 1 ]; then
    systemctl try-restart granaryd.service >/dev/null 2>&1 || :
  fi
fi
# Erased: the CLI's class-data archive (%post) is of no use without the jars it was made for.
if [ "$1" -eq 0 ]; then
  rm -rf /var/cache/granary
fi
