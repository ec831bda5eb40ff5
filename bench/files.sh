#!/usr/bin/env bash
# Bodies-in-files benchmark (issue 11): downloads and uploads of 1 KiB and 64 MiB files through
# terrariumd with the file-storage plugin (raw API: downloads with sendfile, uploads spooled and
# renamed into place, fsync'd), with the files fixture plugin as the baseline (the same host
# paths without file-storage's atomic writes), and nginx serving the same files from disk
# (sendfile on; WebDAV PUT, also through a temporary file), interleaved in one run; before them,
# each terrariumd's resident memory and time while one client uploads and downloads a 1 GiB file.
# See bench/README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: bench/files.sh [--build-dir DIR] [--duration SECONDS] [--rounds N] [--io-threads N]
                      [--nginx-workers N] [--big-mib N] [--skip-big] [--quick]

  --build-dir DIR     CMake build directory (default: build); relative paths are taken from the
                      current directory if they exist there, else from the repository root
  --duration SECONDS  length of each measured wrk run (default: 5)
  --rounds N          measured rounds; every round runs both servers for every size and direction,
                      interleaved (default: 3)
  --io-threads N      terrariumd "io_threads" (default: 1, like nginx's one worker)
  --nginx-workers N   nginx worker_processes (default: 1)
  --big-mib N         size of the file of the memory check, in MiB (default: 1024)
  --skip-big          no memory check
  --quick             a smoke check of the script itself: 1 round of 1 s, 1 KiB only, no warm-up,
                      a 16 MiB memory check (its figures mean nothing; written to files-quick.json)

Servers: file-storage (terrariumd + file-storage.so, GET /api/storage/files/<n>.bin/raw, PUT
/api/storage/files/up-<n>.bin), files (terrariumd + the files fixture, the baseline) and nginx.
Connections per size: 1 KiB 64, 64 MiB 4 (downloads and uploads alike); wrk -t2.
Prints a table per round and a summary (median requests/s and MB/s, the ratios to nginx, the
issue's goals for file-storage, the 1 GiB times and resident memory) and writes it to
bench/results/files-latest.json. Exits 0 whatever the figures; non-zero only if something failed
to build, start or stay up, or wrk failed.
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
QUICK=0
WRK_THREADS=2
WARMUP_SECONDS=1
START_DEADLINE=20
SIZES=(1024 67108864)
declare -A SIZE_NAME=([1024]=1KiB [67108864]=64MiB)
declare -A CONNECTIONS=([1024]=64 [67108864]=4)
COMPARED=(file-storage files nginx)   # the servers measured, in this order in every round
PLUGIN_SERVERS=(file-storage files)   # the terrariumd ones (memory check)
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
        --quick) QUICK=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "files.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

if ((QUICK)); then
    ROUNDS=1 DURATION=1 WARMUP_SECONDS=0 BIG_MIB=16 SIZES=(1024)
fi
BIG_BYTES=$(((BIG_MIB + 1) * 1048576))

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
FILE_STORAGE_SO="$BUILD_DIR/plugins/file-storage/file-storage.so"
targets=()
[[ -x "$TERRARIUMD_BIN" ]] || targets+=(terrariumd)
[[ -f "$FILES_SO" ]] || targets+=(fixture_files)
[[ -f "$FILE_STORAGE_SO" ]] || targets+=(file-storage)
build_missing "${targets[@]}"
[[ -x "$TERRARIUMD_BIN" ]] || die "$TERRARIUMD_BIN is missing after the build"
[[ -f "$FILES_SO" ]] || die "$FILES_SO is missing after the build"
[[ -f "$FILE_STORAGE_SO" ]] || die "$FILE_STORAGE_SO is missing after the build"

SOURCE_DIR=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
GIT_REV=
if [[ -n "$SOURCE_DIR" ]] && GIT_REV=$(git -C "$SOURCE_DIR" rev-parse --short HEAD 2>/dev/null); then
    [[ -z "$(git -C "$SOURCE_DIR" status --porcelain -- host sdk tests/abi/fixtures plugins/file-storage 2>/dev/null)" ]] || GIT_REV="$GIT_REV-dirty"
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

start_terrariumd() { # name plugin.so plugin-block probe-path: terrariumd serving one plugin
    local name=$1 dir="$TMP_DIR/$1"
    mkdir -p "$dir/plugins" "$dir/state"
    cp "$2" "$dir/plugins/"
    cat >"$dir/bench.json" <<EOF
{"io_threads": $TRM_IO_THREADS, "log": {"level": "warning"}, "watch": {"enabled": false},
 "limits": {"request_timeout_ms": 120000},
 "plugins": {$3}}
EOF
    LOG[$name]="$dir/terrariumd.log"
    "$TERRARIUMD_BIN" --config "$dir/bench.json" --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 \
        --plugins-dir "$dir/plugins" --state-dir "$dir/state" >"${LOG[$name]}" 2>&1 &
    PID[$name]=$!
    SERVERS+=("$name")
    wait_terrariumd_ready "${PID[$name]}" "$name" "${LOG[$name]}" "$dir/state/listeners.json" "$4"
    ADDR[$name]=$SERVER_ADDR
    printf '  %-12s terrariumd + %s, io_threads %s, on %s (pid %s)\n' "$name" "$(basename "$2")" "$TRM_IO_THREADS" "${ADDR[$name]}" "${PID[$name]}"
}

# Uploads above 64 KiB are spooled (nginx writes bodies above its 16 KiB buffer to a file too), up
# to the size of the memory check; the spool directory is in TMP_DIR, so they are renamed into place.
start_file_storage() {
    start_terrariumd file-storage "$FILE_STORAGE_SO" \
        "\"file-storage\": {\"config\": {\"path\": \"$WWW\", \"max_files\": 1000000, \"max_raw_size\": $BIG_BYTES},
          \"spool\": {\"threshold_bytes\": 65536, \"max_bytes\": $BIG_BYTES}}" "/api/storage/files/1KiB.bin/raw"
}

start_files() {
    start_terrariumd files "$FILES_SO" \
        "\"files\": {\"config\": {\"dir\": \"$WWW\"}, \"spool\": {\"threshold_bytes\": 65536, \"max_bytes\": $BIG_BYTES}}" "/files/1KiB.bin"
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
            echo "  nginx        nginx $("$NGINX_BIN" -v 2>&1 | sed 's/^nginx version: nginx\///'), $NGINX_WORKERS worker(s), sendfile on, on ${ADDR[$name]} (pid ${PID[$name]})"
            return 0
        fi
        wait "${PID[$name]}" 2>/dev/null || true
        grep -q 'Address already in use' "$dir/logs/error.log" "${LOG[$name]}" 2>/dev/null ||
            { tail -n 20 "$dir/logs/error.log" "${LOG[$name]}" >&2 2>/dev/null || true; die "nginx failed to start"; }
    done
    die "nginx: no free port after 5 attempts"
}

url() { # server direction size [name]: the URL of a file of that size (or named name) on server
    local n=${4:-${SIZE_NAME[$3]}.bin}
    [[ "$2" == up && -z "${4:-}" ]] && n="up-$n"
    case "$1:$2" in
        file-storage:down) echo "http://${ADDR[$1]}/api/storage/files/$n/raw" ;;
        file-storage:up) echo "http://${ADDR[$1]}/api/storage/files/$n" ;;
        nginx:up) echo "http://${ADDR[$1]}/upload/$n" ;;
        *) echo "http://${ADDR[$1]}/files/$n" ;;
    esac
}

