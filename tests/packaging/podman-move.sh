# The one-call move between the split's two podman containers, sourced by podman.sh once the split
# runs (its helpers, containers and volumes; no image is built for it): host-b gets host-a as a peer
# (its configuration rewritten in place, host-a's admin token copied into host-b's state volume,
# SIGHUP), records are posted to logthon on host-b, then POST /admin/plugins/logthon/move
# {"to":"host-a"} on host-b's admin API carries the library, its signature and logthon's state to
# host-a over the admin APIs: no volume is shared between the containers. Checked: the report,
# every record posted before the move answered by host-a, host-b forwarding logthon's routes to
# host-a, custom-client's files still arriving in file-storage on host-b.

echo "--- the move: logthon from host-b to host-a with POST /admin/plugins/logthon/move (no shared volume)"
move_started=$(date +%s)
A_main=$(listener host-a main)
A_admin=$(listener host-a admin)
B_admin=$(listener host-b admin)
peer_token=/var/lib/terrarium/peer-host-a.token
install -o 10001 -g 10001 -m 0600 "$work/host-a/state/admin.token" "$work/host-b/state/${peer_token##*/}" \
  || die "copying host-a's admin token into host-b's state volume"

# sighup_reloads HOST: how many times HOST re-read its configuration on SIGHUP
sighup_reloads() { P logs "$run_id-$1" 2>&1 | grep -c 'SIGHUP: configuration reloaded' || true; }
reloads_above() { [ "$(sighup_reloads "$1")" -gt "$2" ]; }
reloads=$(sighup_reloads host-b)
# In place (the file is bind-mounted into the container: a new inode would not be seen there).
make_config "$work/host-b.json" "$work/host-b.json" '
config["peers"] = {"host-a": {"admin_url": "http://'"$A_admin"'", "token_file": "'"$peer_token"'", "url": "http://'"$A_main"'"}}'
P kill --signal HUP "$run_id-host-b" >/dev/null || die "podman kill --signal HUP host-b"
poll 30 reloads_above host-b "$reloads" || { P logs "$run_id-host-b" 2>&1 | tail -n 20; die "host-b did not re-read its configuration on SIGHUP within 30 s"; }
ok "host-b has host-a as its peer (configuration rewritten, SIGHUP)"

# post_record HOST_URL MESSAGE: one logthon record of service "mover", acknowledged with 200
post_record() {
  answers "http://$1/api/logs" 200 '"status":"success"' -X POST -H 'Content-Type: application/json' \
    -d '{"service":"mover","level":"INFO","message":"'"$2"'"}'
}
# mover_records HOST_URL: the messages of service "mover" that HOST_URL's logthon answers, one a line
mover_records() {
  curl -fsS -m 10 "http://$1/api/logthon/logs?service=mover&limit=10000" \
    | python3 -c 'import json,sys; print("\n".join(e["message"] for e in json.load(sys.stdin)["logs"]))' | LC_ALL=C sort
}
# has_records HOST_URL EXPECTED_FILE: exactly the records of the file (each once)
has_records() {
  local got; got=$(mover_records "$1") || return 1
  [ "$got" = "$(cat "$2")" ] || { echo "    $1 has: $(echo $got)"; return 1; }
}
: >"$work/posted.txt"
for i in $(seq -w 1 20); do
  post_record "$B" "before-move-$i" || die "posting record $i to logthon on host-b"
  echo "before-move-$i" >>"$work/posted.txt"
done
LC_ALL=C sort -o "$work/posted.txt" "$work/posted.txt"
expect "logthon on host-b has the 20 records posted" has_records "$B" "$work/posted.txt"

stored_files() { find "$work/host-b/state/file-storage" -type f | wc -l; }
files_above() { [ "$(stored_files)" -gt "$1" ]; }

moved=$(curl -sS -m 60 -o "$work/move.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $(token host-b)" \
  -H 'Content-Type: application/json' -d '{"to":"host-a"}' "http://$B_admin/admin/plugins/logthon/move" 2>&1) || true
files_at_move=$(stored_files)
echo "move report ($moved): $(cat "$work/move.json" 2>/dev/null)"
[ "$moved" = 200 ] || { P logs "$run_id-host-b" 2>&1 | grep -F 'move' | tail -n 10; die "POST /admin/plugins/logthon/move on host-b answered $moved"; }
expect "the move's report: moved, to host-a, steps upload/forward/restore/unload/peers, state restored" python3 - "$work/move.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
assert report["moved"] is True and report["plugin"] == "logthon" and report["to"] == "host-a", report
assert [s["step"] for s in report["steps"]] == ["upload", "forward", "restore", "unload", "peers"], report["steps"]
assert report["state"] == "restored" and report["state_bytes"] > 0 and report["library_bytes"] > 0, report
EOF

expect "host-a loads custom-client, logthon and service-sink" eventually 30 loads_exactly host-a 'custom-client logthon service-sink'
expect "host-b loads file-storage only" eventually 30 loads_exactly host-b 'file-storage'
expect "host-a's plugins volume holds the uploaded logthon.so and its signature" \
  test -f "$work/host-a/plugins/logthon.so" -a -f "$work/host-a/plugins/logthon.so.sig"
expect "host-b parked its logthon.so as .logthon.so.moved" \
  test -f "$work/host-b/plugins/.logthon.so.moved" -a ! -e "$work/host-b/plugins/logthon.so"
expect "logthon on host-a answers every record posted before the move, each once" has_records "$A_main" "$work/posted.txt"
expect "a record posted through host-b's gateway is acknowledged (forwarded to host-a)" post_record "$B" after-move-through-host-b
echo after-move-through-host-b >>"$work/posted.txt"; LC_ALL=C sort -o "$work/posted.txt" "$work/posted.txt"
expect "it landed on host-a's logthon" has_records "$A_main" "$work/posted.txt"
expect "host-b's gateway answers logthon's queries from host-a" has_records "$B" "$work/posted.txt"
expect "custom-client (host-a) keeps storing files in file-storage on host-b ($files_at_move before)" \
  eventually 30 files_above "$files_at_move"
echo "time: move between the containers $(( $(date +%s) - move_started )) s"
