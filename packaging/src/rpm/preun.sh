# $1 is 0 on erase: stop granaryd (a clean stop flushes every volume) and disable it.
if [ "$1" -eq 0 ] && command -v systemctl >/dev/null 2>&1; then
  if [ -d /run/systemd/system ]; then
    systemctl --no-reload disable --now granaryd.service >/dev/null 2>&1 || :
  else
    systemctl --no-reload disable granaryd.service >/dev/null 2>&1 || :
  fi
fi
