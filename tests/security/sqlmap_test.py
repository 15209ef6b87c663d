#!/usr/bin/python3
"""sqlmap (Debian's package, a tool no one here wrote) against the real binary (issue 4).

    sqlmap_test.py sqlite|postgres|control

Starts `clockko serve` (CLOCKKO_SERVER_BINARY) on a free loopback port over a fresh SQLite file or
a fresh PostgreSQL schema (made in the database of CLOCKKO_TEST_POSTGRES_URL, dropped after),
with throttling turned up so that every request reaches the SQL path, then runs sqlmap --batch on
POST /api/auth/register and POST /api/auth/login with JSON bodies, the email, password and
username values marked as injection points. Passes only when sqlmap finished, found no injectable
parameter, and the server's access log shows the requests it sent.

`control` is the positive control: the same sqlmap settings against a tiny deliberately
injectable login (Python, in this process) must report the injection, so that the clean reports
above can be trusted.

Exit 77 (ctest: skipped) for postgres without CLOCKKO_TEST_POSTGRES_URL, unless
CLOCKKO_REQUIRE_POSTGRES=1 makes that a failure. SQLMAP_LEVEL, SQLMAP_RISK, SQLMAP_TECHNIQUE and
SQLMAP_TIME_SEC override the settings below (for a longer, deeper run by hand); SQLMAP_KEEP=1
keeps the server log and sqlmap's output (they are always kept when the test fails).
"""
import json
import os
import pathlib
import re
import secrets
import shutil
import socket
import sqlite3
import threading
import http.server
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

SKIP = 77
# Why these settings (measured on 2 shared cores, ASan binary: about 30 s on SQLite, 60 s on
# PostgreSQL, 10 s for the control):
# - level 5, risk 3: sqlmap's most thorough payload set (every prefix/suffix boundary, OR-based
#   and heavy-query payloads); affordable because of the two choices below. The databases are
#   throwaway, so risk 3's payloads that could change rows do no harm.
# - --dbms: the backend is known, so only its payloads are sent (an attacker fingerprints first);
#   this divides the run by the number of other DBMSes without weakening the test for ours.
# - techniques BEUST (all but inline queries, which need a SELECT context a JSON value never is)
#   and --time-sec 2: a time-based payload that worked would stall a response by 2 s, far above
#   the server's few milliseconds, so detection stays reliable while non-injectable checks stay
#   short (sqlmap only waits the full delay when a payload really delays).
LEVEL = os.environ.get("SQLMAP_LEVEL", "5")
RISK = os.environ.get("SQLMAP_RISK", "3")
TECHNIQUE = os.environ.get("SQLMAP_TECHNIQUE", "BEUST")
TIME_SEC = os.environ.get("SQLMAP_TIME_SEC", "2")
DBMS = "SQLite"  # set by main() for the backend under test
MIN_REQUESTS = 100  # far fewer than sqlmap sends per endpoint: a run that did not test fails


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(url, sql):
    subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-q", "-d", url, "-c", sql], check=True,
                   stdout=subprocess.DEVNULL)


def with_schema(url, schema):
    """The URL with search_path set to `schema` (as tests/integration/test_database.cpp does)."""
    return url + ("&" if "?" in url else "?") + "options=-csearch_path%3D" + schema


def wait_healthy(base, server, log_path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            fail("the server exited: " + log_path.read_text()[-2000:])
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    fail("the server did not answer /health within 60 s")


def register(base, body):
    request = urllib.request.Request(base + "/api/auth/register", json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status != 201:
            fail("could not register " + body["email"])


def sqlmap(name, url, body, work):
    """Runs sqlmap; returns (its output, the injection findings it reports)."""
    output = work / ("sqlmap-" + name)
    command = [
        "sqlmap", "-u", url, "--method", "POST", "--data", json.dumps(body),
        "-H", "Content-Type: application/json", "--batch", "--flush-session",
        "--disable-coloring", "--output-dir", str(output), "--level", LEVEL, "--risk", RISK,
        "--technique", TECHNIQUE, "--time-sec", TIME_SEC, "--dbms", DBMS, "--timeout", "10",
        "--retries", "1", "--skip-waf", "--ignore-code", "401",
    ]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, timeout=900,
                            env={**os.environ, "HOME": str(work)}, stdin=subprocess.DEVNULL)
    text = result.stdout + result.stderr
    (work / ("sqlmap-" + name + ".txt")).write_text(text)
    print(f"sqlmap {name}: exit {result.returncode}, {time.monotonic() - started:.0f} s")
    # sqlmap's positive findings: "parameter 'X' appears to be '<technique>' injectable",
    # "... is vulnerable", "identified the following injection point(s)", and a heuristic "might
    # be injectable"; in multiple-targets mode (stdin is not a terminal) each injection point is
    # also a row of results-*.csv, and the target's log file is no longer empty.
    positive = re.compile(r"(appears|seems) to be '.*' injectable|is vulnerable|"
                          r"identified the following injection point|might be injectable")
    findings = [match.group(0) for match in positive.finditer(text)]
    for csv_file in output.glob("results-*.csv"):
        findings += [line for line in csv_file.read_text().splitlines()[1:] if line.strip()]
    for log_file in output.glob("*/log"):
        if log_file.read_text().strip():
            findings.append("log: " + log_file.read_text()[:500])
    return text, findings


def expect_clean(name, url, body, work):
    started = time.monotonic()
    text, findings = sqlmap(name, url, body, work)
    if findings:
        print(text[-6000:])
        fail(f"sqlmap reports injection on {name}: {findings}")
    if "do not appear to be injectable" not in text:
        print(text[-6000:])
        fail(f"sqlmap did not finish its tests on {name}")
    return time.monotonic() - started


class VulnerableLogin(http.server.BaseHTTPRequestHandler):
    """The positive control: a login that pastes the email into its SQL, as no one should."""

    database = None

    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length", "0"))
        try:
            email = json.loads(self.rfile.read(length)).get("email", "")
            rows = self.database.execute(
                "SELECT id FROM users WHERE email = '" + str(email) + "'").fetchall()
            status, reply = (200, b'{"ok":true}') if rows else (401, b'{"detail":"no"}')
        except (sqlite3.Error, ValueError, AttributeError):
            status, reply = 500, b'{"detail":"error"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


def positive_control(work):
    """sqlmap with these settings must find the injection of VulnerableLogin: otherwise a clean
    report from the real server would prove nothing (wrong flags, sqlmap broken, output changed)."""
    global DBMS
    DBMS = "SQLite"
    database = sqlite3.connect(":memory:", check_same_thread=False)
    database.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
    database.execute("INSERT INTO users (email) VALUES ('victim@example.com')")
    VulnerableLogin.database = database
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), VulnerableLogin)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/api/auth/login"
        text, findings = sqlmap("control", url, {"email": "victim@example.com*"}, work)
    finally:
        server.shutdown()
    if not findings:
        print(text[-6000:])
        fail("sqlmap found nothing in the deliberately injectable control server")
    print(f"positive control: sqlmap found {len(findings)} finding(s) in the injectable server")
    return 0


