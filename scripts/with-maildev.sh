#!/usr/bin/env bash
# Usage: scripts/with-maildev.sh COMMAND [ARG...]
#
# Runs COMMAND with a throwaway MailDev (npm `maildev`, from node_modules) listening on free
# loopback ports, and exports for it:
#   CLOCKKO_TEST_MAILDEV_SMTP_PORT  the SMTP port
#   CLOCKKO_TEST_MAILDEV_WEB_PORT   the web/REST port (GET /api/email lists the messages)
#   CLOCKKO_TEST_MAILDEV_URL        http://127.0.0.1:<web port>
# MailDev is stopped whatever happens; the exit status is COMMAND's.
# MAILDEV_BIN overrides the MailDev executable (default: node_modules/.bin/maildev).
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
maildev="${MAILDEV_BIN:-$root/node_modules/.bin/maildev}"
if [[ ! -x $maildev ]]; then
    echo "with-maildev.sh: $maildev not found (run 'npm ci' in $root)" >&2
    exit 127
fi

readonly start_timeout_seconds=20
readonly start_attempts=3
maildev_pid=""
# MailDev's log and the messages it keeps on disk (otherwise under /tmp/maildev, forever).
work_dir="$(mktemp -d "${TMPDIR:-/tmp}/with-maildev.XXXXXX")"
log_file="$work_dir/maildev.log"

stop_maildev() {
    if [[ -n $maildev_pid ]] && kill -0 "$maildev_pid" 2>/dev/null; then
        kill "$maildev_pid" 2>/dev/null || true
        wait "$maildev_pid" 2>/dev/null || true
    fi
    maildev_pid=""
}

# shellcheck disable=SC2317  # reached through the EXIT trap
cleanup() {
    stop_maildev
    rm -rf "$work_dir"
}
# On INT/TERM: pass the signal on to COMMAND, then leave (the EXIT trap stops MailDev).
# shellcheck disable=SC2317  # reached through the traps
forward_signal() {
    if [[ -n $command_pid ]]; then
        kill -"$1" "$command_pid" 2>/dev/null || true
    fi
    exit "$2"
}
command_pid=""
trap cleanup EXIT
trap 'forward_signal INT 130' INT
trap 'forward_signal TERM 143' TERM

# A port the kernel reports free on 127.0.0.1. Another process may take it before MailDev
# binds, hence the retries below.
free_port() {
    node -e 'const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# Waits until MailDev answers its health check; fails if it exits or the time runs out.
wait_healthy() {
    local web_port="$1" deadline=$((SECONDS + start_timeout_seconds))
    while ((SECONDS < deadline)); do
        if ! kill -0 "$maildev_pid" 2>/dev/null; then
            return 1
        fi
        if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$web_port/api/healthz" 2>/dev/null; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}

started=false
for ((attempt = 1; attempt <= start_attempts; attempt++)); do
    smtp_port="$(free_port)"
    web_port="$(free_port)"
    if [[ $smtp_port == "$web_port" ]]; then
        continue
    fi
    "$maildev" --ip 127.0.0.1 --web-ip 127.0.0.1 --smtp "$smtp_port" --web "$web_port" \
        --mail-directory "$work_dir/mail" >"$log_file" 2>&1 &
    maildev_pid=$!
    if wait_healthy "$web_port"; then
        started=true
        break
    fi
    echo "with-maildev.sh: MailDev did not start (attempt $attempt):" >&2
    cat "$log_file" >&2
    stop_maildev
done
if [[ $started != true ]]; then
    echo "with-maildev.sh: giving up on MailDev" >&2
    exit 1
fi

export CLOCKKO_TEST_MAILDEV_SMTP_PORT="$smtp_port"
export CLOCKKO_TEST_MAILDEV_WEB_PORT="$web_port"
export CLOCKKO_TEST_MAILDEV_URL="http://127.0.0.1:$web_port"
echo "with-maildev.sh: MailDev on SMTP 127.0.0.1:$smtp_port, web $CLOCKKO_TEST_MAILDEV_URL" >&2

# In the background so that a signal reaches the traps at once (bash defers traps until a
# foreground command ends); stdin stays the caller's.
"$@" <&0 &
command_pid=$!
status=0
wait "$command_pid" || status=$?
command_pid=""
exit "$status"
