#!/usr/bin/env bash
# logthon ingestion benchmark (issue 12): records/s through terrariumd and the logthon plugin with
# persistence on (SQLite in the state directory), posting single records over keep-alive
# connections and batches of 100 records, then the live stream's fan-out to N WebSocket clients
# while single records are posted. See bench/README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: bench/logthon.sh [--build-dir DIR] [--duration SECONDS] [--connections N] [--ws-clients N]
                        [--io-threads N] [--no-persistence]

  --build-dir DIR     CMake build directory (default: build); relative paths are taken from the
                      current directory if they exist there, else from the repository root
  --duration SECONDS  length of each measured run (default: 5)
  --connections N     wrk keep-alive connections (default: 64)
  --ws-clients N      WebSocket clients of the fan-out run (default: 100; 0 skips it)
  --io-threads N      terrariumd "io_threads" (default: the host's default)
  --no-persistence    run logthon in memory only (for comparison)

Prints records/s of the single and the batch run, the fan-out frames/s (and what the stream
dropped for slow readers), logthon's persistence figures after the runs, and the goal
(>= 50,000 records/s with persistence). Exits 0 whatever the figures; non-zero only if something
failed to build, start or stay up, or wrk failed.
EOF
}

export LC_ALL=C

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
BENCH_NAME=logthon.sh
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"

BUILD_DIR=build
DURATION=5
CONNECTIONS=64
WS_CLIENTS=100
IO_THREADS=
PERSIST=1
WRK_THREADS=2
START_DEADLINE=20
GOAL_RECORDS=50000

while [[ $# -gt 0 ]]; do
    case "$1" in
        --build-dir) need_value "$@"; BUILD_DIR=$2; shift 2 ;;
        --duration) need_value "$@"; positive_int "$1" "$2"; DURATION=$2; shift 2 ;;
        --connections) need_value "$@"; positive_int "$1" "$2"; CONNECTIONS=$2; shift 2 ;;
        --ws-clients) need_value "$@"; [[ "$2" =~ ^[0-9]+$ ]] || die "--ws-clients: expected an integer, got '$2'"; WS_CLIENTS=$2; shift 2 ;;
        --io-threads) need_value "$@"; positive_int "$1" "$2"; IO_THREADS=$2; shift 2 ;;
        --no-persistence) PERSIST=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "$BENCH_NAME: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

require_tools wrk curl
resolve_build_dir
TERRARIUMD="$BUILD_DIR/host/terrariumd"
LOGTHON="$BUILD_DIR/plugins/logthon/logthon.so"
FANOUT="$BUILD_DIR/bench/logthon_fanout"
missing=()
[[ -x "$TERRARIUMD" ]] || missing+=(terrariumd)
[[ -f "$LOGTHON" ]] || missing+=(logthon)
[[ -x "$FANOUT" ]] || missing+=(logthon_fanout)
build_missing "${missing[@]}"

