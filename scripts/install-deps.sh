#!/usr/bin/env bash
# Installs the Debian 12 packages ClockKo needs, and only those that are missing.
#   scripts/install-deps.sh build    compilers and libraries to build the server
#   scripts/install-deps.sh runtime  shared libraries to run the built server (container image)
#   scripts/install-deps.sh test     build + the servers and tools the test suite drives
#   scripts/install-deps.sh bench    build + wrk, nginx, curl and PostgreSQL for `make bench`
# The npm tooling (MailDev, newman, Redocly, ...) is installed by `make` with `npm ci`.
set -euo pipefail

build_packages=(
    g++ cmake ninja-build pkg-config make
    libboost1.81-dev libboost-json1.81-dev
    libssl-dev libcrypt-dev libjwt-dev libpq-dev libsqlite3-dev libcurl4-openssl-dev
    libcli11-dev
    nodejs
)
runtime_packages=(
    ca-certificates libboost-json1.81.0 libboost-container1.81.0 libssl3 libcrypt1 libjwt0 libpq5 libsqlite3-0 libcurl4
)
test_packages=(
    libgtest-dev libgmock-dev postgresql-15 postgresql-client-15 sqlite3 curl jq
    clang-14 libclang-rt-14-dev clang-format-14 clang-tidy-14 shellcheck chromium sqlmap
    python3 python3-passlib python3-bcrypt nginx git binutils
)
# curl and PostgreSQL: bench.sh probes /health with curl and runs scripts/with-postgres.sh.
bench_packages=(wrk nginx curl postgresql-15 postgresql-client-15)

mode=${1:-build}
case "$mode" in
    build) wanted=("${build_packages[@]}") ;;
    runtime) wanted=("${runtime_packages[@]}") ;;
    test) wanted=("${build_packages[@]}" "${test_packages[@]}") ;;
    bench) wanted=("${build_packages[@]}" "${bench_packages[@]}") ;;
    *)
        echo "usage: $0 build|runtime|test|bench" >&2
        exit 2
        ;;
esac

missing=()
for package in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
# Node may come from another source than Debian's package (it does on our machines): keep it.
if command -v node >/dev/null 2>&1; then
    filtered=()
    for package in "${missing[@]}"; do
        [ "$package" = nodejs ] || filtered+=("$package")
    done
    missing=("${filtered[@]}")
fi
if [ "$mode" != runtime ] && ! command -v npm >/dev/null 2>&1; then
    missing+=(npm)
fi

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
echo "Installing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
else
    sudo=()
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
