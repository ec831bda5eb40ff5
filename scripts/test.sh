#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test (unit, ABI, SDK, integration),
# then the sanitizer stages (scripts/sanitize.sh: ASan+UBSan over the suite, TSan over the unit,
# SDK and concurrency-heavy integration tests), then builds the fuzz targets and runs each briefly
# over its corpus (tests/fuzz/run.sh). Every stage runs; the script fails when any stage failed.
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

run_stage() {
    case "$1" in
        normal)
            "$root/scripts/build.sh"
            (cd "$build" && ctest --output-on-failure --timeout 600 -j "$(nproc)") ;;
        asan|tsan) "$root/scripts/sanitize.sh" "$1" ;;
        fuzz) "$root/tests/fuzz/run.sh" --seconds "${TERRARIUM_FUZZ_SECONDS:-5}" --seed 1 --build-dir "$build-fuzz" ;;
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
