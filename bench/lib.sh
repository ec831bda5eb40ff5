# Shell helpers shared by bench/run.sh and bench/scale.sh; sourced by both, not run on its own.
# The sourcing script sets BENCH_NAME (its name, which starts its messages), REPO_ROOT, and,
# before it calls the helpers, BUILD_DIR, START_DEADLINE and WRK_THREADS, and defines usage().
# shellcheck shell=bash

die() {
    echo "$BENCH_NAME: $*" >&2
    exit 1
}

# Argument checks for the option parsers: exit 2 with a message.
need_value() {
    [[ $# -ge 2 && -n "$2" ]] || { echo "$BENCH_NAME: $1 needs a value" >&2; usage >&2; exit 2; }
}
positive_int() {
    [[ "$2" =~ ^[0-9]+$ && "$2" -gt 0 ]] || { echo "$BENCH_NAME: $1: expected a positive integer, got '$2'" >&2; exit 2; }
}

require_tools() { # tool...
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required but not installed"
    done
}

# Makes BUILD_DIR absolute: a relative path is taken from the current directory if it exists there,
# else from REPO_ROOT.
resolve_build_dir() {
    if [[ "$BUILD_DIR" != /* ]]; then
        if [[ -d "$BUILD_DIR" ]]; then
            BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
        else
            BUILD_DIR="$REPO_ROOT/$BUILD_DIR"
        fi
    fi
}

build_missing() { # target... (none: nothing to do)
    if (($# > 0)); then
        echo "Building missing targets: $*"
        cmake --build "$BUILD_DIR" --target "$@" || die "build failed"
    fi
}

# ---------------------------------------------------------------------------------------------
# Servers.

stop_server() { # pid name
    local pid=$1 name=$2 i
    [[ -n "$pid" ]] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "$BENCH_NAME: $name (pid $pid) ignored SIGTERM for 5 s, killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

alive_or_die() { # pid name log
    if ! kill -0 "$1" 2>/dev/null; then
        echo "$BENCH_NAME: $2 exited unexpectedly; last lines of its output:" >&2
        tail -n 20 "$3" >&2 || true
        exit 1
    fi
}

now() { date +%s; }

http_status() { # url
    curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1" 2>/dev/null || true
}

wait_for_200() { # url pid name log
    local url=$1 deadline=$(($(now) + START_DEADLINE)) status=
    while :; do
        alive_or_die "$2" "$3" "$4"
        status=$(http_status "$url")
        [[ "$status" == 200 ]] && return 0
        (($(now) < deadline)) || die "$3: GET $url did not answer 200 within ${START_DEADLINE} s (last status: ${status:-none})"
        sleep 0.05
    done
}

# wait_bare_ready <pid> <name> <log>: waits until bare_poco_server has written its address to its
# log and answers 200 on /; sets SERVER_ADDR to the address (127.0.0.1:PORT).
wait_bare_ready() {
    local pid=$1 name=$2 log=$3 deadline
    SERVER_ADDR=
    deadline=$(($(now) + START_DEADLINE))
    while [[ -z "$SERVER_ADDR" ]]; do
        alive_or_die "$pid" "$name" "$log"
        SERVER_ADDR=$(sed -n 's/^listening on \(127\.0\.0\.1:[0-9][0-9]*\)$/\1/p' "$log" | head -n 1)
        if [[ -z "$SERVER_ADDR" ]]; then
            (($(now) < deadline)) || die "bare_poco_server did not report its port within ${START_DEADLINE} s"
            sleep 0.05
        fi
    done
    wait_for_200 "http://$SERVER_ADDR/" "$pid" "$name" "$log"
}

# wait_terrariumd_ready <pid> <name> <log> <listeners.json> [path]: waits until terrariumd has written
# its main address to the listeners file and answers 200 on /ready and on path (default /echo/);
# sets SERVER_ADDR to the address (127.0.0.1:PORT).
wait_terrariumd_ready() {
    local pid=$1 name=$2 log=$3 listeners=$4 path=${5:-/echo/} deadline
    SERVER_ADDR=
    deadline=$(($(now) + START_DEADLINE))
    while [[ -z "$SERVER_ADDR" ]]; do
        alive_or_die "$pid" "$name" "$log"
        if [[ -f "$listeners" ]]; then
            # {"main":"127.0.0.1:PORT","admin":"127.0.0.1:PORT",...}, possibly pretty-printed.
            SERVER_ADDR=$(tr -d '\n' <"$listeners" | sed -nE 's/.*"main"[[:space:]]*:[[:space:]]*"([^"]*)".*/\1/p')
        fi
        if [[ -z "$SERVER_ADDR" ]]; then
            (($(now) < deadline)) || die "$name did not write a main address to $listeners within ${START_DEADLINE} s"
            sleep 0.05
        fi
    done
    [[ "$SERVER_ADDR" =~ ^127\.0\.0\.1:[0-9]+$ ]] || die "$name reports main address '$SERVER_ADDR', expected 127.0.0.1:PORT"
    wait_for_200 "http://$SERVER_ADDR/ready" "$pid" "$name" "$log"
    wait_for_200 "http://$SERVER_ADDR$path" "$pid" "$name" "$log"
}

# ---------------------------------------------------------------------------------------------
# wrk.

run_wrk() { # seconds connections url output; WRK_PREFIX (an array, may be unset) runs wrk under e.g. taskset
    if ! "${WRK_PREFIX[@]}" wrk -t"$WRK_THREADS" -c"$2" -d"$1"s --latency "$3" >"$4" 2>&1; then
        echo "$BENCH_NAME: wrk failed against $3:" >&2
        cat "$4" >&2
        exit 1
    fi
}

# parse_wrk <file> [latency]: prints "<req/s> <p50 us> <p99 us> <non-2xx> <socket errors> <requests>"
# for a wrk --latency output; fails without a req/s figure. latency "required" (the default): fails
# as well without both percentiles; "optional": prints a missing one as -1 (wrk leaves them out
# when no request was answered).
parse_wrk() {
    local optional
    case "${2:-required}" in
        required) optional=0 ;;
        optional) optional=1 ;;
        *) echo "$BENCH_NAME: parse_wrk: latency must be 'required' or 'optional', not '$2'" >&2; return 2 ;;
    esac
    awk -v optional="$optional" '
        function micros(v,   n, u) {
            n = v; sub(/[a-z]+$/, "", n)
            u = v; sub(/^[0-9.]+/, "", u)
            if (u == "us") return n
            if (u == "ms") return n * 1000
            if (u == "s") return n * 1000000
            if (u == "m") return n * 60000000
            if (u == "h") return n * 3600000000
            return -1
        }
        /^[ \t]*50%[ \t]/ { p50 = micros($2) }
        /^[ \t]*99%[ \t]/ { p99 = micros($2) }
        /^Requests\/sec:/ { rps = $2 }
        / requests in / { requests = $1 }
        /Non-2xx or 3xx responses:/ { non2xx = $NF }
        /Socket errors:/ {
            # "Socket errors: connect 0, read 0, write 0, timeout 0"
            for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) { x = $i; sub(/,/, "", x); sockerr += x }
        }
        END {
            if (rps == "") exit 1
            if (p50 == "" || p50 < 0) { if (!optional) exit 1; p50 = -1 }
            if (p99 == "" || p99 < 0) { if (!optional) exit 1; p99 = -1 }
            printf "%.2f %.1f %.1f %d %d %d\n", rps, p50, p99, non2xx + 0, sockerr + 0, requests + 0
        }' "$1"
}
