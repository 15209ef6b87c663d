#!/usr/bin/python3
"""Checks, the way the original FastAPI backend would read them, values the new service wrote.

    /usr/bin/python3 old_backend_check.py INPUT.json

INPUT.json: {"secret_key": "...",
             "hashes": [{"label", "password", "hash"}],       # passlib must verify each
             "tokens": [{"label", "token", "sub"}],             # python-jose must accept each
             "ids": ["..."],                                    # SQLAlchemy's GUID must parse each
             "sqlite_datetimes": ["..."],                       # SQLAlchemy's SQLite DATETIME
             "sqlite_booleans": ["0", "1", ...]}                # SQLAlchemy's SQLite Boolean
Prints one line per problem and exits 1 if there is any; used by the rollback test, so that a
rollback to the old service is known to keep working on what the new one wrote.
"""

import base64
import calendar
import datetime
import hashlib
import hmac
import json
import re
import sys
import uuid

from passlib.context import CryptContext

# The original's security.py.
PWD_CONTEXT = CryptContext(schemes=["bcrypt"], deprecated="auto")

# SQLAlchemy's default storage format for DATETIME on SQLite (it also reads it back with this).
SQLITE_DATETIME = re.compile(r"^(\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)(?:\.(\d{1,6}))?$")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jose_decode(token, key):
    """What jose.jwt.decode(token, key, algorithms=["HS256"]) checks, for an HS256 token."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(b64url_decode(header_b64))
    if header.get("alg") != "HS256":
        raise ValueError("algorithm %r not allowed" % header.get("alg"))
    expected = hmac.new(
        key.encode("utf-8"), (header_b64 + "." + payload_b64).encode("ascii"), hashlib.sha256
    ).digest()
    if not hmac.compare_digest(expected, b64url_decode(signature_b64)):
        raise ValueError("signature verification failed")
    claims = json.loads(b64url_decode(payload_b64))
    now = calendar.timegm(datetime.datetime.utcnow().utctimetuple())
    for name in ("iat", "nbf", "exp"):
        if name in claims and not isinstance(claims[name], int):
            raise ValueError("%s claim must be an integer" % name)
    if "nbf" in claims and claims["nbf"] > now:
        raise ValueError("token not yet valid")
    if "exp" in claims and claims["exp"] <= now:
        raise ValueError("signature has expired")
    for name in ("sub", "jti"):
        if name in claims and not isinstance(claims[name], str):
            raise ValueError("%s claim must be a string" % name)
    return claims


def main(path):
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    problems = []
    for item in data.get("hashes", []):
        try:
            if not PWD_CONTEXT.verify(item["password"], item["hash"]):
                problems.append("%s: passlib does not verify the hash" % item["label"])
        except ValueError as error:
            problems.append("%s: passlib refuses the hash: %s" % (item["label"], error))
    for item in data.get("tokens", []):
        try:
            claims = jose_decode(item["token"], data["secret_key"])
            # The original's get_current_user: UUID(payload.get("sub")).
            if uuid.UUID(claims.get("sub")) != uuid.UUID(item["sub"]):
                problems.append("%s: sub names another user" % item["label"])
        except (ValueError, TypeError, KeyError) as error:
            problems.append("%s: the old backend rejects the token: %s" % (item["label"], error))
    for value in data.get("ids", []):
        try:
            uuid.UUID(value)
        except ValueError:
            problems.append("id %r is not a UUID SQLAlchemy's GUID type can read" % value)
    for value in data.get("sqlite_datetimes", []):
        if not SQLITE_DATETIME.match(value):
            problems.append("DATETIME %r is not in SQLAlchemy's SQLite format" % value)
    for value in data.get("sqlite_booleans", []):
        if value not in ("0", "1"):
            problems.append("boolean %r is not 0 or 1" % value)
    for problem in problems:
        print(problem)
    print("%d problem(s)" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