echo "Starting servers"
start_file_storage
start_files
start_nginx
for s in "${COMPARED[@]}"; do
    cmp -s <(curl -s "$(url "$s" down "${SIZES[-1]}")") "$WWW/${SIZE_NAME[${SIZES[-1]}]}.bin" || die "$s does not serve the ${SIZE_NAME[${SIZES[-1]}]} file intact"
done

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
# Resident memory and time while a big file moves through each terrariumd (one client, curl),
# first, while the hosts are fresh: their idle VmRSS is the baseline.
declare -A IDLE_KIB=() UP_PEAK_KIB=() DOWN_PEAK_KIB=() UP_SECONDS=() DOWN_SECONDS=() BIG_OK=()
for s in "${PLUGIN_SERVERS[@]}"; do
    IDLE_KIB[$s]=0 UP_PEAK_KIB[$s]=0 DOWN_PEAK_KIB[$s]=0 UP_SECONDS[$s]=0 DOWN_SECONDS[$s]=0 BIG_OK[$s]=skipped
done
sample_peak() { # pid file: writes the largest VmRSS seen until killed
    local peak=0 v
    while :; do
        v=$(rss_kib "$1")
        ((v > peak)) && { peak=$v; echo "$peak" >"$2"; }
        sleep 0.02
    done
}
transfer() { # server up|down file-of-peak: one transfer of big-<server>.bin while sampling; prints seconds
    local sampler started ended target
    target=$(url "$1" "$2" 0 "big-$1.bin")
    echo 0 >"$3"
    sample_peak "${PID[$1]}" "$3" &
    sampler=$!
    started=$(date +%s.%N)
    if [[ "$2" == up ]]; then
        curl -sf -T "$BIG" -o /dev/null "$target" || { kill "$sampler"; die "$1: the ${BIG_MIB} MiB upload failed"; }
    else
        curl -sf -o "$TMP_DIR/big.down" "$target" || { kill "$sampler"; die "$1: the ${BIG_MIB} MiB download failed"; }
    fi
    ended=$(date +%s.%N)
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.2f\n", b - a }'
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
mib_per_s() { awk -v m="$BIG_MIB" -v t="$1" 'BEGIN { if (t > 0) printf "%.0f", m / t; else print 0 }'; }
if ((!SKIP_BIG)); then
    echo
    echo "Memory: a ${BIG_MIB} MiB upload and download through each terrariumd (VmRSS sampled every 20 ms)"
    BIG="$TMP_DIR/bodies/big.bin"
    head -c "$((BIG_MIB * 1048576))" /dev/urandom >"$BIG"
    for s in "${PLUGIN_SERVERS[@]}"; do
        IDLE_KIB[$s]=$(rss_kib "${PID[$s]}")
        UP_SECONDS[$s]=$(transfer "$s" up "$TMP_DIR/peak-up")
        UP_PEAK_KIB[$s]=$(cat "$TMP_DIR/peak-up")
        DOWN_SECONDS[$s]=$(transfer "$s" down "$TMP_DIR/peak-down")
        DOWN_PEAK_KIB[$s]=$(cat "$TMP_DIR/peak-down")
        if cmp -s "$BIG" "$WWW/big-$s.bin" && cmp -s "$BIG" "$TMP_DIR/big.down"; then BIG_OK[$s]=intact; else BIG_OK[$s]=CORRUPTED; fi
        printf '  %-12s idle %s MiB; upload %s s (%s MiB/s), peak %s MiB (+%s); download %s s (%s MiB/s), peak %s MiB (+%s); content %s\n' "$s" \
            "$(mib "${IDLE_KIB[$s]}")" "${UP_SECONDS[$s]}" "$(mib_per_s "${UP_SECONDS[$s]}")" "$(mib "${UP_PEAK_KIB[$s]}")" \
            "$(mib $((UP_PEAK_KIB[$s] - IDLE_KIB[$s])))" "${DOWN_SECONDS[$s]}" "$(mib_per_s "${DOWN_SECONDS[$s]}")" \
            "$(mib "${DOWN_PEAK_KIB[$s]}")" "$(mib $((DOWN_PEAK_KIB[$s] - IDLE_KIB[$s])))" "${BIG_OK[$s]}"
        rm -f "$TMP_DIR/big.down" "$WWW/big-$s.bin"
    done
    rm -f "$BIG"
fi

echo "Warming up (${WARMUP_SECONDS} s per server, size and direction)"
for size in "${SIZES[@]}"; do
    for dir in down up; do
        ((WARMUP_SECONDS > 0)) || continue
        for s in "${COMPARED[@]}"; do wrk_run "$s" "$dir" "$size" "$WARMUP_SECONDS" "$TMP_DIR/warmup.txt"; done
    done
done

print_header() { printf '  %-6s %-5s %-12s %10s %10s %10s %10s %8s %8s %10s\n' size dir server 'req/s' 'MB/s' 'p50 (us)' 'p99 (us)' non-2xx sock-err 'RSS (MiB)'; }
for ((r = 1; r <= ROUNDS; r++)); do
    echo
    echo "Round $r of $ROUNDS (${DURATION} s per run)"
    print_header
    for size in "${SIZES[@]}"; do
        for dir in down up; do
            for s in "${COMPARED[@]}"; do
                measure "$s" "$r" "$dir" "$size"
                awk -v s="$s" -v r="$r" -v d="$dir" -v z="$size" -v n="${SIZE_NAME[$size]}" '$1 == s && $2 == r && $3 == d && $4 == z {
                        printf "  %-6s %-5s %-12s %10.0f %10.1f %10.0f %10.0f %8d %8d %10.1f\n", n, d, s, $5, $6, $7, $8, $9, $10, $11 / 1024 }' "$RESULTS"
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
echo "Summary: median of $ROUNDS rounds, ${DURATION} s each (wrk -t$WRK_THREADS, $(nproc) CPUs; connections: 1 KiB 64, 64 MiB 4)"
printf '  %-6s %-5s %10s %10s %10s %10s %10s %10s %8s %8s %11s\n' size dir 'fs req/s' 'files r/s' 'nginx r/s' 'fs MB/s' 'files MB/s' \
    'nginx MB/s' 'fs/ngx' 'files/ngx' errors
