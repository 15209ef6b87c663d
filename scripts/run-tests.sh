#!/usr/bin/env bash
# Runs the whole ctest suite of BUILD_DIR against SQLite and a throwaway PostgreSQL cluster, with
# MailDev as the SMTP server. Both services are stopped whatever happens.
set -euo pipefail
build_dir=${1:?usage: $0 BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)

# Skips become failures: in `make test` every backend and every service must really be exercised.
export CLOCKKO_REQUIRE_POSTGRES=1
export CLOCKKO_REQUIRE_MAILDEV=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

"$here/with-postgres.sh" "$here/with-maildev.sh" \
    ctest --test-dir "$build_dir" --output-on-failure --timeout 900 -j 2 "${@:2}"
