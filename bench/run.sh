#!/usr/bin/env bash
# Terrarium benchmark: terrariumd serving the echo plugin vs. a bare Poco HTTPServer.
# See bench/README.md for what is measured and how to read the result.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: bench/run.sh [--build-dir DIR] [--duration SECONDS] [--connections N] [--threads N]
                    [--rounds N] [--only-bare]

  --build-dir DIR      CMake build directory (default: build); relative paths are taken from the
                       current directory if they exist there, else from the repository root
  --duration SECONDS   length of each measured wrk run (default: 5)
  --connections N      concurrent wrk connections (default: 64)
  --threads N          worker threads of both servers (default: 16)
  --rounds N           measured rounds, bare and terrariumd interleaved (default: 3)
  --only-bare          benchmark only bare_poco_server (no terrariumd needed)

Prints a table per round and a summary (median req/s, p50, p99, ratio terrariumd/bare, goal >= 0.95)
and writes the summary to bench/results/latest.json. Exits 0 whatever the ratio; non-zero only if
a server or wrk failed.
EOF
}

export LC_ALL=C

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
BENCH_NAME=run.sh
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"

BUILD_DIR=build
DURATION=5
CONNECTIONS=64
SERVER_THREADS=16
ROUNDS=3
ONLY_BARE=0
WRK_THREADS=2
WARMUP_SECONDS=1
GOAL=0.95
START_DEADLINE=20 # seconds to wait for each server to listen and become ready

while [[ $# -gt 0 ]]; do
    case "$1" in
        --build-dir) need_value "$@"; BUILD_DIR=$2; shift 2 ;;
        --duration) need_value "$@"; positive_int "$1" "$2"; DURATION=$2; shift 2 ;;
        --connections) need_value "$@"; positive_int "$1" "$2"; CONNECTIONS=$2; shift 2 ;;
        --threads) need_value "$@"; positive_int "$1" "$2"; SERVER_THREADS=$2; shift 2 ;;
        --rounds) need_value "$@"; positive_int "$1" "$2"; ROUNDS=$2; shift 2 ;;
        --only-bare) ONLY_BARE=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
# wrk needs at least one connection per thread.
if ((CONNECTIONS < WRK_THREADS)); then
    WRK_THREADS=$CONNECTIONS
fi

require_tools wrk curl cmake awk sort

resolve_build_dir
[[ -d "$BUILD_DIR" ]] || die "build directory '$BUILD_DIR' does not exist; configure it first: cmake -S $REPO_ROOT -B $BUILD_DIR -G Ninja"

BARE_BIN="$BUILD_DIR/bench/bare_poco_server"
TERRARIUMD_BIN="$BUILD_DIR/host/terrariumd"
ECHO_SO="$BUILD_DIR/plugins/echo/echo.so"

# ---------------------------------------------------------------------------------------------
# Build what is missing.
targets=()
[[ -x "$BARE_BIN" ]] || targets+=(bare_poco_server)
if ((!ONLY_BARE)); then
    [[ -x "$TERRARIUMD_BIN" ]] || targets+=(terrariumd)
    [[ -f "$ECHO_SO" ]] || targets+=(echo)
fi
build_missing "${targets[@]}"
[[ -x "$BARE_BIN" ]] || die "$BARE_BIN is missing after the build"
if ((!ONLY_BARE)); then
    [[ -x "$TERRARIUMD_BIN" ]] || die "$TERRARIUMD_BIN is missing after the build"
    [[ -f "$ECHO_SO" ]] || die "$ECHO_SO is missing after the build"
fi

# ---------------------------------------------------------------------------------------------
# Process management: both servers are stopped on every exit path.
TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/terrarium-bench.XXXXXX")
BARE_PID=
TERRARIUMD_PID=

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_server "$TERRARIUMD_PID" terrariumd
    stop_server "$BARE_PID" bare_poco_server
    rm -rf "$TMP_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Start bare_poco_server.
echo "Starting bare_poco_server (threads $SERVER_THREADS)"
BARE_LOG="$TMP_DIR/bare.log"
"$BARE_BIN" --port 0 --threads "$SERVER_THREADS" >"$BARE_LOG" 2>&1 &
BARE_PID=$!
wait_bare_ready "$BARE_PID" bare_poco_server "$BARE_LOG"
BARE_ADDR=$SERVER_ADDR
echo "  bare_poco_server listening on $BARE_ADDR"