def count_requests(log_path, path):
    count = 0
    for line in log_path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("msg") == "request" and entry.get("path") == path:
            count += 1
    return count


def main():
    global DBMS
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    binary = os.environ.get("CLOCKKO_SERVER_BINARY") or fail("CLOCKKO_SERVER_BINARY is unset")
    binary = os.path.abspath(binary)
    work = pathlib.Path(tempfile.mkdtemp(prefix="clockko-sqlmap-"))
    admin_url = os.environ.get("CLOCKKO_TEST_POSTGRES_URL", "")
    schema = "clockko_sqlmap_" + secrets.token_hex(4)
    if backend == "control":
        status = positive_control(work)
        shutil.rmtree(work, ignore_errors=True)
        return status
    if backend == "postgres":
        if not admin_url:
            if os.environ.get("CLOCKKO_REQUIRE_POSTGRES") == "1":
                shutil.rmtree(work, ignore_errors=True)
                fail("CLOCKKO_TEST_POSTGRES_URL is unset and CLOCKKO_REQUIRE_POSTGRES=1")
            print("skipped: CLOCKKO_TEST_POSTGRES_URL is unset")
            shutil.rmtree(work, ignore_errors=True)
            return SKIP
        DBMS = "PostgreSQL"
        psql(admin_url, f'CREATE SCHEMA "{schema}"')
        database_url = with_schema(admin_url, schema)
    else:
        DBMS = "SQLite"
        database_url = "sqlite:///" + str(work / "sqlmap.db")
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(32), "HOST": "127.0.0.1",
        "PORT": str(port), "APP_ENV": "development", "LOG_FORMAT": "json", "LOG_LEVEL": "info",
        "BCRYPT_ROUNDS": "4", "DB_CONNECT_TIMEOUT_SECONDS": "10",
        # High limits: sqlmap sends thousands of requests from one address to a few accounts.
        "LOGIN_MAX_FAILURES": "1000000000", "LOGIN_MAX_FAILURES_ACCOUNT": "1000000000",
        "LOGIN_MAX_FAILURES_ADDRESS": "1000000000", "CODE_RESEND_SECONDS": "0",
        "CODE_MAX_PER_HOUR": "1000000000",
        "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "detect_leaks=1"),
        "UBSAN_OPTIONS": os.environ.get("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1"),
    }
    log_path = work / "server.log"
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "w") as log:
        server = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT,
                                  cwd=work)
    try:
        wait_healthy(base, server, log_path)
        # Real accounts: login's SQL path is then the one of a known email, and the register
        # baseline is a stable 409 rather than a 201 once and 409 after.
        for email in ("victim@example.com", "sqlmap@example.com"):
            register(base, {"email": email, "password": "Sqlmap-Victim-42"})
        elapsed = expect_clean("register", base + "/api/auth/register", {
            "email": "sqlmap@example.com*", "password": "Sqlmap-Pass-42*", "username": "sqlmap*"},
            work)
        elapsed += expect_clean("login", base + "/api/auth/login", {
            "email": "victim@example.com*", "password": "Wrong-Password-42*"}, work)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if backend == "postgres":
            psql(admin_url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    if server.returncode not in (0, -15):
        fail(f"the server exited with {server.returncode}: " + log_path.read_text()[-3000:])
    for path in ("/api/auth/register", "/api/auth/login"):
        seen = count_requests(log_path, path)
        print(f"server access log: {seen} requests to {path}")
        if seen < MIN_REQUESTS:
            fail(f"only {seen} requests to {path} reached the server: sqlmap did not really test")
    if "Internal Server Error" in log_path.read_text() or '"status":500' in log_path.read_text():
        fail("sqlmap's payloads produced a 500: see " + str(log_path))
    print(f"no injection found on {backend} (level {LEVEL}, risk {RISK}, {TECHNIQUE}, "
          f"time-sec {TIME_SEC}) in {elapsed:.0f} s")
    if os.environ.get("SQLMAP_KEEP") == "1":
        print(f"logs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
