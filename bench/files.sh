#!/usr/bin/env bash
# Bodies-in-files benchmark (issue 11): downloads of 1 KiB, 1 MiB and 64 MiB files through
# terrariumd and the files fixture plugin (sendfile) against nginx serving the same files from disk
# (sendfile on), and uploads of the same sizes (terrariumd: spooled, taken by rename; nginx: WebDAV
# PUT, also through a temporary file), interleaved in one run; before them, terrariumd's resident
# memory while one client uploads and downloads a 1 GiB file. See bench/README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: bench/files.sh [--build-dir DIR] [--duration SECONDS] [--rounds N] [--io-threads N]
                      [--nginx-workers N] [--big-mib N] [--skip-big]

  --build-dir DIR     CMake build directory (default: build); relative paths are taken from the
                      current directory if they exist there, else from the repository root
  --duration SECONDS  length of each measured wrk run (default: 5)
  --rounds N          measured rounds; every round runs both servers for every size and direction,
                      interleaved (default: 3)
  --io-threads N      terrariumd "io_threads" (default: 1, like nginx's one worker)
  --nginx-workers N   nginx worker_processes (default: 1)
  --big-mib N         size of the file of the memory check, in MiB (default: 1024)
  --skip-big          no memory check

Connections per size: 1 KiB 64, 1 MiB 16, 64 MiB 4 (downloads and uploads alike); wrk -t2.
Prints a table per round and a summary (median requests/s and MB/s, the ratios of the issue's
goals, the resident memory figures) and writes it to bench/results/files-latest.json. Exits 0
whatever the figures; non-zero only if something failed to build, start or stay up, or wrk failed.
EOF
}

export LC_ALL=C

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
BENCH_NAME=files.sh
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"

BUILD_DIR=build
DURATION=5
ROUNDS=3
TRM_IO_THREADS=1
NGINX_WORKERS=1
BIG_MIB=1024
SKIP_BIG=0
WRK_THREADS=2
WARMUP_SECONDS=1
START_DEADLINE=20
SIZES=(1024 1048576 67108864)
declare -A SIZE_NAME=([1024]=1KiB [1048576]=1MiB [67108864]=64MiB)
declare -A CONNECTIONS=([1024]=64 [1048576]=16 [67108864]=4)
GOAL_BIG_DOWNLOAD=0.8    # terrariumd / nginx, MB/s of the 64 MiB download
GOAL_SMALL_DOWNLOAD=0.8  # terrariumd / nginx, requests/s of the 1 KiB download
GOAL_RSS_MIB=64          # terrariumd's resident memory above idle while a 1 GiB file moves

while [[ $# -gt 0 ]]; do
    case "$1" in
        --build-dir) need_value "$@"; BUILD_DIR=$2; shift 2 ;;
        --duration) need_value "$@"; positive_int "$1" "$2"; DURATION=$2; shift 2 ;;
        --rounds) need_value "$@"; positive_int "$1" "$2"; ROUNDS=$2; shift 2 ;;
        --io-threads) need_value "$@"; positive_int "$1" "$2"; TRM_IO_THREADS=$2; shift 2 ;;
        --nginx-workers) need_value "$@"; positive_int "$1" "$2"; NGINX_WORKERS=$2; shift 2 ;;
        --big-mib) need_value "$@"; positive_int "$1" "$2"; BIG_MIB=$2; shift 2 ;;
        --skip-big) SKIP_BIG=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "files.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

require_tools wrk curl cmake awk sort ss
NGINX_BIN=$(command -v nginx || true)
[[ -n "$NGINX_BIN" ]] || NGINX_BIN=/usr/sbin/nginx
[[ -x "$NGINX_BIN" ]] || die "nginx is required (Debian: apt-get install nginx; bench/scale.sh installs it too)"
"$NGINX_BIN" -V 2>&1 | grep -q -- '--with-http_dav_module' || die "this nginx has no WebDAV module (needed for its PUT uploads)"

