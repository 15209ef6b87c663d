#!/usr/bin/python3
"""Writes the databases the original FastAPI backend would have left behind, for the adoption tests.

    /usr/bin/python3 tests/compat/make_fixtures.py          # rewrite tests/compat/fixtures/
    /usr/bin/python3 tests/compat/make_fixtures.py --check  # exit 1 if the committed files differ

Output (committed, so the C++ tests need no Python):
  fixtures/original_sqlite.sql    the SQLite DDL SQLAlchemy emits for the original User model, a
                                  `tasks` table of the same application, and rows written the way
                                  SQLAlchemy writes them (ids "%.32x", DATETIME text, 0/1 booleans)
  fixtures/original_postgres.sql  the same on PostgreSQL (UUID ids, TIMESTAMP WITHOUT TIME ZONE)
  fixtures/expectations.json      the secret, each user's password and what the tests expect,
                                  and access tokens made the way python-jose made them

Hashes come from passlib (Debian python3-passlib), exactly as the original's
CryptContext(schemes=["bcrypt"]) made them: $2b$, 12 rounds. Salts are derived from the user's
key so that the output is reproducible and --check can prove the committed files are what
passlib writes. Tokens are built the way python-jose 3.3 builds them (python-jose is not
packaged by Debian): header json.dumps({"alg", "typ"}, sort_keys, compact), payload
json.dumps(claims, compact) in insertion order, base64url without padding, HMAC-SHA256.
"""

import base64
import hashlib
import hmac
import json
import pathlib
import sys

from passlib.hash import bcrypt

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"

# The SECRET_KEY shared by the "old backend" and the test servers.
SECRET_KEY = "compat-fastapi-secret-key-shared-by-both-backends-0123456789"
OTHER_KEY = "a-key-the-old-backend-never-had-9876543210"
# 2100-01-01T00:00:00Z: an old token that is still valid when the tests run.
FAR_FUTURE = 4102444800
# 2024-03-01T00:00:00Z: an old token that has expired.
PAST = 1709251200

BCRYPT64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

