-- The staff web pages (bot/web/dashboard). Only hashes of the secrets are kept: a copy of
-- the database (a backup) opens no session.

-- One-time login links sent by /dasbor: valid for minutes, usable once.
CREATE TABLE web_logins (
    token_hash  TEXT PRIMARY KEY,   -- sha256 of the link's token
    user_id     INTEGER NOT NULL,   -- the staff member it was sent to
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);

-- Open browser sessions; a row is ended on "Keluar", at expiry or when the role is gone.
CREATE TABLE web_sessions (
    id_hash     TEXT PRIMARY KEY,   -- sha256 of the cookie's session id
    user_id     INTEGER NOT NULL,
    csrf_token  TEXT NOT NULL,      -- checked on every form sent in this session
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    ended_at    TEXT
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
