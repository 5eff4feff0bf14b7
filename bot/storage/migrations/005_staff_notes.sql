-- Staff notes on one applicant: internal, never shown to the applicant. A note is personal
-- data too, so it goes with the applicant on /hapus (ON DELETE CASCADE).
CREATE TABLE staff_notes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id   INTEGER NOT NULL REFERENCES applicants (user_id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL,
    at        TEXT NOT NULL,
    text      TEXT NOT NULL
);
CREATE INDEX staff_notes_user ON staff_notes (user_id, id);

-- /statistik counts registrations per day of the last two weeks: a range scan, not a full one.
CREATE INDEX applicants_submitted_at ON applicants (submitted_at) WHERE submitted_at IS NOT NULL;
