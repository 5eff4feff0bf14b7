-- A NIK is reserved only by a submitted registration. Until now the NIK column was filled at
-- question 2, so anyone who typed someone else's NIK there, and never submitted, locked the
-- real owner out. The column now holds a NIK only for submitted rows: free the others.
UPDATE applicants SET nik = NULL WHERE status != 'submitted';

-- A registration submitted with a NIK that another submitted registration already holds:
-- it is kept (with its number and place, so the real owner loses nothing by waiting), without
-- the NIK, until staff decide whose it is (/konflik). Rows go with either person on /hapus.
CREATE TABLE nik_conflicts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    holder_id   INTEGER NOT NULL REFERENCES applicants (user_id) ON DELETE CASCADE,
    claimant_id INTEGER NOT NULL REFERENCES applicants (user_id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open',
                                    -- open; holder or claimant (whose NIK staff found it to be);
                                    -- withdrawn (the claimant submitted another NIK since)
    resolved_by INTEGER,
    resolved_at TEXT
);
CREATE INDEX nik_conflicts_open ON nik_conflicts (status) WHERE status = 'open';
CREATE INDEX nik_conflicts_claimant ON nik_conflicts (claimant_id);
CREATE INDEX nik_conflicts_holder ON nik_conflicts (holder_id);

-- Different NIKs one person typed in the last day, to limit how many they may try. Not tied
-- to the applicant row: /hapus and starting again must not reset the count. A NIK is kept
-- only as a 16-bit tag of its hash, enough to tell one person's few NIKs apart and too short
-- to tell which NIK it was.
CREATE TABLE nik_attempts (
    user_id INTEGER NOT NULL,
    tag     TEXT NOT NULL,
    at      TEXT NOT NULL,
    PRIMARY KEY (user_id, tag)
);
CREATE INDEX nik_attempts_at ON nik_attempts (at);
