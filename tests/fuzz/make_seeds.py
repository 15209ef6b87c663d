#!/usr/bin/env python3
"""Writes the committed seed corpus of tests/fuzz (corpus/<target>/<name>): small, valid-looking
inputs that reach each branch the fuzzers should start from. Run it again after changing a target's
input format; run-fuzz.sh never writes to these folders."""
import base64
import hashlib
import hmac
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent / "corpus"
KEY = b"fuzzing-secret-key-of-32-bytes!!"  # fuzz_jwt.cpp kKey
NOW = 1_800_000_000  # fuzz_jwt.cpp kNow


def write(target, name, data):
    folder = HERE / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def token(claims, alg="HS256", key=KEY):
    header = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims).encode())
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    signature = b64(hmac.new(key, header + b"." + payload, digest).digest())
    return header + b"." + payload + b"." + signature


def request(method, target, headers=(), body=b""):
    lines = [f"{method} {target} HTTP/1.1", "Host: localhost:8000", *headers]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def http_seeds():
    register = json.dumps({"email": "Ada@Example.com", "password": "Password123",
                           "username": "ada", "full_name": "Ada L"}).encode()
    login = json.dumps({"email": "ada@example.com", "password": "Password123"}).encode()
    json_type = "Content-Type: application/json"
    write("fuzz_http_request", "get_root", request("GET", "/"))
    write("fuzz_http_request", "health_ready", request("GET", "/health/ready"))
    write("fuzz_http_request", "register_then_login",
          request("POST", "/api/auth/register", [json_type], register)
          + request("POST", "/api/auth/login", [json_type], login))
    write("fuzz_http_request", "login_form",
          request("POST", "/api/auth/login", ["Content-Type: application/x-www-form-urlencoded"],
                  b"username=ada%40example.com&password=Password123&grant_type=password"))
    write("fuzz_http_request", "user_bearer",
          request("GET", "/api/auth/user?x=1", [
              "Authorization: Bearer " + token({"sub": "u1", "exp": NOW + 60}).decode(),
              "X-Request-ID: abc.123:def", "X-Forwarded-For: 198.51.100.7, 192.0.2.5"]))
    write("fuzz_http_request", "chunked_verify",
          b"POST /api/auth/verify-email HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          b"Transfer-Encoding: chunked\r\n\r\n1a\r\n{\"email\":\"a@b.co\",\"otp\":\"1\r\n"
          b"7\r\n23456\"}\r\n0\r\n\r\n")
    write("fuzz_http_request", "preflight",
          request("OPTIONS", "/api/auth/login", ["Origin: http://localhost:3000",
                                                 "Access-Control-Request-Method: POST",
                                                 "Access-Control-Request-Headers: content-type"]))
    write("fuzz_http_request", "reset_expect_continue",
          request("POST", "http://localhost/api/auth/reset-password",
                  [json_type, "Expect: 100-continue", "Connection: close"],
                  b'{"email":"a@b.co","otp":"123456","new_password":"Another-pass-1"}'))
    write("fuzz_http_request", "wrong_method_head_docs",
          request("DELETE", "/api/auth/register") + request("HEAD", "/docs")
          + request("GET", "/openapi.json"))
    write("fuzz_http_request", "headers_too_large",
          request("GET", "/health", ["X-Padding: " + "p" * 17000]))
    write("fuzz_http_request", "body_too_large_declared",
          b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          b"Content-Length: 70000\r\n\r\n{}")
    write("fuzz_http_request", "forgot_http10",
          b"POST /api/auth/forgot-password HTTP/1.0\r\nContent-Type: application/json\r\n"
          b"Content-Length: 19\r\n\r\n{\"email\":\"a@b.co\"}\n")


def body_seeds():
    selectors = {"register": 0, "login_json": 1, "login_form": 2, "email": 3, "verify": 4,
                 "reset": 5}
    bodies = {
        "register": '{"email":"a@b.co","password":"Password123","username":"x","name":"N",'
                    '"full_name":null,"phone_number":"+44 1"}',
        "login_json": '{"email":"a@b.co","password":"p\\u00e9ss\\ud83d\\ude00"}',
        "login_form": "username=a%40b.co&password=a+b%2Bc&scope=&grant_type=password",
        "email": '{"email":" A@B.CO ","extra":[1,2,{"x":true}]}',
        "verify": '{"email":"a@b.co","otp":123456}',
        "reset": '{"email":"a@b.co","otp":"123456","new_password":"x"}',
    }
    for name, body in bodies.items():
        write("fuzz_json_body", name, bytes([selectors[name]]) + body.encode())
    write("fuzz_json_body", "not_object", b"\x03[\"a@b.co\"]")
    write("fuzz_json_body", "malformed", b"\x00{\"email\":")


def jwt_seeds():
    write("fuzz_jwt", "raw_valid", b"\x00" + token({"sub": "u1", "iat": NOW, "exp": NOW + 60,
                                                       "jti": "j", "ver": 2}))
    write("fuzz_jwt", "raw_hs512", b"\x00" + token({"sub": "u1", "exp": NOW + 60}, "HS512"))
    write("fuzz_jwt", "raw_none", b"\x00" + b64(b'{"alg":"none"}') + b"." +
          b64(b'{"sub":"u1","exp":1900000000}') + b".")
    write("fuzz_jwt", "raw_previous_key",
          b"\x00" + token({"sub": "u1", "exp": NOW + 60}, key=b"old-key"))
    write("fuzz_jwt", "signed_claims", b"\x01" + json.dumps(
        {"sub": "u1", "iat": NOW, "nbf": NOW, "exp": NOW + 60, "jti": "j", "ver": 0}).encode())
    write("fuzz_jwt", "signed_expired", b'\x01{"sub":"u1","exp":1700000000}')
    write("fuzz_jwt", "signed_bad_types", b'\x01{"sub":7,"exp":"1900000000","ver":-1,"iat":1.5}')


def email_seeds():
    for name, text in {"plain": "test@example.com", "spaces": "  Mixed.Case+tag@Sub.Example.COM ",
                       "utf8": "j\u00fcrgen@b\u00fccher.example", "two_at": "a@b@c.com",
                       "no_dot": "a@localhost", "empty_label": "a@b..com"}.items():
        write("fuzz_email", name, text)


def url_seeds():
    for name, url in {
        "postgres": "postgresql://user:p%40ss@db.example.com:5432/clockko?sslmode=require",
        "psycopg2": "postgresql+psycopg2://u@[::1]:6543/db",
        "postgres_short": "postgres://localhost/db",
        "sqlite_file": "sqlite:///./clockko.db",
        "sqlite_memory": "sqlite:///:memory:",
        "bad_port": "postgresql://u@h:99999/db",
    }.items():
        write("fuzz_url", "dburl_" + name, url.encode() + b"\x00")
    write("fuzz_url", "form", b"username=a%40b.co&password=a+b%2&&=x&y" + b"\x01")
    write("fuzz_url", "target_absolute", b"HTTPS://example.com?x=1" + b"\x02")
    write("fuzz_url", "target_path", b"/api/auth/user?a=b?c" + b"\x02")
    write("fuzz_url", "proxies_v4",
          b"192.0.2.0/24\\ 192.0.2.10\\ 203.0.113.9, 198.51.100.7 , 192.0.2.5" + b"\x03")
    write("fuzz_url", "proxies_v6",
          b"2001:db8::/32\\ ::ffff:10.1.2.3\\ 2001:db8::1,10.9.9.9,fe80::1" + b"\x03")


if __name__ == "__main__":
    http_seeds()
    body_seeds()
    jwt_seeds()
    email_seeds()
    url_seeds()