# ---------------------------------------------------------------------------------------------
# Start terrariumd with a generated config and only the echo plugin.
TERRARIUMD_ADDR=
if ((!ONLY_BARE)); then
    echo "Starting terrariumd (threads $SERVER_THREADS, plugin echo)"
    mkdir -p "$TMP_DIR/plugins" "$TMP_DIR/state"
    cp "$ECHO_SO" "$TMP_DIR/plugins/echo.so"
    printf '{"threads": %d, "log": {"level": "warning"}}\n' "$SERVER_THREADS" >"$TMP_DIR/bench.json"
    TERRARIUMD_LOG="$TMP_DIR/terrariumd.log"
    LISTENERS="$TMP_DIR/state/listeners.json"
    "$TERRARIUMD_BIN" --config "$TMP_DIR/bench.json" \
        --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 \
        --plugins-dir "$TMP_DIR/plugins" --state-dir "$TMP_DIR/state" >"$TERRARIUMD_LOG" 2>&1 &
    TERRARIUMD_PID=$!
    wait_terrariumd_ready "$TERRARIUMD_PID" terrariumd "$TERRARIUMD_LOG" "$LISTENERS"
    TERRARIUMD_ADDR=$SERVER_ADDR
    echo "  terrariumd listening on $TERRARIUMD_ADDR"
fi

# ---------------------------------------------------------------------------------------------
# wrk runs (run_wrk and parse_wrk are in lib.sh).

# measure <name> <url> <pid> <log> -> appends a result line "<name> <round> <parsed fields>" to RESULTS
RESULTS="$TMP_DIR/results.txt"
: >"$RESULTS"
measure() {
    local name=$1 url=$2 pid=$3 log=$4 round=$5 out="$TMP_DIR/wrk-$1-$5.txt" parsed
    run_wrk "$DURATION" "$CONNECTIONS" "$url" "$out"
    alive_or_die "$pid" "$name" "$log"
    parsed=$(parse_wrk "$out" required) || { echo "run.sh: could not parse wrk output:" >&2; cat "$out" >&2; exit 1; }
    echo "$name $round $parsed" >>"$RESULTS"
}

print_header() {
    printf '  %-11s %12s %11s %11s %9s %9s\n' server 'req/s' 'p50 (us)' 'p99 (us)' non-2xx sock-err
}
print_row() { # name rps p50 p99 non2xx sockerr
    printf '  %-11s %12.0f %11.1f %11.1f %9d %9d\n' "$@"
}

SERVERS=(bare)
((ONLY_BARE)) || SERVERS+=(terrariumd)
declare -A URL_PATH=([bare]=/ [terrariumd]=/echo/bench)
declare -A URL=([bare]="http://$BARE_ADDR${URL_PATH[bare]}")
declare -A PID=([bare]="$BARE_PID")
declare -A LOG=([bare]="$BARE_LOG")
if ((!ONLY_BARE)); then
    URL[terrariumd]="http://$TERRARIUMD_ADDR${URL_PATH[terrariumd]}"
    PID[terrariumd]="$TERRARIUMD_PID"
    LOG[terrariumd]="$TERRARIUMD_LOG"
fi

echo
echo "wrk: $WRK_THREADS threads, $CONNECTIONS connections, ${DURATION} s per run, $ROUNDS rounds; servers: $SERVER_THREADS threads; $(nproc) CPUs"
CONNECTIONS_EXCEED_THREADS=false
if ((CONNECTIONS > SERVER_THREADS)); then
    # Poco's HTTPServer holds a worker thread for the whole life of a keep-alive connection.
    CONNECTIONS_EXCEED_THREADS=true
    echo "NOTE: $CONNECTIONS connections > $SERVER_THREADS server threads: a Poco HTTPServer serves one keep-alive"
    echo "      connection per thread, so only $SERVER_THREADS connections are served at a time and the others"
    echo "      wait in the accept queue (wrk reports no error for them). See bench/README.md."
fi
for server in "${SERVERS[@]}"; do
    echo "Warming up $server (${WARMUP_SECONDS} s) ..."
    run_wrk "$WARMUP_SECONDS" "$CONNECTIONS" "${URL[$server]}" "$TMP_DIR/wrk-$server-warmup.txt"
    alive_or_die "${PID[$server]}" "$server" "${LOG[$server]}"
done

for ((round = 1; round <= ROUNDS; round++)); do
    for server in "${SERVERS[@]}"; do
        measure "$server" "${URL[$server]}" "${PID[$server]}" "${LOG[$server]}" "$round"
    done
    echo
    echo "Round $round/$ROUNDS"
    print_header
    for server in "${SERVERS[@]}"; do
        # shellcheck disable=SC2046 # word splitting of the parsed fields is intended
        print_row "$server" $(awk -v s="$server" -v r="$round" '$1 == s && $2 == r { print $3, $4, $5, $6, $7 }' "$RESULTS")
    done
done

# ---------------------------------------------------------------------------------------------
# Summary.

