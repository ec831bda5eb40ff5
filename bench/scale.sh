#!/usr/bin/env bash
# Connection-scale benchmark (issue 5): terrariumd -> echo, a bare Poco HTTPServer and nginx
# (return 200, 1 worker), at 64 and 1,024 keep-alive connections, interleaved in one run, plus a
# check that every one of 1,024 connections gets an answer. See bench/README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: bench/scale.sh [--build-dir DIR] [--duration SECONDS] [--rounds N] [--low N] [--high N]
                      [--threads N] [--io-threads N] [--queue-size N] [--variants T:IO[,T:IO...]]
                      [--bare-threads N] [--check-deadline-ms MS] [--plugin echo|hello] [--pin]
                      [--no-install]

  --build-dir DIR        CMake build directory (default: build); relative paths are taken from the
                         current directory if they exist there, else from the repository root
  --duration SECONDS     length of each measured wrk run (default: 10)
  --rounds N             measured rounds; every round runs every server at both connection counts
                         (default: 3)
  --low N                the small connection count (default: 64)
  --high N               the large connection count, also used by the served check (default: 1024)
  --threads N            terrariumd "threads" (requests in handlers at once) (default: 16)
  --io-threads N         terrariumd "io_threads" (threads kept polling) (default: 2)
  --queue-size N         terrariumd "queue_size" (default: the --high connection count, so that
                         every connection can have its request queued; the daemon's default is 256)
  --variants LIST        instead of one terrariumd, one per THREADS:IO_THREADS pair, e.g.
                         16:1,16:2,4:1, all interleaved in the same rounds (to compare settings)
  --bare-threads N       worker threads of bare_poco_server (default: 16, as bench/run.sh)
  --check-deadline-ms MS how long conn_check waits for the answers (default: 3000)
  --plugin NAME          the plugin terrariumd serves: echo (default; builds a JSON answer from the
                         request, as in the earlier figures) or hello (a fixed 200 "hello", like
                         the other two servers: the host's own cost per request)
  --pin                  run every server on CPU 0 and wrk and conn_check on CPU 1 (taskset), so
                         that server CPU per request is compared without the load generator
                         competing for the same core; use with --io-threads 1
  --no-install           fail instead of installing missing Debian packages (nginx, wrk)

Prints a table per round and a summary (median req/s, p50, p99, server CPU per request, served
connections, the ratios of the issue's goals) and writes it to bench/results/scale-latest.json.
Exits 0 whatever the figures; non-zero only if something failed to install, build, start or
stay up, or wrk failed.
EOF
}

export LC_ALL=C

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
BENCH_NAME=scale.sh
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"

BUILD_DIR=build
DURATION=10
ROUNDS=3
LOW=64
HIGH=1024
TRM_THREADS=16
TRM_IO_THREADS=2
VARIANTS=
TRM_QUEUE_SIZE=
BARE_THREADS=16
CHECK_DEADLINE_MS=3000
INSTALL=1
PIN=0
PLUGIN=echo
WRK_THREADS=2
WARMUP_SECONDS=2
START_DEADLINE=20   # seconds to wait for each server to listen and become ready
GOAL_LOW=1.2        # terrariumd / bare at LOW connections
GOAL_HIGH=0.6       # terrariumd / nginx at HIGH connections

while [[ $# -gt 0 ]]; do
    case "$1" in
        --build-dir) need_value "$@"; BUILD_DIR=$2; shift 2 ;;
        --duration) need_value "$@"; positive_int "$1" "$2"; DURATION=$2; shift 2 ;;
        --rounds) need_value "$@"; positive_int "$1" "$2"; ROUNDS=$2; shift 2 ;;
        --low) need_value "$@"; positive_int "$1" "$2"; LOW=$2; shift 2 ;;
        --high) need_value "$@"; positive_int "$1" "$2"; HIGH=$2; shift 2 ;;
        --threads) need_value "$@"; positive_int "$1" "$2"; TRM_THREADS=$2; shift 2 ;;
        --io-threads) need_value "$@"; positive_int "$1" "$2"; TRM_IO_THREADS=$2; shift 2 ;;
        --queue-size) need_value "$@"; positive_int "$1" "$2"; TRM_QUEUE_SIZE=$2; shift 2 ;;
        --variants)
            need_value "$@"
            [[ "$2" =~ ^[1-9][0-9]*:[1-9][0-9]*(,[1-9][0-9]*:[1-9][0-9]*)*$ ]] ||
                { echo "scale.sh: --variants: expected THREADS:IO_THREADS pairs, e.g. 16:1,16:2, got '$2'" >&2; exit 2; }
            VARIANTS=$2; shift 2 ;;
        --bare-threads) need_value "$@"; positive_int "$1" "$2"; BARE_THREADS=$2; shift 2 ;;
        --check-deadline-ms) need_value "$@"; positive_int "$1" "$2"; CHECK_DEADLINE_MS=$2; shift 2 ;;
        --plugin)
            need_value "$@"
            [[ "$2" == echo || "$2" == hello ]] || { echo "scale.sh: --plugin: expected echo or hello, got '$2'" >&2; exit 2; }
            PLUGIN=$2; shift 2 ;;
        --pin) PIN=1; shift ;;
        --no-install) INSTALL=0; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "scale.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
