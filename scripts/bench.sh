#!/usr/bin/env bash
# `make bench`: measures the Release server with wrk on SQLite and PostgreSQL against a reference
# nginx answering a same-sized user JSON, prints a table and writes bench/results/<date>.json.
# Scenarios and targets: issue 7 (see bench/RESULTS.md). Runs in about 3 minutes.
#
# Environment (all optional):
#   CLOCKKO_BIN        the server binary (default build/release/clockko, made by `make build`)
#   BENCH_BUILD_DIR    the build folder whose static libraries bench_tool links (default: the
#                      binary's folder)
#   BCRYPT_ROUNDS      bcrypt cost for the server and the limit (default 12, the service default)
#   BENCH_SECONDS      length of each measured wrk run (default 10)
#   BENCH_USERS        users seeded per backend (default 10000)
#   BENCH_RSS_REQUESTS requests of the memory run (default 100000)
#   BENCH_LOGIN_CONNECTIONS  connections of the login load (default 2 × cores: the hash pool has
#                      one thread per core, so each always has a login running and one waiting)
#   BENCH_BACKENDS     "sqlite postgres" (default) or one of them
#   BENCH_RESULTS_DIR  where the JSON goes (default bench/results)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${CLOCKKO_BIN:-$root/build/release/clockko}"
build_dir="${BENCH_BUILD_DIR:-$(dirname "$bin")}"
rounds="${BCRYPT_ROUNDS:-12}"
seconds="${BENCH_SECONDS:-10}"
users="${BENCH_USERS:-10000}"
rss_requests="${BENCH_RSS_REQUESTS:-100000}"
login_connections="${BENCH_LOGIN_CONNECTIONS:-$((2 * $(nproc)))}"
backends="${BENCH_BACKENDS:-sqlite postgres}"
results_dir="${BENCH_RESULTS_DIR:-$root/bench/results}"
readonly password="Benchmark-Password-1"
readonly secret="bench-secret-key-0123456789abcdef0123456789abcdef"
readonly user_connections=64
readonly wrk_threads=2

die() {
    echo "bench.sh: $*" >&2
    exit 2
}

for tool in wrk nginx curl g++; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (scripts/install-deps.sh bench installs it)"
done
[[ -x $bin ]] || die "$bin not found: run 'make build' first"
bin="$(realpath "$bin")" build_dir="$(realpath "$build_dir")"

# PostgreSQL comes from a throwaway cluster: re-run this script inside with-postgres.sh.
if [[ $backends == *postgres* && -z ${CLOCKKO_TEST_POSTGRES_URL:-} ]]; then
    exec "$root/scripts/with-postgres.sh" "$0" "$@"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/clockko-bench.XXXXXX")"
pids=()
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    die "no free port"
}