# median <server> <field number in RESULTS>
median() {
    awk -v s="$1" -v f="$2" '$1 == s { print $f }' "$RESULTS" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) printf "%.2f\n", v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
total() { # server field
    awk -v s="$1" -v f="$2" '$1 == s { t += $f } END { printf "%d\n", t }' "$RESULTS"
}

declare -A MED_RPS MED_P50 MED_P99 NON2XX SOCKERR
for server in "${SERVERS[@]}"; do
    MED_RPS[$server]=$(median "$server" 3)
    MED_P50[$server]=$(median "$server" 4)
    MED_P99[$server]=$(median "$server" 5)
    NON2XX[$server]=$(total "$server" 6)
    SOCKERR[$server]=$(total "$server" 7)
done

echo
echo "Summary: median of $ROUNDS rounds ($CONNECTIONS connections, ${DURATION} s each, $SERVER_THREADS server threads)"
print_header
for server in "${SERVERS[@]}"; do
    print_row "$server" "${MED_RPS[$server]}" "${MED_P50[$server]}" "${MED_P99[$server]}" "${NON2XX[$server]}" "${SOCKERR[$server]}"
done
echo "  (non-2xx and sock-err are totals over all rounds)"

RATIO=
VERDICT=
if ((!ONLY_BARE)); then
    RATIO=$(awk -v t="${MED_RPS[terrariumd]}" -v b="${MED_RPS[bare]}" 'BEGIN { printf "%.3f\n", (b > 0 ? t / b : 0) }')
    if awk -v r="$RATIO" -v g="$GOAL" 'BEGIN { exit !(r >= g) }'; then
        VERDICT=PASS
    else
        VERDICT="BELOW GOAL"
    fi
    echo
    echo "  ratio terrariumd/bare (median req/s): $RATIO   goal >= $GOAL   $VERDICT"
fi
for server in "${SERVERS[@]}"; do
    if ((NON2XX[$server] + SOCKERR[$server] > 0)); then
        echo "  WARNING: $server had ${NON2XX[$server]} non-2xx responses and ${SOCKERR[$server]} socket errors; its figures are suspect"
    fi
done

# JSON summary, written atomically.
json_server() { # server
    local s=$1 rounds
    rounds=$(awk -v s="$s" '$1 == s {
            printf "%s{\"round\": %d, \"requests_per_sec\": %s, \"p50_us\": %s, \"p99_us\": %s, \"non_2xx\": %d, \"socket_errors\": %d, \"requests\": %d}",
                (n++ ? ", " : ""), $2, $3, $4, $5, $6, $7, $8 }' "$RESULTS")
    printf '{"url_path": "%s", "median_requests_per_sec": %s, "median_p50_us": %s, "median_p99_us": %s, "non_2xx": %d, "socket_errors": %d, "rounds": [%s]}' \
        "${URL_PATH[$s]}" "${MED_RPS[$s]}" "${MED_P50[$s]}" "${MED_P99[$s]}" "${NON2XX[$s]}" "${SOCKERR[$s]}" "$rounds"
}
GIT_REV=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || true)
mkdir -p "$RESULTS_DIR"
{
    printf '{\n'
    printf '  "timestamp": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf '  "git_revision": %s,\n' "$([[ -n "$GIT_REV" ]] && printf '"%s"' "$GIT_REV" || printf null)"
    printf '  "machine": {"cpus": %d, "loadavg_1m": %s},\n' "$(nproc)" "$(awk '{ print $1 }' /proc/loadavg 2>/dev/null || echo null)"
    printf '  "config": {"duration_s": %d, "connections": %d, "wrk_threads": %d, "server_threads": %d, "rounds": %d, "only_bare": %s, "connections_exceed_server_threads": %s},\n' \
        "$DURATION" "$CONNECTIONS" "$WRK_THREADS" "$SERVER_THREADS" "$ROUNDS" "$( ((ONLY_BARE)) && echo true || echo false)" \
        "$CONNECTIONS_EXCEED_THREADS"
    printf '  "bare": %s,\n' "$(json_server bare)"
    if ((ONLY_BARE)); then
        printf '  "terrariumd": null,\n  "ratio": null,\n  "goal": %s,\n  "verdict": null\n' "$GOAL"
    else
        printf '  "terrariumd": %s,\n' "$(json_server terrariumd)"
        printf '  "ratio": %s,\n  "goal": %s,\n  "verdict": "%s"\n' "$RATIO" "$GOAL" "$VERDICT"
    fi
    printf '}\n'
} >"$RESULTS_DIR/latest.json.tmp"
mv "$RESULTS_DIR/latest.json.tmp" "$RESULTS_DIR/latest.json"
echo
echo "Summary written to ${RESULTS_DIR#"$REPO_ROOT"/}/latest.json"
