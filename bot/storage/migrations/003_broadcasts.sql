-- Announcements from staff (/umumkan). A draft row holds the staff member's work in progress
-- (so a restart loses nothing); confirming it fills the outbox, one row per recipient.
CREATE TABLE broadcasts (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    created_by          INTEGER NOT NULL,           -- staff user id
    locale              TEXT NOT NULL DEFAULT 'id', -- the staff member's language, for reports
    status              TEXT NOT NULL DEFAULT 'draft',
                                                    -- draft, scheduled, sending, done, cancelled
    step                TEXT,                       -- while a draft: content, recipients, send_at, preview
    content_type        TEXT,                       -- text, photo, document
    text                TEXT,                       -- HTML: the message, or the caption
    file_id             TEXT,                       -- photo or document, sent again by file_id
    filter              TEXT,                       -- RecipientFilter JSON, NULL until chosen
    send_at             TEXT,                       -- "kirim nanti": ISO time with offset
    total               INTEGER NOT NULL DEFAULT 0, -- outbox rows when sending began
    sent                INTEGER NOT NULL DEFAULT 0, -- figures kept when it ends
    blocked             INTEGER NOT NULL DEFAULT 0,
    failed              INTEGER NOT NULL DEFAULT 0,
    skipped             INTEGER NOT NULL DEFAULT 0,
    progress_chat_id    INTEGER,                    -- the one message edited with progress
    progress_message_id INTEGER,
    cancelled_by        INTEGER,
    created_at          TEXT NOT NULL,
    started_at          TEXT,
    finished_at         TEXT
);
CREATE INDEX broadcasts_status ON broadcasts (status);
CREATE INDEX broadcasts_draft ON broadcasts (created_by) WHERE status = 'draft';

-- One row per recipient: the truth of who got it. A row is marked in the step that sends it,
-- so a crash repeats at most the messages in flight. Deleting an applicant (/hapus) removes
-- their rows too: nothing personal stays behind.
CREATE TABLE broadcast_outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES applicants (user_id) ON DELETE CASCADE,
    status       TEXT NOT NULL DEFAULT 'pending', -- pending, sent, blocked, failed, skipped
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    next_try_at  REAL NOT NULL DEFAULT 0,         -- epoch seconds: backoff after a network error
    sent_at      TEXT,
    UNIQUE (broadcast_id, user_id)
);
CREATE INDEX broadcast_outbox_todo ON broadcast_outbox (broadcast_id, status, id);
CREATE INDEX broadcast_outbox_user ON broadcast_outbox (user_id);