declare -A RATIO BASE_RATIO
for size in "${SIZES[@]}"; do
    for dir in down up; do
        fr=$(median file-storage "$dir" "$size" 5)
        br=$(median files "$dir" "$size" 5)
        nr=$(median nginx "$dir" "$size" 5)
        RATIO[$dir,$size]=$(ratio "$fr" "$nr")
        BASE_RATIO[$dir,$size]=$(ratio "$br" "$nr")
        errors=
        for s in "${COMPARED[@]}"; do
            errors="$errors${errors:+/}$(($(total "$s" "$dir" "$size" 9) + $(total "$s" "$dir" "$size" 10)))"
        done
        printf '  %-6s %-5s %10.0f %10.0f %10.0f %10.1f %10.1f %10.1f %7sx %7sx %11s\n' "${SIZE_NAME[$size]}" "$dir" "$fr" "$br" "$nr" \
            "$(median file-storage "$dir" "$size" 6)" "$(median files "$dir" "$size" 6)" "$(median nginx "$dir" "$size" 6)" \
            "${RATIO[$dir,$size]}" "${BASE_RATIO[$dir,$size]}" "$errors"
    done
done
echo "  (fs: file-storage; files: the files fixture, the baseline; errors: non-2xx + socket errors over all rounds, file-storage/files/nginx)"
echo
big_size=${SIZES[-1]}
small_size=${SIZES[0]}
echo "Goals (issue 11), for file-storage"
printf '  %s download, file-storage/nginx MB/s:   %5sx   goal >= %sx   %s\n' "${SIZE_NAME[$big_size]}" "${RATIO[down,$big_size]}" "$GOAL_BIG_DOWNLOAD" \
    "$(meets "${RATIO[down,$big_size]}" "$GOAL_BIG_DOWNLOAD")"