((LOW >= WRK_THREADS && HIGH >= WRK_THREADS)) || die "--low and --high must be at least $WRK_THREADS (wrk threads)"
[[ -n "$TRM_QUEUE_SIZE" ]] || TRM_QUEUE_SIZE=$HIGH
SERVER_PREFIX=()
WRK_PREFIX=()
if ((PIN)); then
    (($(nproc) >= 2)) || die "--pin needs at least 2 CPUs"
    require_tools taskset
    SERVER_PREFIX=(taskset -c 0)
    WRK_PREFIX=(taskset -c 1)
fi
if [[ -n "$VARIANTS" ]]; then
    IFS=, read -r -a TRM_VARIANTS <<<"$VARIANTS"
else
    TRM_VARIANTS=("$TRM_THREADS:$TRM_IO_THREADS")
fi

# ---------------------------------------------------------------------------------------------
# Open-file limit: 1,024 connections on each side of loopback, plus wrk's own.
HARD_NOFILE=$(ulimit -Hn)
ulimit -n "$HARD_NOFILE" || die "cannot raise the open-file limit to the hard limit ($HARD_NOFILE)"
if [[ "$HARD_NOFILE" != unlimited ]] && ((HARD_NOFILE < HIGH + 256)); then
    die "the hard open-file limit ($HARD_NOFILE) is too low for $HIGH connections"
fi

