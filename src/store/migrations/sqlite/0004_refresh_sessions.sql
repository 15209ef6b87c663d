-- Refresh sessions: one row per refresh token, stored only as its SHA-256. The tokens of one
-- login share a family; a refresh marks the live row rotated and inserts its successor.
CREATE TABLE IF NOT EXISTS refresh_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    family_id TEXT NOT NULL,
    user_id CHAR(32) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    rotated_at TEXT,
    successor_id INTEGER REFERENCES refresh_sessions (id) ON DELETE SET NULL,
    revoked_at TEXT
);

CREATE INDEX IF NOT EXISTS ix_refresh_sessions_family ON refresh_sessions (family_id);
CREATE INDEX IF NOT EXISTS ix_refresh_sessions_user_live
    ON refresh_sessions (user_id) WHERE revoked_at IS NULL;