# Every user the original backend could have left, with what each must show after adoption.
# `login_email` is what the user types today; `stored_email` is what the old backend kept.
USERS = [
    {
        "key": "capitals",
        "id": "3f1c2b8e-7d6a-4c59-9e2f-0a1b2c3d4e5f",
        "username": "olduser",
        "stored_email": "Old.User@Example.COM ",
        "login_email": "old.user@example.com",
        "full_name": "Old User",
        "phone_number": "+2348000000000",
        "password": "Password123",
        "otp": "482913",
        "otp_verified": False,
        "otp_expires_at": "2024-03-01 10:05:00.000000",
        "reset_token": "reset-token-in-clear",
        "reset_token_expires_at": "2024-03-01 11:00:00.000000",
        "is_active": True,
        "created_at": "2024-02-29 23:59:58.654321",
        "is_verified": False,
        "verification_token": "6f0a3c1e-5b2d-4e8f-9a7b-1c2d3e4f5a6b",
    },
    {
        "key": "leading_space",
        "id": "a4b5c6d7-e8f9-4a0b-8c1d-2e3f4a5b6c7d",
        "username": "Mixed_Case",
        "stored_email": "  Mixed.Case@Example.org",
        "login_email": "mixed.case@example.org",
        "full_name": "Chinedu O'Neil",
        "phone_number": None,
        "password": "correct horse battery staple",
        "otp": None,
        "otp_verified": True,
        "otp_expires_at": None,
        "reset_token": "another-reset-token",
        "reset_token_expires_at": "2024-05-02 08:00:00.000000",
        "is_active": True,
        "created_at": "2024-04-30 12:00:00.000000",
        "is_verified": True,
        "verification_token": None,
    },
    {
        # Made by hand or by an older model: SQLAlchemy's Python-side defaults never ran.
        "key": "null_booleans",
        "id": "0b9d6c9a-2f5e-4d3c-8b7a-695847362514",
        "username": "nulls",
        "stored_email": "nulls@example.com",
        "login_email": "nulls@example.com",
        "full_name": None,
        "phone_number": None,
        "password": "Nulls-4ever!",
        "otp": "000000",
        "otp_verified": None,
        "otp_expires_at": None,
        "reset_token": None,
        "reset_token_expires_at": None,
        "is_active": None,
        "created_at": "2024-01-15 08:30:00.000000",
        "is_verified": None,
        "verification_token": None,
    },
    {
        "key": "disabled",
        "id": "d15ab1ed-0000-4000-8000-00000000d00d",
        "username": "disabled",
        "stored_email": "Disabled@Example.com",
        "login_email": "disabled@example.com",
        "full_name": "Disabled Person",
        "phone_number": "+15550000000",
        "password": "Disabled#2024",
        "otp": None,
        "otp_verified": False,
        "otp_expires_at": None,
        "reset_token": None,
        "reset_token_expires_at": None,
        "is_active": False,
        "created_at": "2023-12-31 23:59:59.999999",
        "is_verified": True,
        "verification_token": None,
    },
    {
        "key": "unicode",
        "id": "7e57ab1e-1234-4cde-8f01-23456789abcd",
        "username": "adebayo",
        "stored_email": "adebayo@example.com",
        "login_email": "adebayo@example.com",
        "full_name": "Adébáyọ̀ Ọláńrewájú",
        "phone_number": "+2348123456789",
        "password": "pässwörd-ÜTF8-密码",
        "otp": "654321",
        "otp_verified": True,
        "otp_expires_at": "2024-06-01 09:10:00.000000",
        "reset_token": None,
        "reset_token_expires_at": None,
        "is_active": True,
        "created_at": "2024-06-01 09:00:00.000001",
        "is_verified": True,
        "verification_token": "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
    },
    {
        # Exactly bcrypt's limit: still a password the new service accepts whole.
        "key": "seventy_two_bytes",
        "id": "72727272-7272-4727-8727-727272727272",
        "username": "limit",
        "stored_email": "limit@example.com",
        "login_email": "limit@example.com",
        "full_name": None,
        "phone_number": None,
        "password": "L" * 70 + "!9",
        "otp": None,
        "otp_verified": False,
        "otp_expires_at": None,
        "reset_token": None,
        "reset_token_expires_at": None,
        "is_active": True,
        "created_at": "2024-07-07 07:07:07.000000",
        "is_verified": False,
        "verification_token": None,
    },
    {
        # passlib truncates silently at 72 bytes: the old backend accepted this 80-byte password
        # and hashed its first 72 bytes.
        "key": "over_72_bytes",
        "id": "80808080-8080-4808-8808-808080808080",
        "username": "longpass",
        "stored_email": "longpass@example.com",
        "login_email": "longpass@example.com",
        "full_name": None,
        "phone_number": None,
        "password": "a-generated-passphrase-" + "x" * 50 + "-tail-7",
        "otp": None,
        "otp_verified": False,
        "otp_expires_at": None,
        "reset_token": None,
        "reset_token_expires_at": None,
        "is_active": True,
        "created_at": "2024-08-08 08:08:08.000000",
        "is_verified": False,
        "verification_token": None,
    },
]

# Rows of another table of the original application, which adoption must leave alone.
TASKS = [
    (1, "capitals", "Ship it", "2024-03-01 09:00:00.000000", True),
    (2, "capitals", "Write the report", "2024-03-02 09:00:00.000000", False),
    (3, "unicode", "Ọjà: buy yams", "2024-06-02 10:00:00.000000", None),
]

CLEARED_COLUMNS = [
    "otp",
    "otp_expires_at",
    "reset_token",
    "reset_token_expires_at",
    "verification_token",
]

USER_COLUMNS = [
    "id",
    "username",
    "email",
    "full_name",
    "phone_number",
    "hashed_password",
    "otp",
    "otp_verified",
    "otp_expires_at",
    "reset_token",
    "reset_token_expires_at",
    "is_active",
    "created_at",
    "is_verified",
    "verification_token",
]


def salt_for(key):
    """22 bcrypt-base64 characters derived from the key; the last one carries only 2 bits."""
    digest = hashlib.sha256(("clockko-compat-salt:" + key).encode()).digest()
    chars = [BCRYPT64[b % 64] for b in digest[:21]]
    chars.append(".Oeu"[digest[21] % 4])
    return "".join(chars)