wait_for_health() { # PORT PID
    for _ in $(seq 1 200); do
        if curl -fs -o /dev/null "http://127.0.0.1:$1/health" 2>/dev/null; then
            return 0
        fi
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# --- bench_tool: seeding, the bcrypt timing and the start-up timing, linked to our libraries.
build_tool() {
    local libs=()
    for lib in store/sqlite/libclockko_store_sqlite.a store/postgres/libclockko_store_postgres.a \
        store/migrations/libclockko_store_migrations.a auth/libclockko_auth.a \
        config/libclockko_config.a core/libclockko_core.a; do
        [[ -f $build_dir/src/$lib ]] || die "$build_dir/src/$lib missing (make build)"
        libs+=("$build_dir/src/$lib")
    done
    g++ -std=c++20 -O2 -I"$root/src" "$root/bench/bench_tool.cpp" "${libs[@]}" \
        -lsqlite3 -lpq -ljwt -lcrypt -lcrypto -pthread -o "$work/bench_tool"
}

# --- the server
start_server() { # NAME DATABASE_URL -> sets server_pid, server_port
    server_port="$(free_port)"
    (cd "$work" && exec env DATABASE_URL="$2" SECRET_KEY="$secret" BCRYPT_ROUNDS="$rounds" \
        HOST=127.0.0.1 PORT="$server_port" LOG_FORMAT=json LOG_LEVEL=info APP_ENV=development \
        "$bin" serve >"$work/$1.log" 2>&1) &
    server_pid=$!
    pids+=("$server_pid")
    wait_for_health "$server_port" "$server_pid" || {
        tail -n 20 "$work/$1.log" >&2
        die "the $1 server did not start"
    }
}

stop_server() {
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
}

progress() {
    echo "== [${SECONDS} s] $*" >&2
}

# CPU time (user + system, in clock ticks) of the processes in $cpu_pids: the server's own cost
# per request is the figure that other load on this shared machine disturbs least.
cpu_ticks() {
    local total=0 pid
    for pid in $cpu_pids; do
        total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}
cpu_pids=""
clock_ticks="$(getconf CLK_TCK)"
readonly clock_ticks

# --- wrk: one run, its figures in $work/NAME.json (see bench/wrk/bench.lua), and the CPU time
# per request of $cpu_pids in $work/NAME.cpu (microseconds)
run_wrk() { # NAME MODE PORT CONNECTIONS SECONDS [VAR=VALUE...]
    local name=$1 mode=$2 port=$3 connections=$4 duration=$5 before
    shift 5
    before="$(cpu_ticks)"
    env BENCH_MODE="$mode" BENCH_TOKENS="$work/seed/tokens.txt" BENCH_EMAILS="$work/seed/emails.txt" \
        BENCH_PASSWORD="$password" BENCH_OUT="$work/$name.json" "$@" \
        wrk -t"$wrk_threads" -c"$connections" -d"${duration}s" --timeout 10s \
        -s "$root/bench/wrk/bench.lua" "http://127.0.0.1:$port" >"$work/$name.wrk.txt" 2>&1 ||
        { cat "$work/$name.wrk.txt" >&2; die "wrk $name failed"; }
    awk -v a="$before" -v b="$(cpu_ticks)" -v hz="$clock_ticks" -v n="$(field "$name" requests)" \
        'BEGIN { printf "%.1f\n", (n > 0 ? (b - a) / hz * 1e6 / n : 0) }' >"$work/$name.cpu"
}

scenario_json() { # NAME -> wrk's figures plus the CPU time per request
    sed -E "s/\}[[:space:]]*\$/,\"server_cpu_us_per_request\":$(cat "$work/$1.cpu")}/" "$work/$1.json"
}

field() { # NAME KEY -> a number from $work/NAME.json
    sed -E "s/.*\"$2\":([0-9.]+).*/\1/" "$work/$1.json"
}

errors() { # NAME -> total errors and non-2xx answers
    sed -E 's/.*"errors":\{([^}]*)\}.*/\1/' "$work/$1.json" | tr ',' '\n' | cut -d: -f2 |
        awk '{ s += $1 } END { print s + 0 }'
}

# --- nginx: the fastest answer of the same JSON on this machine
start_nginx() { # BODY_FILE
    local prefix="$work/nginx" port
    port="$(free_port)"
    mkdir -p "$prefix/logs" "$prefix/tmp"
    cp "$1" "$prefix/user.json"
    # nginx workers run as nobody when started by root: they must be able to read the body.
    chmod 755 "$work" "$prefix" && chmod 644 "$prefix/user.json"
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@PORT@|$port|g" "$root/bench/nginx.conf.in" >"$prefix/nginx.conf"
    nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" &
    nginx_pid=$!
    pids+=("$nginx_pid")
    nginx_port=$port
    for _ in $(seq 1 100); do
        curl -fs -o /dev/null "http://127.0.0.1:$port/api/auth/user" && return 0
        sleep 0.05
    done
    die "nginx did not start (see $prefix/logs/error.log)"
}

vm_status() { # PID KEY -> kB
    awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"
}

bench_backend() { # NAME DATABASE_URL
    local name=$1 url=$2
    rm -rf "$work/seed" && mkdir -p "$work/seed"
    progress "$name: seeding $users users"
    "$work/bench_tool" seed "$url" "$secret" "$users" "$password" "$rounds" "$work/seed" \
        >"$work/$name-seed.log" || die "seeding $name failed"
    start_server "$name" "$url"
    local token
    token="$(head -n 1 "$work/seed/tokens.txt")"
    curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$server_port/api/auth/user" \
        >"$work/$name.user.json" || die "GET /api/auth/user failed on $name"
    if [[ $name == sqlite ]]; then
        progress "nginx reference"
        start_nginx "$work/$name.user.json"
        cpu_pids="$(cat "/proc/$nginx_pid/task/$nginx_pid/children")"  # the workers
        run_wrk nginx-warmup fixed "$nginx_port" "$user_connections" 2
        run_wrk nginx fixed "$nginx_port" "$user_connections" "$seconds"
        kill -TERM "$nginx_pid"
        wait "$nginx_pid" 2>/dev/null || true
    fi
    progress "$name: user, login, mixed, register"
    cpu_pids="$server_pid"
    run_wrk "$name-warmup" user "$server_port" "$user_connections" 2
    run_wrk "$name-user" user "$server_port" "$user_connections" "$seconds"
    run_wrk "$name-login" login "$server_port" "$login_connections" "$seconds"
    run_wrk "$name-mixed-login" login "$server_port" "$login_connections" $((seconds + 2)) &
    local login_load=$!
    sleep 1
    run_wrk "$name-mixed-user" user "$server_port" "$user_connections" "$seconds"
    wait "$login_load"
    run_wrk "$name-register" register "$server_port" "$login_connections" "$seconds"
    progress "$name: $rss_requests requests over $users users, then resident memory"
    # wrk runs for a duration (thread:stop() does not end the run): runs long enough, at the rate
    # of the user run, until rss_requests were answered; the figure reported is the real count.
    local done_requests=0 rss_seconds part=0
    while ((done_requests < rss_requests)); do
        rss_seconds="$(awk -v n="$((rss_requests - done_requests))" -v r="$(field "$name-user" rps)" \
            'BEGIN { s = int(n / (r > 0 ? r : 1000) * 1.3) + 1; print (s < 2 ? 2 : (s > 90 ? 90 : s)) }')"
        part=$((part + 1))
        run_wrk "$name-rss-$part" user "$server_port" "$user_connections" "$rss_seconds"
        done_requests=$((done_requests + $(field "$name-rss-$part" requests)))
    done
    cp "$work/$name-rss-$part.json" "$work/$name-rss.json"
    cp "$work/$name-rss-$part.cpu" "$work/$name-rss.cpu"
    eval "${name}_rss_requests=$done_requests"
    eval "${name}_rss_kb=$(vm_status "$server_pid" VmRSS)"
    eval "${name}_hwm_kb=$(vm_status "$server_pid" VmHWM)"
    stop_server
}

# --- the run
progress "building bench_tool"
build_tool
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
cpu_model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
cores="$(nproc)"
progress "bcrypt cost $rounds: one hash"
hash_seconds="$("$work/bench_tool" bcrypt "$rounds" 5)"
bcrypt_limit="$(awk -v c="$cores" -v t="$hash_seconds" 'BEGIN { printf "%.2f", c / t }')"

for backend in $backends; do
    case $backend in
        sqlite) bench_backend sqlite "sqlite:///$work/bench.db" ;;
        postgres) bench_backend postgres "$CLOCKKO_TEST_POSTGRES_URL" ;;
        *) die "unknown backend $backend" ;;
    esac