WORK=$(mktemp -d /tmp/terrarium-logthon-bench.XXXXXX)
SERVER_PID=
cleanup() {
    stop_server "$SERVER_PID" terrariumd
    rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/plugins" "$WORK/state"
cp "$LOGTHON" "$WORK/plugins/logthon.so"
if [[ $PERSIST == 1 ]]; then database="\"$WORK/state/logthon.db\""; else database='""'; fi
threads=
[[ -n "$IO_THREADS" ]] && threads="\"io_threads\": $IO_THREADS,"
cat >"$WORK/bench.json" <<JSON
{
  $threads
  "watch": {"enabled": false},
  "log": {"level": "warning", "logthon": {"enabled": false}},
  "plugins": {"logthon": {"config": {"database": $database, "initial_logs": 0}}}
}
JSON
"$TERRARIUMD" --config "$WORK/bench.json" --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 \
    --plugins-dir "$WORK/plugins" --state-dir "$WORK/state" >"$WORK/terrariumd.log" 2>&1 &
SERVER_PID=$!
wait_terrariumd_ready "$SERVER_PID" terrariumd "$WORK/terrariumd.log" "$WORK/state/listeners.json" /api/logthon/health
URL="http://$SERVER_ADDR/api/logs"

cat >"$WORK/single.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"service":"bench","level":"INFO","message":"GET /api/fake-provider/test 200 (0.004s)","metadata":{"container_name":"bench"}}'
LUA
cat >"$WORK/batch.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local records = {}
for i = 1, 100 do
    records[i] = '{"service":"bench-batch","level":"INFO","message":"GET /api/fake-provider/test 200 (0.004s)","metadata":{"container_name":"bench"}}'
end
wrk.body = "[" .. table.concat(records, ",") .. "]"
LUA

run_script() { # name script output
    if ! wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION"s --latency -s "$2" "$URL" >"$3" 2>&1; then
        echo "$BENCH_NAME: wrk ($1) failed:" >&2
        cat "$3" >&2
        exit 1
    fi
    alive_or_die "$SERVER_PID" terrariumd "$WORK/terrariumd.log"
}

run_script single "$WORK/single.lua" "$WORK/single.out"
read -r single_rps single_p50 single_p99 single_non2xx single_errors _ < <(parse_wrk "$WORK/single.out")
run_script batch "$WORK/batch.lua" "$WORK/batch.out"
read -r batch_rps batch_p50 batch_p99 batch_non2xx batch_errors _ < <(parse_wrk "$WORK/batch.out")
batch_records=$(awk -v r="$batch_rps" 'BEGIN { printf "%.0f", r * 100 }')

fanout_line="skipped"
if ((WS_CLIENTS > 0)); then
    "$FANOUT" "${SERVER_ADDR%:*}" "${SERVER_ADDR##*:}" "$WS_CLIENTS" "$DURATION" >"$WORK/fanout.out" 2>"$WORK/fanout.err" &
    fanout_pid=$!
    for ((i = 0; i < 200; i++)); do
        active=$(curl -s "http://$SERVER_ADDR/api/logthon/websocket/info" | sed -nE 's/.*"active_connections":([0-9]+).*/\1/p')
        [[ "${active:-0}" -ge "$WS_CLIENTS" ]] && break
        sleep 0.05
    done
    run_script fan-out "$WORK/single.lua" "$WORK/fanout-wrk.out"
    wait "$fanout_pid" || echo "$BENCH_NAME: logthon_fanout failed: $(cat "$WORK/fanout.err")" >&2
    read -r fan_rps _ < <(parse_wrk "$WORK/fanout-wrk.out")
    fanout_line="$(cat "$WORK/fanout.out") while ingesting ${fan_rps} records/s"
fi

sleep 1
health=$(curl -s "http://$SERVER_ADDR/api/logthon/health")
admin_addr=$(tr -d '\n' <"$WORK/state/listeners.json" | sed -nE 's/.*"admin"[[:space:]]*:[[:space:]]*"([^"]*)".*/\1/p')
metrics=$(curl -s "http://$admin_addr/metrics" | grep -E '^terrarium_plugin_logthon_(entries_|persistence_|stream_)' || true)

echo "logthon benchmark: ${DURATION}s runs, $CONNECTIONS connections, wrk -t$WRK_THREADS, persistence $([[ $PERSIST == 1 ]] && echo on || echo off)"
printf '  single records : %10.0f records/s  p50 %6.0f us  p99 %7.0f us  non-2xx %d  socket errors %d\n' \
    "$single_rps" "$single_p50" "$single_p99" "$single_non2xx" "$single_errors"
printf '  batches of 100 : %10.0f records/s  (%s requests/s)  p50 %6.0f us  p99 %7.0f us  non-2xx %d  socket errors %d\n' \
    "$batch_records" "$batch_rps" "$batch_p50" "$batch_p99" "$batch_non2xx" "$batch_errors"
echo "  ws fan-out     : $fanout_line"
echo "  persistence    : $(echo "$health" | sed -nE 's/.*"persistence":(\{[^}]*\}).*/\1/p')"
echo "$metrics" | sed 's/^/  /'
awk -v s="$single_rps" -v b="$batch_records" -v g="$GOAL_RECORDS" 'BEGIN {
    printf "  goal >= %d records/s: single %s, batches %s\n", g, (s >= g ? "met" : "not met"), (b >= g ? "met" : "not met") }'