def passlib_hash(user):
    # The original: CryptContext(schemes=["bcrypt"]).hash(password) -> $2b$, 12 rounds.
    return bcrypt.using(rounds=12, ident="2b", salt=salt_for(user["key"])).hash(user["password"])


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jose_token(claims, key):
    """What jose.jwt.encode(claims, key, algorithm="HS256") returns."""
    header = json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":"), sort_keys=True)
    payload = json.dumps(claims, separators=(",", ":"))
    signing_input = b64url(header.encode("utf-8")) + "." + b64url(payload.encode("utf-8"))
    signature = hmac.new(key.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256)
    return signing_input + "." + b64url(signature.digest())


def compact(uuid_text):
    return uuid_text.replace("-", "")


def quote(value):
    return "'" + value.replace("'", "''") + "'"


def sqlite_value(column, value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if column in ("id", "user_id"):
        return quote(compact(value))
    return quote(value)


def postgres_value(column, value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    return quote(value)


def user_row(user):
    row = {column: user.get(column) for column in USER_COLUMNS}
    row["email"] = user["stored_email"]
    row["hashed_password"] = user["hashed_password"]
    return row


HEADER = """\
-- GENERATED by tests/compat/make_fixtures.py: do not edit; run the script instead.
-- A database as the original FastAPI backend left it on {engine}: the DDL SQLAlchemy emits for
-- its User model ({id_note}; `index=True` on id; `unique=True, index=True` on email;
-- `unique=True` on verification_token), another table of that application, and rows as
-- SQLAlchemy writes them. Hashes by passlib ($2b$, 12 rounds).
"""

SQLITE_DDL = """\
CREATE TABLE users (
\tid CHAR(32) NOT NULL,
\tusername VARCHAR NOT NULL,
\temail VARCHAR NOT NULL,
\tfull_name VARCHAR,
\tphone_number VARCHAR,
\thashed_password VARCHAR NOT NULL,
\totp VARCHAR,
\totp_verified BOOLEAN,
\totp_expires_at DATETIME,
\treset_token VARCHAR,
\treset_token_expires_at DATETIME,
\tis_active BOOLEAN,
\tcreated_at DATETIME,
\tis_verified BOOLEAN,
\tverification_token VARCHAR,
\tPRIMARY KEY (id),
\tUNIQUE (username),
\tUNIQUE (verification_token)
);
CREATE INDEX ix_users_id ON users (id);
CREATE UNIQUE INDEX ix_users_email ON users (email);

CREATE TABLE tasks (
\tid INTEGER NOT NULL,
\tuser_id CHAR(32) NOT NULL,
\ttitle VARCHAR NOT NULL,
\tcreated_at DATETIME,
\tcompleted BOOLEAN,
\tPRIMARY KEY (id),
\tFOREIGN KEY(user_id) REFERENCES users (id)
);
"""

POSTGRES_DDL = """\
CREATE TABLE users (
\tid UUID NOT NULL,
\tusername VARCHAR NOT NULL,
\temail VARCHAR NOT NULL,
\tfull_name VARCHAR,
\tphone_number VARCHAR,
\thashed_password VARCHAR NOT NULL,
\totp VARCHAR,
\totp_verified BOOLEAN,
\totp_expires_at TIMESTAMP WITHOUT TIME ZONE,
\treset_token VARCHAR,
\treset_token_expires_at TIMESTAMP WITHOUT TIME ZONE,
\tis_active BOOLEAN,
\tcreated_at TIMESTAMP WITHOUT TIME ZONE,
\tis_verified BOOLEAN,
\tverification_token VARCHAR,
\tPRIMARY KEY (id),
\tUNIQUE (username),
\tUNIQUE (verification_token)
);
CREATE INDEX ix_users_id ON users (id);
CREATE UNIQUE INDEX ix_users_email ON users (email);

CREATE TABLE tasks (
\tid SERIAL NOT NULL,
\tuser_id UUID NOT NULL,
\ttitle VARCHAR NOT NULL,
\tcreated_at TIMESTAMP WITHOUT TIME ZONE,
\tcompleted BOOLEAN,
\tPRIMARY KEY (id),
\tFOREIGN KEY(user_id) REFERENCES users (id)
);
"""


def render_sql(engine, users):
    value = sqlite_value if engine == "sqlite" else postgres_value
    lines = [
        HEADER.format(
            engine="SQLite" if engine == "sqlite" else "PostgreSQL",
            id_note="GUID as CHAR(32) holding 32 hex digits"
            if engine == "sqlite"
            else "GUID as UUID",
        ),
        SQLITE_DDL if engine == "sqlite" else POSTGRES_DDL,
    ]
    for user in users:
        row = user_row(user)
        lines.append(
            "INSERT INTO users ({}) VALUES ({});".format(
                ", ".join(USER_COLUMNS),
                ", ".join(value(column, row[column]) for column in USER_COLUMNS),
            )
        )
    lines.append("")
    by_key = {user["key"]: user for user in users}
    for task_id, owner, title, created_at, completed in TASKS:
        lines.append(
            "INSERT INTO tasks (id, user_id, title, created_at, completed) "
            "VALUES ({}, {}, {}, {}, {});".format(
                task_id,
                value("user_id", by_key[owner]["id"]),
                value("title", title),
                value("created_at", created_at),
                value("completed", completed),
            )
        )
    if engine == "postgres":
        # As if the application had inserted them through the sequence.
        lines.append("SELECT setval('tasks_id_seq', {});".format(len(TASKS)))
    return "\n".join(lines) + "\n"


def render_expectations(users):
    entries = []
    for user in users:
        entry = {
            "key": user["key"],
            "id": user["id"],
            "compact_id": compact(user["id"]),
            "username": user["username"],
            "stored_email": user["stored_email"],
            "login_email": user["login_email"],
            "full_name": user["full_name"],
            "phone_number": user["phone_number"],
            "password": user["password"],
            "hashed_password": user["hashed_password"],
            # What the new service must report (NULL booleans read as the model's defaults).
            "is_active": True if user["is_active"] is None else user["is_active"],
            "is_verified": bool(user["is_verified"]),
            "otp_verified": bool(user["otp_verified"]),
            "password_over_72_bytes": len(user["password"].encode("utf-8")) > 72,
            # jose.jwt.encode({"sub": str(user.id), "exp": ...}, SECRET_KEY, "HS256")
            "old_token": jose_token({"sub": user["id"], "exp": FAR_FUTURE}, SECRET_KEY),
            "expired_old_token": jose_token({"sub": user["id"], "exp": PAST}, SECRET_KEY),
            "old_token_compact_sub": jose_token(
                {"sub": compact(user["id"]), "exp": FAR_FUTURE}, SECRET_KEY
            ),
            "foreign_key_token": jose_token({"sub": user["id"], "exp": FAR_FUTURE}, OTHER_KEY),
        }
        entries.append(entry)
    document = {
        "generated_by": "tests/compat/make_fixtures.py",
        "secret_key": SECRET_KEY,
        "cleared_columns": CLEARED_COLUMNS,
        "user_columns": USER_COLUMNS,
        "task_count": len(TASKS),
        "users": entries,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def outputs():
    users = []
    for user in USERS:
        with_hash = dict(user)
        with_hash["hashed_password"] = passlib_hash(user)
        # The hash must verify the way the original verified it (and, for the long password,
        # through passlib's silent truncation).
        assert bcrypt.verify(user["password"], with_hash["hashed_password"]), user["key"]
        users.append(with_hash)
    return {
        "original_sqlite.sql": render_sql("sqlite", users),
        "original_postgres.sql": render_sql("postgres", users),
        "expectations.json": render_expectations(users),
    }


def main(argv):
    check = "--check" in argv[1:]
    stale = []
    for name, text in outputs().items():
        path = FIXTURES / name
        if check:
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current != text:
                stale.append(name)
        else:
            FIXTURES.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print(
            "stale fixtures: {} (run /usr/bin/python3 tests/compat/make_fixtures.py)".format(
                ", ".join(stale)
            ),
            file=sys.stderr,
        )
        return 1
    print("fixtures {}".format("up to date" if check else "written to " + str(FIXTURES)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
