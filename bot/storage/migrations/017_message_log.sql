-- The personal messages the service sent an applicant (a stage change, a freed place, a
-- schedule notice, a reminder...): kind, time and outcome of each attempt, never the text.
-- Written by bot/services/notify.py tell; read on the staff's applicant card; erased with the
-- applicant (bot/storage/erase.py).
CREATE TABLE message_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id  INTEGER NOT NULL REFERENCES applicants (user_id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,              -- bot/storage/message_log.Kind
    at       TEXT NOT NULL,              -- UTC ISO 8601
    outcome  TEXT NOT NULL               -- sent, blocked, retry, failed
);
CREATE INDEX message_log_user ON message_log (user_id, id);
