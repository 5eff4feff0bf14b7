-- Status checks by registration number and birth date (bot/conversation/status_check.py):
-- the different guesses one caller made in the last day, so the check cannot be used to try
-- birth dates against a number. Like nik_attempts: not tied to an applicant row (the caller
-- usually has none, and /hapus must not reset the count), a guess kept only as a 16-bit tag
-- of its hash, pruned after a day (bot/services/retention.py).
CREATE TABLE status_checks (
    user_id INTEGER NOT NULL,
    tag     TEXT NOT NULL,
    at      TEXT NOT NULL,
    PRIMARY KEY (user_id, tag)
);
CREATE INDEX status_checks_at ON status_checks (at);