# ---------------------------------------------------------------------------------------------
# Build what is missing.
resolve_build_dir
[[ -d "$BUILD_DIR" ]] || die "build directory '$BUILD_DIR' does not exist; configure it first: cmake -S $REPO_ROOT -B $BUILD_DIR -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo"
if grep -q '^CMAKE_BUILD_TYPE:STRING=Debug$' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null; then
    echo "files.sh: WARNING: $BUILD_DIR is a Debug build; its figures say little" >&2
fi
TERRARIUMD_BIN="$BUILD_DIR/host/terrariumd"
FILES_SO="$BUILD_DIR/fixtures/files.so"
targets=()
[[ -x "$TERRARIUMD_BIN" ]] || targets+=(terrariumd)
[[ -f "$FILES_SO" ]] || targets+=(fixture_files)
build_missing "${targets[@]}"
[[ -x "$TERRARIUMD_BIN" ]] || die "$TERRARIUMD_BIN is missing after the build"
[[ -f "$FILES_SO" ]] || die "$FILES_SO is missing after the build"

SOURCE_DIR=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
GIT_REV=
if [[ -n "$SOURCE_DIR" ]] && GIT_REV=$(git -C "$SOURCE_DIR" rev-parse --short HEAD 2>/dev/null); then
    [[ -z "$(git -C "$SOURCE_DIR" status --porcelain -- host sdk tests/abi/fixtures 2>/dev/null)" ]] || GIT_REV="$GIT_REV-dirty"
fi

# ---------------------------------------------------------------------------------------------
# Files and servers; everything lives in TMP_DIR (one filesystem: uploads are renamed into place).
TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/terrarium-files.XXXXXX")
chmod 755 "$TMP_DIR"
declare -A PID=() LOG=() ADDR=()
SERVERS=()

