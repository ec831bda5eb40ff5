#!/usr/bin/env bash
# The systemd unit: systemd-analyze verify, the hardening and reload settings the packages
# promise; the man page documents every option of terrariumd --help; the packaged configuration
# starts the real terrariumd.
. "$(dirname "$0")/lib.sh"
need systemd-analyze
unit=$src/packaging/systemd/terrarium.service
man=$src/packaging/man/terrariumd.8
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# verify needs the ExecStart binary: the source unit with the built terrariumd in its place (the
# install test verifies the installed unit as it is, man page included).
sed "s|^ExecStart=/usr/bin/terrariumd|ExecStart=$PKGTEST_TERRARIUMD|" "$unit" >"$work/terrarium.service"
if systemd-analyze verify --man=no "$work/terrarium.service" >"$work/verify.log" 2>&1 && [ ! -s "$work/verify.log" ]; then
  ok "systemd-analyze verify"
else
  sed 's/^/    /' "$work/verify.log"; fail "systemd-analyze verify"
fi
# systemd's own hardening score of the unit (0 = fully locked down .. 10): it must stay in the "OK" band.
if systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
  if systemd-analyze security --offline=yes --threshold=20 "$work/terrarium.service" >"$work/security.log" 2>&1; then
    ok "systemd-analyze security: $(grep -o 'Overall exposure level.*' "$work/security.log" | sed 's/ [^ ]*$//')"
  else
    grep -E 'Overall|✗' "$work/security.log" | sed 's/^/    /'; fail "systemd-analyze security: exposure above 2.0"
  fi
else
  echo "note: this systemd-analyze has no 'security --offline': the hardening score is not checked"
fi
directive() { grep -qx "$1" "$unit"; }
for d in 'Type=simple' 'User=terrarium' 'ExecStart=/usr/bin/terrariumd --config /etc/terrarium/terrarium.json' \
         'ExecReload=/bin/kill -HUP $MAINPID' 'Restart=on-failure' 'NoNewPrivileges=yes' 'ProtectSystem=strict' \
         'StateDirectory=terrarium' 'ReadWritePaths=/var/lib/terrarium' 'PrivateTmp=yes' 'ProtectHome=yes' \
         'WantedBy=multi-user.target'; do
  expect "unit: $d" directive "$d"
done
expect "unit: the config it passes is the packaged one" grep -q '^install(FILES ${_pkg_out}/etc/terrarium.json DESTINATION ${TERRARIUM_PACKAGE_CONFIG_DIR}' "$src/packaging/CMakeLists.txt"

"$PKGTEST_TERRARIUMD" --help >"$work/help.txt"
help_options=$(grep -oE -- '--[a-z][a-z-]*' "$work/help.txt" | sort -u)
man_options=$(sed 's/\\-/-/g' "$man" | grep -oE -- '--[a-z][a-z-]*' | sort -u)
expect "man page documents every --help option ($(echo $help_options))" test -z "$(comm -23 <(echo "$help_options") <(echo "$man_options"))"
expect "man page documents no option --help lacks" test -z "$(comm -13 <(echo "$help_options") <(echo "$man_options"))"
# The defaults --help states, in the man page too ("(default X" up to ';' or ')').
man_text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\(em/-/g' "$man" | tr -s ' \n' ' ')
while IFS= read -r d; do
  expect "man page states the --help default '${d#(}'" grep -qF -- "$d" <<<"$man_text"
done < <(tr -s ' \n' ' ' <"$work/help.txt" | grep -oE '\(default:? [^;)]+')
# Every TERRARIUM_* variable the daemon knows (it names them when it meets an unknown one).
refused=$(env -i TERRARIUM_PACKAGING_TEST_UNKNOWN=1 "$PKGTEST_TERRARIUMD" --state-dir "$work/state" --plugins-dir "$work/plugins" 2>&1 || true)
known=$(sed -n 's/.*unknown environment variable; known: //p' <<<"$refused" | tr -d ',')
expect "terrariumd names the environment variables it knows" test -n "$known"
for v in $known; do
  expect "man page documents $v" grep -qF "$v" <<<"$man_text"
done
man_vars=$(grep -oE 'TERRARIUM_[A-Z_]*[A-Z]' <<<"$man_text" | sort -u)
for v in $man_vars; do
  expect "man page documents no variable terrariumd lacks: $v" grep -qw "$v" <<<"$known"
done
if command -v groff >/dev/null; then
  expect "man page formats without warnings" bash -c "test -z \"\$(groff -man -ww -z '$man' 2>&1)\""
else
  echo "note: groff missing, man page formatting not checked"
fi

# terrariumctl(1): every command and option terrariumctl --help lists.
ctl_man=$src/packaging/man/terrariumctl.1
ctl_man_text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$ctl_man" | tr -s ' \n' ' ' | tr -d '"')
"$build/tools/terrariumctl/terrariumctl" --help >"$work/ctl-help.txt"
while IFS= read -r command; do
  expect "terrariumctl.1 documents the command '$command'" grep -qF -- "$command" <<<"$ctl_man_text"
done < <(sed -n '/^commands:/,/^$/p' "$work/ctl-help.txt" | sed -n 's/^  \([a-z][a-z-]*\( [a-z][a-z-]*\)\?\)\( [A-Z[].*\|  .*\)$/\1/p')
for option in $(grep -oE -- '--[a-z][a-z-]*' "$work/ctl-help.txt" | sort -u); do
  expect "terrariumctl.1 documents $option" grep -qF -- "$option" <<<"$ctl_man_text"
done
if command -v groff >/dev/null; then
  expect "terrariumctl.1 formats without warnings" bash -c "test -z \"\$(groff -man -ww -z '$ctl_man' 2>&1)\""
fi

config=$build/packaging/etc/terrarium.json
expect "packaged configuration is JSON" python3 -m json.tool "$config" >/dev/null
if can_unshare_net; then
  # the unit sets no environment variable
  expect "packaged configuration starts terrariumd (main and admin listeners)" config_starts "$PKGTEST_TERRARIUMD" "$config" /dev/null main admin
else
  echo "note: not root or no network namespaces here: the packaged configuration is not started (the install test runs it)"
fi
finish "systemd unit"
