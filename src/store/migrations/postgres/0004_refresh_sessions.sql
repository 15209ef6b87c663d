-- Refresh sessions: one row per refresh token, stored only as its SHA-256. The tokens of one
-- login share a family; a refresh locks the live row (FOR UPDATE), marks it rotated and inserts
-- its successor.
CREATE TABLE IF NOT EXISTS refresh_sessions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    family_id UUID NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
    rotated_at TIMESTAMP WITHOUT TIME ZONE,
    successor_id BIGINT REFERENCES refresh_sessions (id) ON DELETE SET NULL,
    revoked_at TIMESTAMP WITHOUT TIME ZONE
);

CREATE INDEX IF NOT EXISTS ix_refresh_sessions_family ON refresh_sessions (family_id);
CREATE INDEX IF NOT EXISTS ix_refresh_sessions_user_live
    ON refresh_sessions (user_id) WHERE revoked_at IS NULL;
