# terrarium %pre: the terrarium system user (before the files, which it owns, are installed).
getent group terrarium >/dev/null || groupadd -r terrarium
getent passwd terrarium >/dev/null || \
    useradd -r -g terrarium -d /var/lib/terrarium -s /sbin/nologin -c "Terrarium plugin host" terrarium
exit 0
