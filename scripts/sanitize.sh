#!/usr/bin/env bash
# Builds the suite with sanitizers (clang, -DTERRARIUM_SANITIZE) and runs it:
#   asan  AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer: everything (host, plugins,
#         SDK, tests, test servers) into <build>-asan; every test but the packaging ones (which
#         package the normal build); the browser tests too (about 30 s, their terrariumd sanitized).
#   tsan  ThreadSanitizer: the unit and SDK tests and the concurrency-heavy integration tests
#         (TSAN_TESTS below) into <build>-tsan, building only the targets they need.
# Every process the tests start (terrariumd children too) writes its sanitizer reports to
# <build>-<stage>/sanitizer-reports/; the stage fails when a test fails or when any report exists.
# Suppressions: tests/sanitizers/*.supp. Extra arguments go to ctest (e.g. -R 'unit/http');
# --build-only stops after the build, --no-build runs the tests of the existing build (so that
# scripts/test.sh can build one stage while another one's tests run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
stage=${1:-}
case "$stage" in
    asan|tsan) shift ;;
    *) echo "usage: scripts/sanitize.sh asan|tsan [--build-only | --no-build] [ctest arguments...]" >&2; exit 64 ;;
esac
build_step=1
test_step=1
case "${1:-}" in
    --build-only) test_step=0; shift ;;
    --no-build) build_step=0; shift ;;
esac
build=${TERRARIUM_BUILD_DIR:-$root/build}-$stage
supp=$root/tests/sanitizers
reports=$build/sanitizer-reports
command -v clang++ >/dev/null || { echo "sanitize: clang++ is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }

# The unit and SDK tests, and the integration tests where threads meet: hot reloads (under
# traffic, of WebSockets, by SIGHUP), WebSockets, secret refresh (Vault up and down), the log
# pipeline (shipping to logthon), the connection engine (scale, slowloris, overload, slow
# handlers) and shutdown.
TSAN_TESTS='^(unit/|sdk: (FakeHost|services|websocket|files|agreement|json|assets): ?|reload: ?|integration: ?(.*[Rr]eload|websocket: |secrets: |host services: |platform logs: |scale: |slowloris: |overload: |slow handlers: |shutdown: ))'
TSAN_TARGETS="$(cd "$root/tests/unit" && for dir in */; do printf 'unit_%s ' "${dir%/}"; done)
              sdk_fake_host_tests sdk_services_tests sdk_websocket_tests sdk_file_bodies_tests sdk_host_agreement_tests
              sdk_json_tests sdk_assets_tests reload_tests integration_tests"

build() {
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [ "$stage" = asan ]; then sanitize=address,undefined; else sanitize=thread; fi
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTERRARIUM_SANITIZE="$sanitize" -DTERRARIUM_HARDENING=OFF -DTERRARIUM_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
if [ "$stage" = asan ]; then
    cmake --build "$build" --parallel "$(nproc)"
else
    # shellcheck disable=SC2086
    cmake --build "$build" --parallel "$(nproc)" --target $TSAN_TARGETS
fi
}
[ "$build_step" -eq 1 ] && build
[ "$test_step" -eq 1 ] || exit 0

rm -rf "$reports"
mkdir -p "$reports"
common=halt_on_error=1:print_stacktrace=1:log_path=$reports/report
export UBSAN_OPTIONS=$common:suppressions=$supp/ubsan.supp
export ASAN_OPTIONS=$common:detect_leaks=1:exitcode=86
export LSAN_OPTIONS=suppressions=$supp/lsan.supp:print_suppressions=0
export TSAN_OPTIONS=$common:second_deadlock_stack=1:exitcode=86:suppressions=$supp/tsan.supp:print_suppressions=0
# Sanitized code runs 2-15 times slower: the tests' polling deadlines grow by this factor.
export TERRARIUM_TEST_TIME_SCALE=${TERRARIUM_TEST_TIME_SCALE:-$([ "$stage" = tsan ] && echo 6 || echo 3)}

status=0
if [ "$stage" = asan ]; then
    (cd "$build" && ctest --output-on-failure --timeout 600 -j "$(nproc)" -LE packaging "$@") || status=$?
else
    (cd "$build" && ctest --output-on-failure --timeout 600 -j "$(nproc)" -R "$TSAN_TESTS" "$@") || status=$?
fi

found=$(find "$reports" -type f | sort)
if [ -n "$found" ]; then
    echo "---- $stage: sanitizer reports ($(echo "$found" | wc -l)) ----" >&2
    for report in $found; do
        echo "==== $report" >&2
        head -60 "$report" >&2
    done
    status=1
fi
[ "$status" -eq 0 ] && echo "$stage: clean"
exit "$status"
