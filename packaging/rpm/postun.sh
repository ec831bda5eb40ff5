# terrarium %postun: an upgrade restarts a running service. Erasing the package (rpm has no
# separate purge) removes the generated state in /var/lib/terrarium: plugin cache, admin token,
# plugins dropped in by hand. An edited configuration is kept by rpm as terrarium.json.rpmsave.
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || :
fi
if [ "$1" -ge 1 ]; then
    systemctl try-restart terrarium.service >/dev/null 2>&1 || :
else
    rm -rf /var/lib/terrarium
fi
exit 0
