-- Staff granted by admins (admins themselves come from ADMIN_IDS, not from this table).
CREATE TABLE staff (
    user_id    INTEGER PRIMARY KEY,
    added_by   INTEGER NOT NULL,
    added_at   TEXT NOT NULL
);

-- Every staff action: who, what, when, on whom (UU PDP: access to personal data is logged).
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    actor_id  INTEGER NOT NULL,
    action    TEXT NOT NULL,      -- broadcast, stage, schedule, lookup, export, role, note, ...
    target    TEXT,               -- a registration number, a broadcast id, a user id
    detail    TEXT                -- short, never a NIK or a phone number
);
CREATE INDEX audit_log_at ON audit_log (at);
