-- Scheduled events (interview, interest mapping, training, departure) and their reminders.
-- Times are UTC ISO 8601 strings ("2026-01-12T02:00:00+00:00"): they sort as text.
CREATE TABLE events (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          INTEGER NOT NULL REFERENCES applicants (user_id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,             -- wawancara, pemetaan, pelatihan, keberangkatan
    starts_at        TEXT NOT NULL,
    place            TEXT NOT NULL,
    note             TEXT,
    status           TEXT NOT NULL DEFAULT 'active',
                                                -- active, rescheduled, cancelled
    replaced_by      INTEGER,                   -- the event that rescheduled this one
    answer           TEXT,                      -- NULL (no answer yet), hadir, tidak_bisa
    reason           TEXT,                      -- why the resident cannot come (short)
    awaiting_reason  INTEGER NOT NULL DEFAULT 0,-- 1: the next text from the resident is the reason
    answered_at      TEXT,
    notice           TEXT NOT NULL DEFAULT 'pending',
                                                -- the "you are scheduled" message: pending, sent, failed
    created_by       INTEGER NOT NULL,          -- the staff member told when the resident declines
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
-- One current event per applicant and kind: a second one is a reschedule.
CREATE UNIQUE INDEX events_current ON events (user_id, kind) WHERE status = 'active';
CREATE INDEX events_starts ON events (starts_at) WHERE status = 'active';
CREATE INDEX events_awaiting ON events (user_id) WHERE awaiting_reason = 1;
CREATE INDEX events_notice ON events (id) WHERE notice = 'pending';

-- The truth about reminders; JobQueue jobs are re-created from the pending rows at start-up.
CREATE TABLE reminders (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    offset_s    INTEGER NOT NULL,               -- seconds before the event, as configured
    due_at      TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending',-- pending, sent, skipped, cancelled
    detail      TEXT,                           -- why skipped: begun, superseded, opted_out, ...
    attempts    INTEGER NOT NULL DEFAULT 0,     -- failed sends (network, 429 after retries)
    sent_at     TEXT,
    UNIQUE (event_id, offset_s)
);
CREATE INDEX reminders_pending ON reminders (due_at) WHERE status = 'pending';
