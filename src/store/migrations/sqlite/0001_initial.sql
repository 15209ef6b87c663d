-- The users table exactly as the original FastAPI backend's SQLAlchemy model created it on
-- SQLite (ids as 32 lower-case hex digits in CHAR(32), DATETIME as UTC text
-- "YYYY-MM-DD HH:MM:SS.ffffff", booleans as 0/1). IF NOT EXISTS: a database made by that
-- backend is adopted as it is, row for row; migration 0002 adds what this service needs.
CREATE TABLE IF NOT EXISTS users (
    id CHAR(32) NOT NULL,
    username VARCHAR NOT NULL,
    email VARCHAR NOT NULL,
    full_name VARCHAR,
    phone_number VARCHAR,
    hashed_password VARCHAR NOT NULL,
    otp VARCHAR,
    otp_verified BOOLEAN,
    otp_expires_at DATETIME,
    reset_token VARCHAR,
    reset_token_expires_at DATETIME,
    is_active BOOLEAN,
    created_at DATETIME,
    is_verified BOOLEAN,
    verification_token VARCHAR,
    PRIMARY KEY (id),
    UNIQUE (username)
);

-- SQLAlchemy's `unique=True, index=True` on email; also guarantees the unique email (the
-- concurrent-registration race relies on it) on an adopted table that somehow lacks it.
CREATE UNIQUE INDEX IF NOT EXISTS ix_users_email ON users (email);
