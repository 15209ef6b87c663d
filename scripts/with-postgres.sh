#!/usr/bin/env bash
# Runs COMMAND... against a throwaway PostgreSQL 15 cluster, then stops and deletes it whatever
# happens, and exits with COMMAND's exit code.
#
#   scripts/with-postgres.sh ctest --test-dir build -R Store --output-on-failure
#
# The cluster listens on a free port on 127.0.0.1 only. COMMAND sees
#   CLOCKKO_TEST_POSTGRES_URL=postgresql://clockko:<percent-encoded password>@127.0.0.1:PORT/clockko_test
# The password contains '@', '/', ':', '#' and '%' on purpose: clients must percent-decode it.
# Environment: CLOCKKO_PG_BIN (default /usr/lib/postgresql/15/bin).
set -euo pipefail

readonly pg_bin="${CLOCKKO_PG_BIN:-/usr/lib/postgresql/15/bin}"
readonly db_user="clockko"
readonly db_name="clockko_test"
readonly db_password='p@ss/w:rd#%'

die() {
    echo "with-postgres.sh: $*" >&2
    exit 2
}

if [[ $# -eq 0 ]]; then
    die "usage: scripts/with-postgres.sh COMMAND [ARGS...]"
fi
for tool in initdb pg_ctl psql; do
    if [[ ! -x "${pg_bin}/${tool}" ]]; then
        die "PostgreSQL 15 server not found (${pg_bin}/${tool} is missing); install it with: apt-get install postgresql-15 (scripts/install-deps.sh does)"
    fi
done

# initdb and pg_ctl refuse to run as root: as root, the cluster belongs to the postgres user.
if [[ ${EUID} -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' system user (installed with postgresql-15)"
    as_owner() { runuser -u postgres -- "$@"; }
else
    as_owner() { "$@"; }
fi

# Percent-encodes every byte outside RFC 3986's unreserved set.
url_encode() {
    local text="$1" out="" char i
    local LC_ALL=C
    for ((i = 0; i < ${#text}; i++)); do
        char="${text:i:1}"
        case "${char}" in
        [A-Za-z0-9._~-]) out+="${char}" ;;
        *) out+=$(printf '%%%02X' "'${char}") ;;
        esac
    done
    printf '%s' "${out}"
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/clockko-pg.XXXXXX")"
readonly work_dir data_dir="${work_dir}/data" server_log="${work_dir}/server.log"
started=0

# shellcheck disable=SC2317  # called by the EXIT trap, which shellcheck 0.9 cannot see
cleanup() {
    if [[ ${started} -eq 1 ]]; then
        as_owner "${pg_bin}/pg_ctl" -D "${data_dir}" -m immediate -w stop >/dev/null 2>&1 ||
            echo "with-postgres.sh: stopping the cluster failed" >&2
    fi
    rm -rf "${work_dir}"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ${EUID} -eq 0 ]]; then
    chown postgres: "${work_dir}"
fi

as_owner "${pg_bin}/initdb" -D "${data_dir}" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"${work_dir}/initdb.log" 2>&1 ||
    { cat "${work_dir}/initdb.log" >&2; die "initdb failed"; }

# A throwaway cluster needs no durability; the socket lives in the private work folder.
as_owner tee -a "${data_dir}/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '${work_dir}'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
CONF

# A port that looks free can be taken before the server binds it: try a few.
port=""
for _ in 1 2 3 4 5; do
    candidate=$((20000 + RANDOM % 40000))
    if port_in_use "${candidate}"; then
        continue
    fi
    if as_owner "${pg_bin}/pg_ctl" -D "${data_dir}" -l "${server_log}" -o "-p ${candidate}" \
        -w -t 30 start >/dev/null; then
        started=1
        port="${candidate}"
        break
    fi
done
if [[ -z "${port}" ]]; then
    [[ -f "${server_log}" ]] && tail -n 20 "${server_log}" >&2
    die "could not start PostgreSQL on a free loopback port"
fi

# The password goes in as a psql variable (quoted by psql), never spliced into SQL text.
as_owner "${pg_bin}/psql" -h "${work_dir}" -p "${port}" -U postgres -d postgres -q \
    -v ON_ERROR_STOP=1 -v user="${db_user}" -v password="${db_password}" -v db="${db_name}" \
    >/dev/null <<'SQL' || die "creating the test role and database failed"
CREATE ROLE :"user" LOGIN PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"user";
SQL

CLOCKKO_TEST_POSTGRES_URL="postgresql://${db_user}:$(url_encode "${db_password}")@127.0.0.1:${port}/${db_name}"
export CLOCKKO_TEST_POSTGRES_URL
echo "with-postgres.sh: PostgreSQL 15 on 127.0.0.1:${port}, database ${db_name}" >&2

# In the background so that a TERM or INT to this script is handled at once (bash runs traps
# only between foreground commands): it is passed on to COMMAND, and the cluster is removed once
# COMMAND has ended. The explicit <&0 keeps COMMAND's standard input.
"$@" <&0 &
child=$!
trap 'kill -TERM "${child}" 2>/dev/null || true' TERM
trap 'kill -INT "${child}" 2>/dev/null || true' INT
status=0
# wait returns early (status > 128) when a trapped signal arrives; wait again until COMMAND ends.
until wait "${child}"; status=$?; ! kill -0 "${child}" 2>/dev/null; do :; done
exit "${status}"
