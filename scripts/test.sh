#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test (unit, ABI, SDK, integration),
# then the sanitizer stages (scripts/sanitize.sh: ASan+UBSan over the suite, TSan over the unit,
# SDK and concurrency-heavy integration tests), then builds the fuzz targets and runs each briefly
# over its corpus (tests/fuzz/run.sh). Every stage runs; the script fails when any stage failed.
# The next stage's build runs in the background while a stage's tests run (asan's during the
# normal tests, tsan's during asan's, the fuzz targets' during tsan's).
#   --only STAGE   run one stage: normal, asan, tsan or fuzz (repeatable)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TERRARIUM_BUILD_DIR:-$root/build}
stages=()
while [ $# -gt 0 ]; do
    case "$1" in
        --only) stages+=("$2"); shift 2 ;;
        *) echo "usage: scripts/test.sh [--only normal|asan|tsan|fuzz]..." >&2; exit 64 ;;
    esac
done
[ ${#stages[@]} -gt 0 ] || stages=(normal asan tsan fuzz)

# Builds in the background while the previous stage's tests run (they leave much of the CPU idle),
# logged to <build>-<stage>/prebuild.log, which the stage prints when it needs its build.
declare -A prebuilt=()
fuzz=("$root/tests/fuzz/run.sh" --seconds "${TERRARIUM_FUZZ_SECONDS:-5}" --seed 1 --build-dir "$build-fuzz")
prebuild() {
    mkdir -p "$build-$1"
    if [ "$1" = fuzz ]; then
        "${fuzz[@]}" --build-only >"$build-$1/prebuild.log" 2>&1 &
    else
        "$root/scripts/sanitize.sh" "$1" --build-only >"$build-$1/prebuild.log" 2>&1 &
    fi
    prebuilt[$1]=$!
}
# Waits for the stage's background build, if one ran, and prints its log; fails when that build
# failed. built=1 afterwards when the stage's build is done.
wait_prebuild() {
    built=0
    [ -n "${prebuilt[$1]:-}" ] || return 0
    local status=0
    wait "${prebuilt[$1]}" || status=$?
    cat "$build-$1/prebuild.log"
    [ "$status" -eq 0 ] || return "$status"
    built=1
}
sanitize_stage() {
    wait_prebuild "$1" || return $?
    if [ "$built" -eq 1 ]; then
        "$root/scripts/sanitize.sh" "$1" --no-build
    else
        "$root/scripts/sanitize.sh" "$1"
    fi
}
wants() {
    local stage
    for stage in "${stages[@]}"; do [ "$stage" = "$1" ] && return 0; done
    return 1
}

run_stage() {
    case "$1" in
        normal)
            # Line tables only (-g1): the packages are stripped anyway, and full debug information
            # is a good part of a cold build's compile time.
            "$root/scripts/build.sh" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" || return $?
            if wants asan; then prebuild asan; fi
            (cd "$build" && ctest --output-on-failure --timeout 600 -j "$(nproc)") ;;
        asan)
            if wants tsan; then prebuild tsan; fi
            sanitize_stage asan ;;
        tsan)
            if wants fuzz; then prebuild fuzz; fi
            sanitize_stage tsan ;;
        fuzz)
            wait_prebuild fuzz || return $?
            if [ "$built" -eq 1 ]; then "${fuzz[@]}" --no-build; else "${fuzz[@]}"; fi ;;
        *) echo "test.sh: unknown stage $1 (normal, asan, tsan, fuzz)" >&2; return 64 ;;
    esac
}

"$root/scripts/install-deps.sh"
failed=()
for stage in "${stages[@]}"; do
    started=$SECONDS
    echo "==== test.sh: stage $stage ===="
    status=0
    run_stage "$stage" || status=$?
    echo "==== test.sh: stage $stage: $([ "$status" -eq 0 ] && echo ok || echo "FAILED (exit $status)") in $((SECONDS - started)) s ===="
    [ "$status" -eq 0 ] || failed+=("$stage")
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "test.sh: failed stages: ${failed[*]}" >&2
    exit 1
fi