done

startup_median="" startup_max="" startup_fresh=""
if [[ $backends == *sqlite* ]]; then
    progress "start-up on SQLite"
    time_startup() { # DATABASE_FILE RUNS -> "median worst" in ms
        local port
        port="$(free_port)"
        (cd "$work" && env DATABASE_URL="sqlite:///$1" SECRET_KEY="$secret" HOST=127.0.0.1 \
            PORT="$port" LOG_FORMAT=json "$work/bench_tool" startup "$port" "$2" -- "$bin" serve)
    }
    read -r startup_fresh _ <<<"$(time_startup "$work/fresh.db" 1)"
    read -r startup_median startup_max <<<"$(time_startup "$work/bench.db" 5)"
fi

# --- the report
date_stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
mkdir -p "$results_dir"
out="$results_dir/$date_stamp.json"
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == "ge") ? v >= t : v <= t; print ok ? "ok" : "MISSED" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

{
    printf '{"date":"%s","machine":{"nproc":%s,"cpu":"%s","kernel":"%s","load_average_start":"%s","load_average_end":"%s"},' \
        "$date_stamp" "$cores" "$cpu_model" "$(uname -r)" "$load_start" "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf '"settings":{"bcrypt_rounds":%s,"seconds":%s,"users":%s,"user_connections":%s,"login_connections":%s,"wrk_threads":%s},' \
        "$rounds" "$seconds" "$users" "$user_connections" "$login_connections" "$wrk_threads"
    printf '"bcrypt":{"seconds_per_hash":%s,"limit_per_second":%s},' "$hash_seconds" "$bcrypt_limit"
    if [[ -f $work/nginx.json ]]; then
        printf '"nginx":%s,' "$(scenario_json nginx)"
    fi
    for backend in $backends; do
        printf '"%s":{' "$backend"
        for scenario in user login mixed-user mixed-login register rss; do
            printf '"%s":%s,' "$scenario" "$(scenario_json "$backend-$scenario")"
        done
        rss_var="${backend}_rss_kb" hwm_var="${backend}_hwm_kb"
        requests_var="${backend}_rss_requests"
        printf '"rss_kb":%s,"hwm_kb":%s,"rss_after_requests":%s},' "${!rss_var}" "${!hwm_var}" "${!requests_var}"
    done
    printf '"startup_ms":{"median":%s,"max":%s,"fresh_database":%s}}\n' \
        "${startup_median:-null}" "${startup_max:-null}" "${startup_fresh:-null}"
} >"$out"

