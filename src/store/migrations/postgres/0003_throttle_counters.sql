-- Throttle counters shared by every instance on this database: one row per key (a hashed,
-- namespaced string such as login account+address), counted by one atomic upsert per hit.
-- Times are whole Unix seconds: the counters only ever compare them with the current time.
CREATE TABLE IF NOT EXISTS throttle_counters (
    key TEXT PRIMARY KEY,
    hits BIGINT NOT NULL,
    window_ends_at BIGINT NOT NULL
);

-- The periodic clean-up deletes expired windows by this column.
CREATE INDEX IF NOT EXISTS ix_throttle_counters_window_ends_at
    ON throttle_counters (window_ends_at);
