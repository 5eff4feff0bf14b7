-- One row the health check rewrites: proof that the database still takes a write
-- (a full disk or a read-only file fails here before it fails a resident).
CREATE TABLE health_probe (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at  TEXT NOT NULL
);