printf '  %s download, file-storage/nginx req/s:  %5sx   goal >= %sx   %s\n' "${SIZE_NAME[$small_size]}" "${RATIO[down,$small_size]}" "$GOAL_SMALL_DOWNLOAD" \
    "$(meets "${RATIO[down,$small_size]}" "$GOAL_SMALL_DOWNLOAD")"
if ((!SKIP_BIG)); then
    for s in "${PLUGIN_SERVERS[@]}"; do
        worst=$((UP_PEAK_KIB[$s] > DOWN_PEAK_KIB[$s] ? UP_PEAK_KIB[$s] : DOWN_PEAK_KIB[$s]))
        above=$(mib $((worst - IDLE_KIB[$s])))
        printf '  %-12s RSS above idle during the %d MiB transfers: %s MiB   goal < %d MiB   %s\n' "$s" "$BIG_MIB" "$above" "$GOAL_RSS_MIB" \
            "$(awk -v a="$above" -v g="$GOAL_RSS_MIB" 'BEGIN { exit !(a < g) }' && echo MET || echo "NOT MET")"
    done
fi

# JSON summary, written atomically.
mkdir -p "$RESULTS_DIR"
json="$RESULTS_DIR/files-latest.json"
((QUICK)) && json="$RESULTS_DIR/files-quick.json"   # a smoke check never replaces real figures
{
    printf '{"benchmark": "files.sh", "date": "%s", "revision": "%s", "cpus": %d, "duration_s": %d, "rounds": %d, "terrariumd_io_threads": %d, "nginx_workers": %d,\n' \
        "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${GIT_REV:-unknown}" "$(nproc)" "$DURATION" "$ROUNDS" "$TRM_IO_THREADS" "$NGINX_WORKERS"
    printf ' "medians": ['
    first=1
    for size in "${SIZES[@]}"; do
        for dir in down up; do
            for s in "${COMPARED[@]}"; do
                ((first)) || printf ', '
                first=0
                printf '{"server": "%s", "direction": "%s", "bytes": %d, "connections": %d, "requests_per_sec": %s, "mib_per_sec": %s, "p50_us": %s, "p99_us": %s, "non_2xx": %d, "socket_errors": %d}' \
                    "$s" "$dir" "$size" "${CONNECTIONS[$size]}" "$(median "$s" "$dir" "$size" 5)" "$(median "$s" "$dir" "$size" 6)" \
                    "$(median "$s" "$dir" "$size" 7)" "$(median "$s" "$dir" "$size" 8)" "$(total "$s" "$dir" "$size" 9)" "$(total "$s" "$dir" "$size" 10)"
            done
        done
    done
    printf '],\n "ratios_to_nginx": {'
    first=1
    for size in "${SIZES[@]}"; do
        for dir in down up; do
            ((first)) || printf ', '
            first=0
            printf '"%s_%s": {"file-storage": %s, "files": %s}' "$dir" "${SIZE_NAME[$size]}" "${RATIO[$dir,$size]}" "${BASE_RATIO[$dir,$size]}"
        done
    done
    printf '},\n "memory": {"file_mib": %d, "skipped": %s' "$BIG_MIB" "$( ((SKIP_BIG)) && echo true || echo false)"
    for s in "${PLUGIN_SERVERS[@]}"; do
        printf ', "%s": {"idle_kib": %d, "upload_peak_kib": %d, "download_peak_kib": %d, "upload_s": %s, "download_s": %s, "content": "%s"}' \
            "$s" "${IDLE_KIB[$s]}" "${UP_PEAK_KIB[$s]}" "${DOWN_PEAK_KIB[$s]}" "${UP_SECONDS[$s]}" "${DOWN_SECONDS[$s]}" "${BIG_OK[$s]}"
    done
    printf '}}\n'
} >"$json.tmp"
mv "$json.tmp" "$json"
echo
echo "Written to $json"