cleanup() {
    local rc=$? s
    trap - EXIT INT TERM
    for s in "${SERVERS[@]}"; do
        stop_server "${PID[$s]:-}" "$s"
    done
    rm -rf "$TMP_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

WWW="$TMP_DIR/www"            # the downloaded files, served by both
mkdir -p "$WWW" "$TMP_DIR/bodies" "$TMP_DIR/up-terrariumd" "$TMP_DIR/up-nginx"
echo "Writing the files"
for size in "${SIZES[@]}"; do
    head -c "$size" /dev/urandom >"$WWW/${SIZE_NAME[$size]}.bin"
    cp "$WWW/${SIZE_NAME[$size]}.bin" "$TMP_DIR/bodies/${SIZE_NAME[$size]}.bin"
done

start_terrariumd() {
    local name=terrariumd dir="$TMP_DIR/terrariumd"
    mkdir -p "$dir/plugins" "$dir/state"
    cp "$FILES_SO" "$dir/plugins/files.so"
    # Uploads above 64 KiB are spooled (nginx writes bodies above its 16 KiB buffer to a file too).
    cat >"$dir/bench.json" <<EOF
{"io_threads": $TRM_IO_THREADS, "log": {"level": "warning"},
 "limits": {"request_timeout_ms": 120000},
 "plugins": {"files": {"config": {"dir": "$WWW"}, "spool": {"threshold_bytes": 65536, "max_bytes": $(((BIG_MIB + 1) * 1048576))}}}}
EOF
    LOG[$name]="$dir/terrariumd.log"
    "$TERRARIUMD_BIN" --config "$dir/bench.json" --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 \
        --plugins-dir "$dir/plugins" --state-dir "$dir/state" >"${LOG[$name]}" 2>&1 &
    PID[$name]=$!
    SERVERS+=("$name")
    wait_terrariumd_ready "${PID[$name]}" "$name" "${LOG[$name]}" "$dir/state/listeners.json" "/files/1KiB.bin"
    ADDR[$name]=$SERVER_ADDR
    echo "  terrariumd  files.so, io_threads $TRM_IO_THREADS, on ${ADDR[$name]} (pid ${PID[$name]})"
}

free_port() {
    local port i
    for ((i = 0; i < 100; i++)); do
        port=$((20000 + RANDOM % 12000))
        [[ -z "$(ss -Htln "sport = :$port" 2>/dev/null)" ]] && { echo "$port"; return 0; }
    done
    return 1
}

start_nginx() {
    local name=nginx dir="$TMP_DIR/nginx" port attempt user_line=
    mkdir -p "$dir/logs" "$dir/temp"
    SERVERS+=("$name")
    LOG[$name]="$dir/logs/stderr.log"
    # As root, nginx's workers would switch to "nobody", who may not read TMP_DIR.
    [[ "$(id -u)" -ne 0 ]] || user_line="user $(id -un) $(id -gn);"
    for ((attempt = 1; attempt <= 5; attempt++)); do
        port=$(free_port) || die "no free port found for nginx"
        cat >"$dir/nginx.conf" <<EOF
daemon off;
master_process on;
$user_line
worker_processes $NGINX_WORKERS;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events {
    worker_connections 1024;
}
http {
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    client_max_body_size 0;
    client_body_temp_path $TMP_DIR/up-nginx/.temp;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
    server {
        listen 127.0.0.1:$port backlog=1024;
        location /files/ {
            alias $WWW/;
            default_type application/octet-stream;
        }
        location /upload/ {
            alias $TMP_DIR/up-nginx/;
            dav_methods PUT;
            dav_access user:rw;
        }
    }
}
EOF
        "$NGINX_BIN" -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" >"${LOG[$name]}" 2>&1 &
        PID[$name]=$!
        local deadline=$(($(now) + START_DEADLINE)) status=
        while kill -0 "${PID[$name]}" 2>/dev/null; do
            status=$(http_status "http://127.0.0.1:$port/files/1KiB.bin")
            [[ "$status" == 200 ]] && break
            (($(now) < deadline)) || die "nginx: GET /files/1KiB.bin did not answer 200 within ${START_DEADLINE} s"
            sleep 0.05
        done
        if [[ "$status" == 200 ]] && kill -0 "${PID[$name]}" 2>/dev/null; then
            ADDR[$name]="127.0.0.1:$port"
            echo "  nginx       nginx $("$NGINX_BIN" -v 2>&1 | sed 's/^nginx version: nginx\///'), $NGINX_WORKERS worker(s), sendfile on, on ${ADDR[$name]} (pid ${PID[$name]})"
            return 0
        fi
        wait "${PID[$name]}" 2>/dev/null || true
        grep -q 'Address already in use' "$dir/logs/error.log" "${LOG[$name]}" 2>/dev/null ||
            { tail -n 20 "$dir/logs/error.log" "${LOG[$name]}" >&2 2>/dev/null || true; die "nginx failed to start"; }
    done
    die "nginx: no free port after 5 attempts"
}

echo "Starting servers"
start_terrariumd
start_nginx
cmp -s <(curl -s "http://${ADDR[terrariumd]}/files/1MiB.bin") "$WWW/1MiB.bin" || die "terrariumd does not serve the 1 MiB file intact"
cmp -s <(curl -s "http://${ADDR[nginx]}/files/1MiB.bin") "$WWW/1MiB.bin" || die "nginx does not serve the 1 MiB file intact"

# ---------------------------------------------------------------------------------------------
# Measuring: wrk per server, size and direction.
for size in "${SIZES[@]}"; do
    n=${SIZE_NAME[$size]}
    cat >"$TMP_DIR/put-$n.lua" <<EOF
wrk.method = "PUT"
local f = assert(io.open("$TMP_DIR/bodies/$n.bin", "rb"))
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/octet-stream"
EOF
done

url() { # server direction size
    local n=${SIZE_NAME[$3]}
    if [[ "$2" == down ]]; then
        echo "http://${ADDR[$1]}/files/$n.bin"
    elif [[ "$1" == nginx ]]; then
        echo "http://${ADDR[$1]}/upload/up-$n.bin"
    else
        echo "http://${ADDR[$1]}/files/up-$n.bin"
    fi
}

RESULTS="$TMP_DIR/results.txt"   # <server> <round> <direction> <size> <req/s> <MB/s> <p50 us> <p99 us> <non2xx> <sockerr> <rss KiB after>
: >"$RESULTS"

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
rss_total_kib() { # pid: the process and its children (nginx's workers)
    local total=0 p
    for p in "$1" $(pgrep -P "$1" 2>/dev/null || true); do total=$((total + $(rss_kib "$p"))); done
    echo "$total"
}

wrk_run() { # server direction size seconds output
    local s=$1 dir=$2 size=$3 script=()
    [[ "$dir" == up ]] && script=(-s "$TMP_DIR/put-${SIZE_NAME[$size]}.lua")
    if ! wrk -t"$WRK_THREADS" -c"${CONNECTIONS[$size]}" -d"$4"s --timeout 60s --latency "${script[@]}" "$(url "$s" "$dir" "$size")" >"$5" 2>&1; then
        echo "files.sh: wrk failed against $s:" >&2
        cat "$5" >&2
        exit 1
    fi
    alive_or_die "${PID[$s]}" "$s" "${LOG[$s]}"
}

measure() { # server round direction size
    local s=$1 r=$2 dir=$3 size=$4 out="$TMP_DIR/wrk-$1-$2-$3-$4.txt" parsed mbs
    wrk_run "$s" "$dir" "$size" "$DURATION" "$out"
    parsed=$(parse_wrk "$out" optional) || { echo "files.sh: could not parse wrk output:" >&2; cat "$out" >&2; exit 1; }
    # shellcheck disable=SC2086 # word splitting of the parsed fields is intended
    set -- $parsed
    mbs=$(awk -v rps="$1" -v size="$size" 'BEGIN { printf "%.1f", rps * size / 1048576 }')
    echo "$s $r $dir $size $1 $mbs $2 $3 $4 $5 $(rss_total_kib "${PID[$s]}")" >>"$RESULTS"
}

# ---------------------------------------------------------------------------------------------
# Resident memory while a big file moves through terrariumd (one client, curl), first, while the
# host is fresh: its idle VmRSS is the baseline.
IDLE_KIB=0 UP_PEAK_KIB=0 DOWN_PEAK_KIB=0 UP_SECONDS=0 DOWN_SECONDS=0 BIG_OK=skipped
if ((!SKIP_BIG)); then
    echo
    echo "Memory: a ${BIG_MIB} MiB upload and download through terrariumd (VmRSS sampled every 20 ms)"
    BIG="$TMP_DIR/bodies/big.bin"
    head -c "$((BIG_MIB * 1048576))" /dev/urandom >"$BIG"
    tpid=${PID[terrariumd]}
    IDLE_KIB=$(rss_kib "$tpid")
    sample_peak() { # pid file: writes the largest VmRSS seen until killed
        local peak=0 v
        while :; do
            v=$(rss_kib "$1")
            ((v > peak)) && { peak=$v; echo "$peak" >"$2"; }
            sleep 0.02
        done
    }
    transfer() { # up|down file-of-peak: runs one transfer while sampling; prints seconds
        local sampler started ended
        echo 0 >"$2"
        sample_peak "$tpid" "$2" &
        sampler=$!
        started=$(date +%s.%N)
        if [[ "$1" == up ]]; then
            curl -sf -T "$BIG" -o /dev/null "http://${ADDR[terrariumd]}/files/big.bin" || { kill "$sampler"; die "the ${BIG_MIB} MiB upload failed"; }
        else
            curl -sf -o "$TMP_DIR/big.down" "http://${ADDR[terrariumd]}/files/big.bin" || { kill "$sampler"; die "the ${BIG_MIB} MiB download failed"; }
        fi
        ended=$(date +%s.%N)
        kill "$sampler" 2>/dev/null || true
        wait "$sampler" 2>/dev/null || true
        awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.2f\n", b - a }'
    }
    UP_SECONDS=$(transfer up "$TMP_DIR/peak-up")
    UP_PEAK_KIB=$(cat "$TMP_DIR/peak-up")
    DOWN_SECONDS=$(transfer down "$TMP_DIR/peak-down")
    DOWN_PEAK_KIB=$(cat "$TMP_DIR/peak-down")
    if cmp -s "$BIG" "$WWW/big.bin" && cmp -s "$BIG" "$TMP_DIR/big.down"; then BIG_OK=intact; else BIG_OK=CORRUPTED; fi
    printf '  idle %.1f MiB; upload %.1f s, peak %.1f MiB (+%.1f); download %.1f s, peak %.1f MiB (+%.1f); content %s\n' \
        "$(awk -v k="$IDLE_KIB" 'BEGIN { print k / 1024 }')" "$UP_SECONDS" "$(awk -v k="$UP_PEAK_KIB" 'BEGIN { print k / 1024 }')" \
        "$(awk -v a="$UP_PEAK_KIB" -v b="$IDLE_KIB" 'BEGIN { print (a - b) / 1024 }')" "$DOWN_SECONDS" \
        "$(awk -v k="$DOWN_PEAK_KIB" 'BEGIN { print k / 1024 }')" "$(awk -v a="$DOWN_PEAK_KIB" -v b="$IDLE_KIB" 'BEGIN { print (a - b) / 1024 }')" "$BIG_OK"
    rm -f "$BIG" "$TMP_DIR/big.down" "$WWW/big.bin"
fi

echo "Warming up (${WARMUP_SECONDS} s per server, size and direction)"
for size in "${SIZES[@]}"; do
    for dir in down up; do
        for s in terrariumd nginx; do wrk_run "$s" "$dir" "$size" "$WARMUP_SECONDS" "$TMP_DIR/warmup.txt"; done
    done
done

print_header() { printf '  %-6s %-5s %-11s %10s %10s %10s %10s %8s %8s %10s\n' size dir server 'req/s' 'MB/s' 'p50 (us)' 'p99 (us)' non-2xx sock-err 'RSS (MiB)'; }
for ((r = 1; r <= ROUNDS; r++)); do
    echo
    echo "Round $r of $ROUNDS (${DURATION} s per run)"
    print_header
    for size in "${SIZES[@]}"; do
        for dir in down up; do
            for s in terrariumd nginx; do
                measure "$s" "$r" "$dir" "$size"
                awk -v s="$s" -v r="$r" -v d="$dir" -v z="$size" -v n="${SIZE_NAME[$size]}" '$1 == s && $2 == r && $3 == d && $4 == z {
                        printf "  %-6s %-5s %-11s %10.0f %10.1f %10.0f %10.0f %8d %8d %10.1f\n", n, d, s, $5, $6, $7, $8, $9, $10, $11 / 1024 }' "$RESULTS"
            done
        done
    done
