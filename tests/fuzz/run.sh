#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, -fsanitize=fuzzer,address,undefined) and runs
# each over its seed corpus (tests/fuzz/corpus/<target>/, which also holds every input that once
# broke something, so each run replays them first). New inputs go to <build>/corpus/<target>/,
# crashes to <build>/crashes/. Exits non-zero when a target crashes or fails to build.
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: tests/fuzz/run.sh [--seconds N | --runs N] [--seed N] [--build-dir DIR] [--build-only | --no-build]
                         [--list] [TARGET...]

  --seconds N      run each target for N seconds (default: 10)
  --runs N         run each target for N executions instead (e.g. 1000000)
  --seed N         libFuzzer's random seed (default: a new one each run); a fixed seed makes a
                   run repeat the same mutations, as the test command does
  --build-dir DIR  the fuzzing build (default: build-fuzz in the repository)
  --build-only     build the targets, run none
  --no-build       run the targets of the existing build
  --list           print the targets and exit
  TARGET           fuzz_<name> targets to run (default: all)
USAGE
}

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build-fuzz
limit=(-max_total_time=10)
seed=()
targets=()
build_step=1
run_step=1
all=(request_parser websocket_codec config json_checker route_table secret_path vault_response admin_request file_name)
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) limit=(-max_total_time="$2"); shift 2 ;;
        --runs) limit=(-runs="$2"); shift 2 ;;
        --seed) seed=(-seed="$2"); shift 2 ;;
        --build-dir) build=$(realpath -m "$2"); shift 2 ;;
        --build-only) run_step=0; shift ;;
        --no-build) build_step=0; shift ;;
        --list) printf '%s\n' "${all[@]}"; exit 0 ;;
        -h|--help) usage; exit 0 ;;
        -*) usage >&2; exit 64 ;;
        *) targets+=("${1#fuzz_}"); shift ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }

if [ "$build_step" -eq 1 ]; then
    launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    if [ ! -f "$build/CMakeCache.txt" ]; then
        CC=clang CXX=clang++ cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DTERRARIUM_FUZZ=ON -DTERRARIUM_BUILD_TESTS=OFF -DTERRARIUM_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
    fi
    cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]/#/fuzz_}"
fi
[ "$run_step" -eq 1 ] || exit 0

mkdir -p "$build/crashes"
failed=()
printf '%-18s %12s %10s %8s  %s\n' target executions "exec/s" corpus result
for target in "${targets[@]}"; do
    seeds=$root/tests/fuzz/corpus/$target
    work=$build/corpus/$target
    mkdir -p "$work"
    log=$build/fuzz_$target.log
    dict=()
    [ -f "$root/tests/fuzz/dict/$target.dict" ] && dict=(-dict="$root/tests/fuzz/dict/$target.dict")
    status=0
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$build/tests/fuzz/fuzz_$target" "${limit[@]}" "${seed[@]}" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        "${dict[@]}" -artifact_prefix="$build/crashes/$target-" "$work" "$seeds" >"$log" 2>&1 || status=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    units=$(find "$work" -type f | wc -l)
    if [ "$status" -eq 0 ]; then result=ok; else result="FAILED (exit $status; $log)"; failed+=("$target"); fi
    printf '%-18s %12s %10s %8s  %s\n' "$target" "$runs" "$speed" "$units" "$result"
done
if [ ${#failed[@]} -gt 0 ]; then
    for target in "${failed[@]}"; do
        echo "---- fuzz_$target ----"
        grep -E 'ERROR|invariant failed|runtime error|SUMMARY|Test unit written' "$build/fuzz_$target.log" | head -20
    done
    exit 1
fi