echo
echo "ClockKo bench $date_stamp — $cores × $cpu_model, bcrypt cost $rounds, ${seconds} s runs"
printf '%-26s %10s %9s %9s %7s %8s   %s\n' scenario req/s p50_ms p99_ms errors cpu_us "target → result"
row() { # LABEL NAME TARGET_TEXT
    printf '%-26s %10s %9s %9s %7s %8s   %s\n' "$1" "$(field "$2" rps)" "$(field "$2" p50_ms)" \
        "$(field "$2" p99_ms)" "$(errors "$2")" "$(cat "$work/$2.cpu")" "$3"
}
[[ -f $work/nginx.json ]] && row "nginx (reference)" nginx ""
printf '%-26s %10s   (one hash %s s × %s cores)\n' "bcrypt limit" "$bcrypt_limit" "$hash_seconds" "$cores"
for backend in $backends; do
    user_rps="$(field "$backend-user" rps)"
    user_p99="$(field "$backend-user" p99_ms)"
    share=0.40 && [[ $backend == postgres ]] && share=0.20
    if [[ -f $work/nginx.json ]]; then
        r="$(ratio "$user_rps" "$(field nginx rps)")"
        row "$backend user (64 conn)" "$backend-user" \
            "$r × nginx (≥ $share: $(verdict "$r" "$share" ge)); p99 ≤ 10 ms: $(verdict "$user_p99" 10 le)"
    else
        row "$backend user (64 conn)" "$backend-user" "p99 ≤ 10 ms: $(verdict "$user_p99" 10 le)"
    fi
    r="$(ratio "$(field "$backend-login" rps)" "$bcrypt_limit")"
    row "$backend login ($login_connections conn)" "$backend-login" "$r × bcrypt limit (≥ 0.90: $(verdict "$r" 0.90 ge))"
    r="$(ratio "$(field "$backend-mixed-user" rps)" "$user_rps")"
    p="$(ratio "$(field "$backend-mixed-user" p99_ms)" "$user_p99")"
    e="$(($(errors "$backend-mixed-user") + $(errors "$backend-mixed-login")))"
    row "$backend mixed: user" "$backend-mixed-user" \
        "$r × idle (≥ 0.50: $(verdict "$r" 0.50 ge)); p99 $p × idle (≤ 3: $(verdict "$p" 3 le)); errors $e"
    row "$backend mixed: login" "$backend-mixed-login" ""
    row "$backend register" "$backend-register" ""
    rss_var="${backend}_rss_kb" hwm_var="${backend}_hwm_kb" requests_var="${backend}_rss_requests"
    rss_mb="$(awk -v k="${!rss_var}" 'BEGIN { printf "%.1f", k / 1024 }')"
    printf '%-26s %10s MB (peak %s MB) after a run of %s requests over %s users (≤ 40: %s)\n' \
        "$backend memory" "$rss_mb" "$(awk -v k="${!hwm_var}" 'BEGIN { printf "%.1f", k / 1024 }')" \
        "${!requests_var}" "$users" "$(verdict "$rss_mb" 40 le)"
done
if [[ -n $startup_median ]]; then
    printf '%-26s %10s ms median, %s ms worst of 5; fresh database %s ms (≤ 100: %s)\n' \
        "start-up on SQLite" "$startup_median" "$startup_max" "$startup_fresh" \
        "$(verdict "$startup_max" 100 le)"
fi
echo "cpu_us: CPU time of the server (nginx: its workers) per request, in microseconds."
echo "Results: $out (took ${SECONDS} s)"