done

median() { # server direction size field
    awk -v s="$1" -v d="$2" -v z="$3" -v f="$4" '$1 == s && $3 == d && $4 == z { print $f }' "$RESULTS" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
total() { # server direction size field
    awk -v s="$1" -v d="$2" -v z="$3" -v f="$4" '$1 == s && $3 == d && $4 == z { t += $f } END { print t + 0 }' "$RESULTS"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print "nan" }'; }
meets() { awk -v r="$1" -v g="$2" 'BEGIN { exit !(r + 0 >= g + 0) }' && echo MET || echo "NOT MET"; }

# ---------------------------------------------------------------------------------------------
# Summary.
echo
echo "Summary: median of $ROUNDS rounds, ${DURATION} s each (wrk -t$WRK_THREADS, $(nproc) CPUs; connections: 1 KiB 64, 1 MiB 16, 64 MiB 4)"
printf '  %-6s %-5s %12s %12s %12s %12s %9s %9s\n' size dir 'trm req/s' 'nginx req/s' 'trm MB/s' 'nginx MB/s' ratio errors
declare -A RATIO
for size in "${SIZES[@]}"; do
    for dir in down up; do
        tr=$(median terrariumd "$dir" "$size" 5)
        nr=$(median nginx "$dir" "$size" 5)
        RATIO[$dir,$size]=$(ratio "$tr" "$nr")
        errors=$(($(total terrariumd "$dir" "$size" 9) + $(total terrariumd "$dir" "$size" 10)))
        errors="$errors/$(($(total nginx "$dir" "$size" 9) + $(total nginx "$dir" "$size" 10)))"
        printf '  %-6s %-5s %12.0f %12.0f %12.1f %12.1f %8sx %9s\n' "${SIZE_NAME[$size]}" "$dir" "$tr" "$nr" \
            "$(median terrariumd "$dir" "$size" 6)" "$(median nginx "$dir" "$size" 6)" "${RATIO[$dir,$size]}" "$errors"
    done
done
echo "  (errors: non-2xx + socket errors over all rounds, terrariumd/nginx)"
echo
echo "Goals (issue 11)"
printf '  64 MiB download, terrariumd/nginx MB/s:     %5sx   goal >= %sx   %s\n' "${RATIO[down,67108864]}" "$GOAL_BIG_DOWNLOAD" "$(meets "${RATIO[down,67108864]}" "$GOAL_BIG_DOWNLOAD")"
printf '  1 KiB download, terrariumd/nginx req/s:     %5sx   goal >= %sx   %s\n' "${RATIO[down,1024]}" "$GOAL_SMALL_DOWNLOAD" "$(meets "${RATIO[down,1024]}" "$GOAL_SMALL_DOWNLOAD")"
if ((!SKIP_BIG)); then
    worst=$((UP_PEAK_KIB > DOWN_PEAK_KIB ? UP_PEAK_KIB : DOWN_PEAK_KIB))
    above=$(awk -v a="$worst" -v b="$IDLE_KIB" 'BEGIN { printf "%.1f", (a - b) / 1024 }')
    printf '  RSS above idle during the %d MiB transfers: %s MiB   goal < %d MiB   %s\n' "$BIG_MIB" "$above" "$GOAL_RSS_MIB" \
        "$(awk -v a="$above" -v g="$GOAL_RSS_MIB" 'BEGIN { exit !(a < g) }' && echo MET || echo "NOT MET")"
fi

# JSON summary, written atomically.
mkdir -p "$RESULTS_DIR"
json="$RESULTS_DIR/files-latest.json"
{
    printf '{"benchmark": "files.sh", "date": "%s", "revision": "%s", "cpus": %d, "duration_s": %d, "rounds": %d, "terrariumd_io_threads": %d, "nginx_workers": %d,\n' \
        "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${GIT_REV:-unknown}" "$(nproc)" "$DURATION" "$ROUNDS" "$TRM_IO_THREADS" "$NGINX_WORKERS"
    printf ' "medians": ['
    first=1
    for size in "${SIZES[@]}"; do
        for dir in down up; do
            for s in terrariumd nginx; do
                ((first)) || printf ', '
                first=0
                printf '{"server": "%s", "direction": "%s", "bytes": %d, "connections": %d, "requests_per_sec": %s, "mib_per_sec": %s, "p50_us": %s, "p99_us": %s, "non_2xx": %d, "socket_errors": %d}' \
                    "$s" "$dir" "$size" "${CONNECTIONS[$size]}" "$(median "$s" "$dir" "$size" 5)" "$(median "$s" "$dir" "$size" 6)" \
                    "$(median "$s" "$dir" "$size" 7)" "$(median "$s" "$dir" "$size" 8)" "$(total "$s" "$dir" "$size" 9)" "$(total "$s" "$dir" "$size" 10)"
            done
        done
    done
    printf '],\n "ratios": {"download_64MiB_mib_per_sec": %s, "download_1KiB_requests_per_sec": %s, "upload_64MiB": %s, "upload_1KiB": %s},\n' \
        "${RATIO[down,67108864]}" "${RATIO[down,1024]}" "${RATIO[up,67108864]}" "${RATIO[up,1024]}"
    printf ' "memory": {"file_mib": %d, "skipped": %s, "idle_kib": %d, "upload_peak_kib": %d, "download_peak_kib": %d, "upload_s": %s, "download_s": %s, "content": "%s"}}\n' \
        "$BIG_MIB" "$( ((SKIP_BIG)) && echo true || echo false)" "$IDLE_KIB" "$UP_PEAK_KIB" "$DOWN_PEAK_KIB" "$UP_SECONDS" "$DOWN_SECONDS" "$BIG_OK"
} >"$json.tmp"
mv "$json.tmp" "$json"
echo
echo "Written to $json"
