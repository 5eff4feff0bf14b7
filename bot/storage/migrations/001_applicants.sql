-- Residents and their applications. One row per Telegram user (private chat id == user id).
CREATE TABLE applicants (
    user_id          INTEGER PRIMARY KEY,
    locale           TEXT NOT NULL DEFAULT 'id',
    source           TEXT,                      -- /start deep-link payload, e.g. kel_cipocok
    status           TEXT NOT NULL DEFAULT 'consent',
                                                -- consent, declined, interviewing, minor, submitted
    step             TEXT,                      -- current question key while interviewing
    editing          INTEGER NOT NULL DEFAULT 0,-- 1: answering one question from the summary
    answers          TEXT NOT NULL DEFAULT '{}',-- JSON: question key -> answer
    nik              TEXT UNIQUE,               -- one application per NIK across accounts
    consent_at       TEXT,
    consent_version  TEXT,
    reg_no           TEXT UNIQUE,
    submitted_at     TEXT,
    outcome          TEXT,                      -- memenuhi_syarat, perlu_dilengkapi, belum_memenuhi_syarat
    reasons          TEXT NOT NULL DEFAULT '[]',
    missing          TEXT NOT NULL DEFAULT '[]',
    pool             TEXT,                      -- kota_serang, wilayah
    waitlist_no      INTEGER,                   -- NULL: holds a place in its pool
    stage            TEXT,
    stage_changed_at TEXT,
    staff_flags      TEXT NOT NULL DEFAULT '[]',-- notes for staff, e.g. NIK prefix vs domicile
    remind_on        TEXT,                      -- minors who asked to be told when they turn 18
    opted_out        INTEGER NOT NULL DEFAULT 0,-- /berhenti
    inactive         INTEGER NOT NULL DEFAULT 0,-- blocked the bot or deactivated (403)
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX applicants_status ON applicants (status);
CREATE INDEX applicants_pool ON applicants (pool, waitlist_no);
CREATE INDEX applicants_remind ON applicants (remind_on) WHERE remind_on IS NOT NULL;

-- Registration numbers are never reused, also after deletions: the counter only grows.
CREATE TABLE reg_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

-- The funnel (started, consented, each question reached, completed). On /hapus the user_id is
-- cleared: the count stays, the person does not.
CREATE TABLE funnel (
    user_id INTEGER,
    step    TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE UNIQUE INDEX funnel_once ON funnel (user_id, step) WHERE user_id IS NOT NULL;
CREATE INDEX funnel_step ON funnel (step);