# ---------------------------------------------------------------------------------------------
# Debian packages: nginx and wrk, installed only when missing, as scripts/install-deps.sh does.
# nginx's postinst would start the packaged nginx on port 80 through invoke-rc.d when no systemd is
# running (containers); a temporary policy-rc.d (only if the machine has none) prevents that.
POLICY_RC=/usr/sbin/policy-rc.d
POLICY_RC_OURS=0
install_missing() {
    local missing=() p sudo=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    ((${#missing[@]} > 0)) || return 0
    ((INSTALL)) || die "missing Debian packages: ${missing[*]} (run without --no-install, or: apt-get install ${missing[*]})"
    command -v apt-get >/dev/null 2>&1 || die "missing packages ${missing[*]} and no apt-get to install them"
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null || die "need root or sudo to install: ${missing[*]}"
        sudo="sudo"
    fi
    echo "scale.sh: installing ${missing[*]}"
    if [[ ! -e "$POLICY_RC" ]]; then
        printf '#!/bin/sh\n# written by terrarium bench/scale.sh while installing packages; removed afterwards\nexit 101\n' |
            $sudo tee "$POLICY_RC" >/dev/null
        $sudo chmod 755 "$POLICY_RC"
        POLICY_RC_OURS=1
    fi
    local rc=0
    $sudo apt-get update || rc=$?
    if ((rc == 0)); then
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}" || rc=$?
    fi
    if ((POLICY_RC_OURS)); then
        $sudo rm -f "$POLICY_RC"
        POLICY_RC_OURS=0
    fi
    ((rc == 0)) || die "apt-get failed (status $rc)"
}

# ---------------------------------------------------------------------------------------------
# Process management: every server is stopped on every exit path.
TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/terrarium-scale.XXXXXX")
declare -A PID=() LOG=() ADDR=() URL_PATH=()
SERVERS=()

cleanup() {
    local rc=$? s
    trap - EXIT INT TERM
    if ((POLICY_RC_OURS)); then
        rm -f "$POLICY_RC" 2>/dev/null || sudo rm -f "$POLICY_RC" 2>/dev/null || true
    fi
    for s in "${SERVERS[@]}"; do
        stop_server "${PID[$s]:-}" "$s"
    done
    rm -rf "$TMP_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

install_missing nginx wrk
require_tools wrk curl cmake awk sort ss
NGINX_BIN=$(command -v nginx || true)
[[ -n "$NGINX_BIN" ]] || NGINX_BIN=/usr/sbin/nginx
[[ -x "$NGINX_BIN" ]] || die "nginx is installed but $NGINX_BIN is not executable"

# ---------------------------------------------------------------------------------------------
# Build what is missing.
resolve_build_dir
[[ -d "$BUILD_DIR" ]] || die "build directory '$BUILD_DIR' does not exist; configure it first: cmake -S $REPO_ROOT -B $BUILD_DIR -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo"
if grep -q '^CMAKE_BUILD_TYPE:STRING=Debug$' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null; then
    echo "scale.sh: WARNING: $BUILD_DIR is a Debug build; its figures say little" >&2
fi

BARE_BIN="$BUILD_DIR/bench/bare_poco_server"
CHECK_BIN="$BUILD_DIR/bench/conn_check"
TERRARIUMD_BIN="$BUILD_DIR/host/terrariumd"
if [[ "$PLUGIN" == hello ]]; then
    PLUGIN_SO="$BUILD_DIR/bench/hello.so" PLUGIN_TARGET=bench_hello PLUGIN_PATH=/hello
else
    PLUGIN_SO="$BUILD_DIR/plugins/echo/echo.so" PLUGIN_TARGET=echo PLUGIN_PATH=/echo/bench
fi
targets=()
[[ -x "$BARE_BIN" ]] || targets+=(bare_poco_server)
[[ -x "$CHECK_BIN" ]] || targets+=(conn_check)
[[ -x "$TERRARIUMD_BIN" ]] || targets+=(terrariumd)
[[ -f "$PLUGIN_SO" ]] || targets+=("$PLUGIN_TARGET")
build_missing "${targets[@]}"
for f in "$BARE_BIN" "$CHECK_BIN" "$TERRARIUMD_BIN"; do
    [[ -x "$f" ]] || die "$f is missing after the build"
done
[[ -f "$PLUGIN_SO" ]] || die "$PLUGIN_SO is missing after the build"

# The revision the measured binaries were built from: the build directory's source tree, which
# need not be this checkout (nor a git checkout at all).
SOURCE_DIR=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
GIT_REV=
if [[ -n "$SOURCE_DIR" ]] && GIT_REV=$(git -C "$SOURCE_DIR" rev-parse --short HEAD 2>/dev/null); then
    [[ -z "$(git -C "$SOURCE_DIR" status --porcelain -- host sdk plugins 2>/dev/null)" ]] || GIT_REV="$GIT_REV-dirty"
else
    GIT_REV=
fi

# ---------------------------------------------------------------------------------------------
# Starting the servers.
server_alive_or_die() { # name: lib.sh's alive_or_die for a server of SERVERS
    alive_or_die "${PID[$1]}" "$1" "${LOG[$1]}"
}

start_bare() {
    local name=bare
    LOG[$name]="$TMP_DIR/bare.log"
    "${SERVER_PREFIX[@]}" "$BARE_BIN" --port 0 --threads "$BARE_THREADS" >"${LOG[$name]}" 2>&1 &
    PID[$name]=$!
    SERVERS+=("$name")
    URL_PATH[$name]=/
    wait_bare_ready "${PID[$name]}" "$name" "${LOG[$name]}"
    ADDR[$name]=$SERVER_ADDR
    echo "  bare        bare_poco_server, $BARE_THREADS threads, on ${ADDR[$name]} (pid ${PID[$name]})"
}

start_terrariumd() { # name threads io_threads
    local name=$1 threads=$2 io=$3 dir="$TMP_DIR/$1" listeners
    mkdir -p "$dir/plugins" "$dir/state"
    cp "$PLUGIN_SO" "$dir/plugins/$PLUGIN.so"
    printf '{"threads": %d, "io_threads": %d, "queue_size": %d, "max_connections": 10000, "log": {"level": "warning"}}\n' \
        "$threads" "$io" "$TRM_QUEUE_SIZE" >"$dir/bench.json"
    LOG[$name]="$dir/terrariumd.log"
    listeners="$dir/state/listeners.json"
    "${SERVER_PREFIX[@]}" "$TERRARIUMD_BIN" --config "$dir/bench.json" \
        --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 \
        --plugins-dir "$dir/plugins" --state-dir "$dir/state" >"${LOG[$name]}" 2>&1 &
    PID[$name]=$!
    SERVERS+=("$name")
    URL_PATH[$name]=$PLUGIN_PATH
    wait_terrariumd_ready "${PID[$name]}" "$name" "${LOG[$name]}" "$listeners" "$PLUGIN_PATH"
    ADDR[$name]=$SERVER_ADDR
    printf '  %-11s terrariumd -> %s, threads %d, io_threads %d, queue_size %d, on %s (pid %s)\n' "$name" "$PLUGIN" "$threads" "$io" "$TRM_QUEUE_SIZE" "${ADDR[$name]}" "${PID[$name]}"
}

free_port() { # a port nobody listens on (the caller retries if it is taken meanwhile)
    local port i
    for ((i = 0; i < 100; i++)); do
        port=$((20000 + RANDOM % 12000))
        [[ -z "$(ss -Htln "sport = :$port" 2>/dev/null)" ]] && { echo "$port"; return 0; }
    done
    return 1
}

start_nginx() {
    local name=nginx dir="$TMP_DIR/nginx" port attempt nofile=$((2 * HIGH + 2048))
    [[ "$HARD_NOFILE" == unlimited ]] || ((nofile <= HARD_NOFILE)) || nofile=$HARD_NOFILE
    mkdir -p "$dir/logs" "$dir/temp"
    SERVERS+=("$name")
    URL_PATH[$name]=/
    LOG[$name]="$dir/logs/stderr.log"
    for ((attempt = 1; attempt <= 5; attempt++)); do
        port=$(free_port) || die "no free port found for nginx"
        # Everything under $dir: no /etc/nginx, no /var/log/nginx, no port 80. daemon off: the
        # master stays in the foreground and is our child; SIGTERM to it stops the worker too.
        cat >"$dir/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile $nofile;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events {
    worker_connections $((HIGH + 1024));
}
http {
    access_log off;
    client_body_temp_path $dir/temp/client_body;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
    # Like the other two servers, never close a keep-alive connection on a request count.
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$port backlog=1024;
        location / {
            default_type text/plain;
            return 200 "hello";
        }
    }
}
EOF
        "${SERVER_PREFIX[@]}" "$NGINX_BIN" -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" >"${LOG[$name]}" 2>&1 &
        PID[$name]=$!
        local deadline=$(($(now) + START_DEADLINE)) status=
        while kill -0 "${PID[$name]}" 2>/dev/null; do
            status=$(http_status "http://127.0.0.1:$port/")
            [[ "$status" == 200 ]] && break
            (($(now) < deadline)) || die "nginx: GET http://127.0.0.1:$port/ did not answer 200 within ${START_DEADLINE} s"
            sleep 0.05
        done
        if [[ "$status" == 200 ]] && kill -0 "${PID[$name]}" 2>/dev/null; then
            ADDR[$name]="127.0.0.1:$port"
            echo "  nginx       nginx $("$NGINX_BIN" -v 2>&1 | sed 's/^nginx version: nginx\///'), 1 worker, return 200, on ${ADDR[$name]} (pid ${PID[$name]})"
            return 0
        fi
        wait "${PID[$name]}" 2>/dev/null || true
        if ! grep -q 'Address already in use' "$dir/logs/error.log" "${LOG[$name]}" 2>/dev/null; then
            echo "scale.sh: nginx failed to start:" >&2
            tail -n 20 "$dir/logs/error.log" "${LOG[$name]}" >&2 2>/dev/null || true
            exit 1
        fi
    done
    die "nginx: no free port after 5 attempts"
}

echo "Starting servers"
TRM_SERVERS=()
for v in "${TRM_VARIANTS[@]}"; do
    if ((${#TRM_VARIANTS[@]} == 1)); then name=terrariumd; else name="trm-${v%:*}t-io${v#*:}"; fi
    start_terrariumd "$name" "${v%:*}" "${v#*:}"
    TRM_SERVERS+=("$name")
done
start_bare
start_nginx

# ---------------------------------------------------------------------------------------------
# Measuring.

# CPU ticks (user + system) of a process and its children (nginx's worker), from /proc.
cpu_ticks() { # pid
    local total=0 p t
    for p in "$1" $(pgrep -P "$1" 2>/dev/null || true); do
        # Fields after the ")" that ends the command name: utime is the 12th, stime the 13th.
        t=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }') || t=0
        total=$((total + ${t:-0}))
    done
    echo "$total"
}
CLK_TCK=$(getconf CLK_TCK)

# Context switches (voluntary + involuntary) of every thread of a process and its children.
ctx_switches() { # pid
    local p files=()
    for p in "$1" $(pgrep -P "$1" 2>/dev/null || true); do
        files+=(/proc/"$p"/task/*/status)
    done
    awk '/^(non)?voluntary_ctxt_switches:/ { t += $2 } END { printf "%d\n", t }' "${files[@]}" 2>/dev/null || echo 0
}

# run_wrk and parse_wrk are in lib.sh.

RESULTS="$TMP_DIR/results.txt"   # wrk <server> <round> <connections> <rps> <p50> <p99> <non2xx> <sockerr> <requests> <cpu us/req> <cs/req> <connect:read:write:timeout errors>
CHECKS="$TMP_DIR/checks.txt"     # check <server> <round> <served> <answered> <503> <unanswered> <closed> <connect failed> <p50 ms> <last ms>
: >"$RESULTS"
: >"$CHECKS"

measure() { # server round connections
    local s=$1 r=$2 c=$3 out="$TMP_DIR/wrk-$1-$2-$3.txt" parsed before after cpu cs_before cs_after cs errors
    before=$(cpu_ticks "${PID[$s]}")
    cs_before=$(ctx_switches "${PID[$s]}")
    run_wrk "$DURATION" "$c" "http://${ADDR[$s]}${URL_PATH[$s]}" "$out"
    after=$(cpu_ticks "${PID[$s]}")
    cs_after=$(ctx_switches "${PID[$s]}")
    server_alive_or_die "$s"
    parsed=$(parse_wrk "$out" optional) || { echo "scale.sh: could not parse wrk output:" >&2; cat "$out" >&2; exit 1; }
    # shellcheck disable=SC2086 # word splitting of the parsed fields is intended
    set -- $parsed
    cpu=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$6" 'BEGIN { printf "%.1f", (n > 0 ? t * 1000000 / hz / n : -1) }')
    cs=$(awk -v d=$((cs_after - cs_before)) -v n="$6" 'BEGIN { printf "%.2f", (n > 0 ? d / n : -1) }')
    errors=$(sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1:\2:\3:\4/p' "$out")
    echo "wrk $s $r $c $parsed $cpu $cs ${errors:-0:0:0:0}" >>"$RESULTS"
}

check() { # server round
    local s=$1 r=$2 line host port
    host=${ADDR[$s]%:*}
    port=${ADDR[$s]##*:}
    line=$("${WRK_PREFIX[@]}" "$CHECK_BIN" --host "$host" --port "$port" --path "${URL_PATH[$s]}" \
        --connections "$HIGH" --deadline-ms "$CHECK_DEADLINE_MS") || die "conn_check failed against $s"
    server_alive_or_die "$s"
    echo "$line" >"$TMP_DIR/check-$s-$r.txt"
    awk -v s="$s" -v r="$r" '{
            for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            print "check", s, r, v["served"], v["answered"], v["rejected_503"], v["unanswered"], v["closed"],
                  v["connect_failed"], v["p50_answer_ms"], v["last_answer_ms"]
        }' <<<"$line" >>"$CHECKS"
}

print_wrk_header() {
    printf '  %-6s %-11s %10s %10s %11s %11s %7s %8s %9s\n' conns server 'req/s' 'p50 (us)' 'p99 (us)' 'cpu us/req' 'cs/req' non-2xx sock-err
}
print_wrk_row() { # conns server rps p50 p99 cpu cs non2xx sockerr
    printf '  %-6s %-11s %10.0f %10.0f %11.0f %11.1f %7.2f %8d %9d\n' "$@"
}
print_check_header() {
    printf '  %-11s %13s %9s %6s %11s %7s %10s %9s %9s\n' server "served/$HIGH" answered 503 unanswered closed conn-fail 'p50 (ms)' 'last (ms)'
}
print_check_row() { # server served answered 503 unanswered closed connfail p50 last
    printf '  %-11s %13s %9d %6d %11d %7d %10d %9d %9d\n' "$1" "$2/$HIGH" "${@:3}"
}

rotate() { # round -> the servers in the order of this round (a different one leads each round)
    local r=$1 n=${#SERVERS[@]} i
    for ((i = 0; i < n; i++)); do
        echo "${SERVERS[$(((i + r - 1) % n))]}"
    done
}

LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo
((PIN)) && echo "pinned: servers on CPU 0, wrk and conn_check on CPU 1"
echo "wrk -t$WRK_THREADS, ${DURATION} s per run, $LOW and $HIGH connections, $ROUNDS rounds; conn_check: $HIGH connections, ${CHECK_DEADLINE_MS} ms"
echo "build: $BUILD_DIR (source ${SOURCE_DIR:-unknown}, revision ${GIT_REV:-unknown: not a git checkout})"
echo "machine: $(nproc) CPUs ($CPU_MODEL), kernel $(uname -r), load average $LOADAVG_BEFORE, open files $(ulimit -n)"
for s in "${SERVERS[@]}"; do
    echo "Warming up $s (${WARMUP_SECONDS} s at $LOW connections) ..."
    run_wrk "$WARMUP_SECONDS" "$LOW" "http://${ADDR[$s]}${URL_PATH[$s]}" "$TMP_DIR/wrk-$s-warmup.txt"
    server_alive_or_die "$s"
done

START_TIME=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for ((round = 1; round <= ROUNDS; round++)); do
    mapfile -t order < <(rotate "$round")
    for c in "$LOW" "$HIGH"; do
        for s in "${order[@]}"; do
            measure "$s" "$round" "$c"
        done
    done
    for s in "${order[@]}"; do
        check "$s" "$round"
    done
    echo
    echo "Round $round/$ROUNDS (order: ${order[*]})"
    print_wrk_header
    for c in "$LOW" "$HIGH"; do
        for s in "${SERVERS[@]}"; do
            # shellcheck disable=SC2046 # word splitting of the fields is intended
            print_wrk_row "$c" "$s" $(awk -v s="$s" -v r="$round" -v c="$c" '$2 == s && $3 == r && $4 == c { print $5, $6, $7, $11, $12, $8, $9 }' "$RESULTS")
        done
    done
    print_check_header
    for s in "${SERVERS[@]}"; do
        # shellcheck disable=SC2046
        print_check_row "$s" $(awk -v s="$s" -v r="$round" '$2 == s && $3 == r { print $4, $5, $6, $7, $8, $9, $10, $11 }' "$CHECKS")
    done
done

# ---------------------------------------------------------------------------------------------
# Summary.

median() { # file server connections(or "-") field
    awk -v s="$2" -v c="$3" -v f="$4" '$2 == s && (c == "-" || $4 == c) { print $f }' "$1" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit } if (NR % 2) printf "%.2f\n", v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
total() { # server connections field
    awk -v s="$1" -v c="$2" -v f="$3" '$2 == s && $4 == c { t += $f } END { printf "%d\n", t }' "$RESULTS"
}
error_kinds() { # server connections -> "connect C, read R, write W, timeout T" summed over the rounds
    awk -v s="$1" -v c="$2" '$2 == s && $4 == c { split($13, e, ":"); for (i = 1; i <= 4; i++) t[i] += e[i] }
        END { printf "connect %d, read %d, write %d, timeout %d\n", t[1], t[2], t[3], t[4] }' "$RESULTS"
}
worst() { # server field (of CHECKS): the minimum over the rounds
    awk -v s="$1" -v f="$2" '$2 == s { if (m == "" || $f < m) m = $f } END { print m + 0 }' "$CHECKS"
}
worst_max() { # server field (of CHECKS): the maximum over the rounds
    awk -v s="$1" -v f="$2" '$2 == s { if (m == "" || $f > m) m = $f } END { print m + 0 }' "$CHECKS"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print "nan" }'; }
meets() { awk -v r="$1" -v g="$2" 'BEGIN { exit !(r + 0 >= g + 0) }' && echo MET || echo "NOT MET"; }

declare -A MED
for s in "${SERVERS[@]}"; do
    for c in "$LOW" "$HIGH"; do
        MED[$s,$c,rps]=$(median "$RESULTS" "$s" "$c" 5)
        MED[$s,$c,p50]=$(median "$RESULTS" "$s" "$c" 6)
        MED[$s,$c,p99]=$(median "$RESULTS" "$s" "$c" 7)
        MED[$s,$c,cpu]=$(median "$RESULTS" "$s" "$c" 11)
        MED[$s,$c,cs]=$(median "$RESULTS" "$s" "$c" 12)
        MED[$s,$c,non2xx]=$(total "$s" "$c" 8)
        MED[$s,$c,sockerr]=$(total "$s" "$c" 9)
    done
    MED[$s,served]=$(worst "$s" 4)
done

echo
echo "Summary: median of $ROUNDS rounds, ${DURATION} s each (wrk -t$WRK_THREADS, $(nproc) CPUs; non-2xx and sock-err are totals)"
print_wrk_header
for c in "$LOW" "$HIGH"; do
    for s in "${SERVERS[@]}"; do
        print_wrk_row "$c" "$s" "${MED[$s,$c,rps]}" "${MED[$s,$c,p50]}" "${MED[$s,$c,p99]}" "${MED[$s,$c,cpu]}" \
            "${MED[$s,$c,cs]}" "${MED[$s,$c,non2xx]}" "${MED[$s,$c,sockerr]}"
    done
done
echo
echo "Served: $HIGH keep-alive connections opened at once, one GET each, answers within ${CHECK_DEADLINE_MS} ms (worst round)"
print_check_header
for s in "${SERVERS[@]}"; do
    print_check_row "$s" "${MED[$s,served]}" "$(worst "$s" 5)" "$(worst_max "$s" 6)" "$(worst_max "$s" 7)" \
        "$(worst_max "$s" 8)" "$(worst_max "$s" 9)" "$(median "$CHECKS" "$s" - 10 | cut -d. -f1)" "$(worst_max "$s" 11)"
done

echo
echo "Goals (issue 5; ratios of median req/s)"
declare -A RATIO_LOW RATIO_HIGH
for t in "${TRM_SERVERS[@]}"; do
    RATIO_LOW[$t]=$(ratio "${MED[$t,$LOW,rps]}" "${MED[bare,$LOW,rps]}")
    RATIO_HIGH[$t]=$(ratio "${MED[$t,$HIGH,rps]}" "${MED[nginx,$HIGH,rps]}")
    printf '  %-11s %s/bare  at %5d connections: %5sx   goal >= %sx   %s\n' "$t" "$t" "$LOW" "${RATIO_LOW[$t]}" "$GOAL_LOW" "$(meets "${RATIO_LOW[$t]}" "$GOAL_LOW")"
    printf '  %-11s %s/nginx at %5d connections: %5sx   goal >= %sx   %s\n' "$t" "$t" "$HIGH" "${RATIO_HIGH[$t]}" "$GOAL_HIGH" "$(meets "${RATIO_HIGH[$t]}" "$GOAL_HIGH")"
    printf '  %-11s served %d/%d                       goal %d/%d   %s\n' "$t" "${MED[$t,served]}" "$HIGH" "$HIGH" "$HIGH" \
        "$( ((MED[$t,served] == HIGH)) && echo MET || echo "NOT MET")"
    printf '  %-11s (server CPU per request: %s/bare at %d %sx, %s/nginx at %d %sx, at %d %sx; no goal)\n' "$t" \
        "$t" "$LOW" "$(ratio "${MED[$t,$LOW,cpu]}" "${MED[bare,$LOW,cpu]}")" \
        "$t" "$LOW" "$(ratio "${MED[$t,$LOW,cpu]}" "${MED[nginx,$LOW,cpu]}")" "$HIGH" "$(ratio "${MED[$t,$HIGH,cpu]}" "${MED[nginx,$HIGH,cpu]}")"
done
printf '  for reference: bare/nginx at %d connections %sx, at %d %sx; served bare %d/%d, nginx %d/%d\n' \
    "$LOW" "$(ratio "${MED[bare,$LOW,rps]}" "${MED[nginx,$LOW,rps]}")" "$HIGH" "$(ratio "${MED[bare,$HIGH,rps]}" "${MED[nginx,$HIGH,rps]}")" \
    "${MED[bare,served]}" "$HIGH" "${MED[nginx,served]}" "$HIGH"
for s in "${SERVERS[@]}"; do
    for c in "$LOW" "$HIGH"; do
        if ((MED[$s,$c,non2xx] + MED[$s,$c,sockerr] > 0)); then
            echo "  NOTE: $s at $c connections: ${MED[$s,$c,non2xx]} non-2xx, ${MED[$s,$c,sockerr]} socket errors ($(error_kinds "$s" "$c")); see bench/README.md"
        fi
    done
done

# JSON summary, written atomically.
json_server() { # server
    local s=$1
    printf '{"url_path": "%s"' "${URL_PATH[$s]}"
    for c in "$LOW" "$HIGH"; do
        printf ', "c%d": {"median_requests_per_sec": %s, "median_p50_us": %s, "median_p99_us": %s, "median_cpu_us_per_request": %s, "median_context_switches_per_request": %s, "non_2xx": %d, "socket_errors": %d}' \
            "$c" "${MED[$s,$c,rps]}" "${MED[$s,$c,p50]}" "${MED[$s,$c,p99]}" "${MED[$s,$c,cpu]}" "${MED[$s,$c,cs]}" "${MED[$s,$c,non2xx]}" "${MED[$s,$c,sockerr]}"
    done
    printf ', "served_worst_round": %d, "rounds": [' "${MED[$s,served]}"
    awk -v s="$s" '$1 == "wrk" && $2 == s {
            printf "%s{\"round\": %d, \"connections\": %d, \"requests_per_sec\": %s, \"p50_us\": %s, \"p99_us\": %s, \"non_2xx\": %d, \"socket_errors\": %d, \"requests\": %d, \"cpu_us_per_request\": %s, \"context_switches_per_request\": %s, \"socket_errors_connect_read_write_timeout\": \"%s\"}",
                (n++ ? ", " : ""), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 }' "$RESULTS"
    printf '], "checks": ['
    awk -v s="$s" '$2 == s {
            printf "%s{\"round\": %d, \"served\": %d, \"answered\": %d, \"rejected_503\": %d, \"unanswered\": %d, \"closed\": %d, \"connect_failed\": %d, \"p50_answer_ms\": %d, \"last_answer_ms\": %d}",
                (n++ ? ", " : ""), $3, $4, $5, $6, $7, $8, $9, $10, $11 }' "$CHECKS"
    printf ']}'
}
mkdir -p "$RESULTS_DIR"
{
    printf '{\n'
    printf '  "started": "%s",\n' "$START_TIME"
    printf '  "git_revision": %s,\n' "$([[ -n "$GIT_REV" ]] && printf '"%s"' "$GIT_REV" || printf null)"
    printf '  "source_dir": "%s",\n' "$SOURCE_DIR"
    printf '  "machine": {"cpus": %d, "cpu_model": "%s", "kernel": "%s", "loadavg_before": "%s", "loadavg_after": "%s"},\n' \
        "$(nproc)" "$CPU_MODEL" "$(uname -r)" "$LOADAVG_BEFORE" "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf '  "config": {"duration_s": %d, "rounds": %d, "low": %d, "high": %d, "wrk_threads": %d, "terrariumd_threads_io_threads": "%s", "terrariumd_queue_size": %d, "bare_threads": %d, "check_deadline_ms": %d},\n' \
        "$DURATION" "$ROUNDS" "$LOW" "$HIGH" "$WRK_THREADS" "${TRM_VARIANTS[*]}" "$TRM_QUEUE_SIZE" "$BARE_THREADS" "$CHECK_DEADLINE_MS"
    printf '  "servers": {'
    first=1
    for s in "${SERVERS[@]}"; do
        ((first)) || printf ', '
        first=0
        printf '"%s": %s' "$s" "$(json_server "$s")"
    done
    printf '},\n'
    printf '  "goals": {"low_ratio_vs_bare": %s, "high_ratio_vs_nginx": %s},\n' "$GOAL_LOW" "$GOAL_HIGH"
    printf '  "ratios": {'
    first=1
    for t in "${TRM_SERVERS[@]}"; do
        ((first)) || printf ', '
        first=0
        printf '"%s": {"vs_bare_low": %s, "vs_nginx_high": %s, "served": %d}' "$t" "${RATIO_LOW[$t]}" "${RATIO_HIGH[$t]}" "${MED[$t,served]}"
    done
    printf '}\n}\n'
} >"$RESULTS_DIR/scale-latest.json.tmp"
mv "$RESULTS_DIR/scale-latest.json.tmp" "$RESULTS_DIR/scale-latest.json"
# The raw outputs of this run (wrk, conn_check, server logs), for a closer look.
RAW_DIR="$RESULTS_DIR/scale-latest"
rm -rf "$RAW_DIR"
mkdir -p "$RAW_DIR"
cp "$TMP_DIR"/wrk-*.txt "$TMP_DIR"/check-*.txt "$RAW_DIR"/
for s in "${SERVERS[@]}"; do
    cp "${LOG[$s]}" "$RAW_DIR/$s.log" 2>/dev/null || true
done
cp "$TMP_DIR/nginx/logs/error.log" "$RAW_DIR/nginx-error.log" 2>/dev/null || true
echo
echo "Summary written to ${RESULTS_DIR#"$REPO_ROOT"/}/scale-latest.json (raw outputs in ${RAW_DIR#"$REPO_ROOT"/}/)"
