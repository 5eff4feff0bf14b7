-- 1 from the moment a registration is committed as submitted until its confirmation (the
-- number and the verdict) has reached the resident: a process killed in between owes it, and
-- the resident's next message gets it.
ALTER TABLE applicants ADD COLUMN confirmation_owed INTEGER NOT NULL DEFAULT 0;
