-- What this service adds to the original schema, applied to whatever users table exists.

-- Raised by a password reset: access tokens carrying an older version are rejected.
ALTER TABLE users ADD COLUMN token_version BIGINT NOT NULL DEFAULT 0;

-- The original backend stored emails as typed: logins compare lower(trim(email)).
CREATE INDEX IF NOT EXISTS ix_users_email_normalised ON users (lower(trim(email)));

-- The original kept one-time codes and reset tokens in clear: never trusted again.
UPDATE users
SET otp = NULL,
    otp_expires_at = NULL,
    reset_token = NULL,
    reset_token_expires_at = NULL,
    verification_token = NULL
WHERE otp IS NOT NULL
   OR otp_expires_at IS NOT NULL
   OR reset_token IS NOT NULL
   OR reset_token_expires_at IS NOT NULL
   OR verification_token IS NOT NULL;

-- One-time codes, stored only as keyed hashes; times are UTC text like users.created_at.
CREATE TABLE IF NOT EXISTS one_time_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id CHAR(32) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    code_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    consumed_at TEXT,
    voided_at TEXT
);

CREATE INDEX IF NOT EXISTS ix_one_time_codes_current
    ON one_time_codes (user_id, purpose, created_at)
    WHERE consumed_at IS NULL AND voided_at IS NULL;

-- Mail written in the same transaction as the change it reports; a worker delivers it.
-- parameters_json (which may hold a code) is erased once the message is sent or given up.
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    template_name TEXT NOT NULL,
    parameters_json TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);

CREATE INDEX IF NOT EXISTS ix_outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
