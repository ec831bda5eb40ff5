# terrarium %post: as %systemd_post does (the unit is preset on first installation, not started).
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || :
fi
if [ "$1" -eq 1 ]; then
    systemctl --no-reload preset terrarium.service >/dev/null 2>&1 || :
fi
exit 0
