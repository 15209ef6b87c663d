#!/usr/bin/env bash
# Builds the `fuzz` preset (clang-14, libFuzzer, ASan+UBSan) and runs every target of tests/fuzz
# for FUZZ_SECONDS seconds each (default 60; `make test` uses 50, `make fuzz` 600), one after the
# other, each on a copy of its committed seed corpus (tests/fuzz/corpus/<target>/ is never
# written). Exits non-zero when any target finds a crash, a leak, a timeout or an out-of-memory,
# after printing the reproducer's path and the end of the fuzzer's log.
#   scripts/run-fuzz.sh [BUILD_DIR] [TARGET...]      BUILD_DIR defaults to build/fuzz
# Environment: FUZZ_SECONDS, FUZZ_ARTIFACTS (where reproducers go; default BUILD_DIR/artifacts),
# FUZZ_KEEP_CORPUS=1 (keep the grown corpus copy and print where it is), JOBS (build parallelism).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build_dir=${1:-build/fuzz}
shift || true
seconds=${FUZZ_SECONDS:-60}
case "$seconds" in '' | *[!0-9]*) echo "FUZZ_SECONDS must be a number of seconds" >&2; exit 2 ;; esac

# target:max_len. max_len covers each input's limit plus a margin: the 16 KiB header limit of the
# server, the 254-byte email limit; bodies and tokens of a few KiB reach every decoder branch.
all_targets=(fuzz_http_request:20000 fuzz_json_body:4096 fuzz_jwt:2048 fuzz_email:512 fuzz_url:1024)
if [ "$#" -gt 0 ]; then
    wanted=" $* "
    selected=()
    for entry in "${all_targets[@]}"; do
        [[ "$wanted" == *" ${entry%%:*} "* ]] && selected+=("$entry")
    done
else
    selected=("${all_targets[@]}")
fi

cd "$root"
if [ "$build_dir" = build/fuzz ]; then
    cmake --preset fuzz >/dev/null
else
    cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
        -DCMAKE_CXX_COMPILER=clang++-14 -DCLOCKKO_FUZZ=ON -DCLOCKKO_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build_dir" -j "${JOBS:-$(nproc)}" --target clockko_fuzz_targets

artifacts=${FUZZ_ARTIFACTS:-$build_dir/artifacts}
mkdir -p "$artifacts"
artifacts=$(cd "$artifacts" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/clockko-fuzz.XXXXXX")
if [ "${FUZZ_KEEP_CORPUS:-0}" != 1 ]; then
    trap 'rm -rf "$work"' EXIT
fi

export ASAN_OPTIONS=${FUZZ_ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${FUZZ_UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for entry in "${selected[@]}"; do
    target=${entry%%:*}
    max_len=${entry##*:}
    binary="$build_dir/tests/fuzz/$target"
    corpus="$work/$target"
    cp -r "$root/tests/fuzz/corpus/$target" "$corpus"
    log="$work/$target.log"
    echo "== $target: ${seconds}s, max_len $max_len, $(find "$corpus" -type f | wc -l) seeds"
    status=0
    "$binary" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/$target-" "$corpus" >"$log" 2>&1 ||
        status=$?
    if [ "$status" -ne 0 ]; then
        failed+=("$target")
        echo "!! $target failed (exit $status). End of its log:" >&2
        tail -n 60 "$log" >&2
        grep -h -E "^(artifact_prefix|Test unit written to)" "$log" >&2 || true
        echo "!! reproduce with: $binary -runs=1 <file above> (reproducers in $artifacts)" >&2
        cp "$log" "$artifacts/$target.log"
    else
        grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$log" |
            tr '\n' ' ' || true
        echo
    fi
done
if [ "${FUZZ_KEEP_CORPUS:-0}" = 1 ]; then
    echo "grown corpora kept in $work"
fi
if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzzing found problems in: ${failed[*]}" >&2
    exit 1
fi
echo "fuzzing: ${#selected[@]} targets, ${seconds}s each, no crash, leak or timeout"
