-- What each person is in the middle of, one row per user (bot/storage/conversations.py):
-- read with the applicant row in one statement per update. kind: absence_reason (ref: the
-- event whose reason the resident is asked for) or broadcast_draft (ref: the draft).
-- No foreign key: staff have no applicant row. Holds no personal data beyond the user id,
-- and goes when the applicant row goes (/hapus).
CREATE TABLE conversations (
    user_id INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL,
    ref     INTEGER NOT NULL,
    since   TEXT NOT NULL
);
CREATE INDEX conversations_ref ON conversations (kind, ref);
CREATE TRIGGER conversations_forget AFTER DELETE ON applicants BEGIN DELETE FROM conversations WHERE user_id = OLD.user_id; END;

-- What the old per-feature flags said, carried over; where both were open, the reason wins
-- (its handler ran first before).
INSERT INTO conversations (user_id, kind, ref, since) SELECT user_id, 'absence_reason', MAX(id), MAX(updated_at) FROM events WHERE awaiting_reason = 1 AND status = 'active' GROUP BY user_id;
INSERT OR IGNORE INTO conversations (user_id, kind, ref, since) SELECT created_by, 'broadcast_draft', MAX(id), MAX(created_at) FROM broadcasts WHERE status = 'draft' GROUP BY created_by;

-- The event no longer carries the flag: the conversation row is the one truth.
DROP INDEX events_awaiting;
ALTER TABLE events DROP COLUMN awaiting_reason;
