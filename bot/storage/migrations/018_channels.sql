-- Residents on two channels (issue 12). Each applicant row says which channel the person
-- registered on; staff see it in /cari, exports and /statistik, and can filter by it.
ALTER TABLE applicants ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram'
    CHECK (channel IN ('telegram', 'whatsapp'));
CREATE INDEX applicants_channel ON applicants (channel);

-- A WhatsApp resident's identity. Every table keys people by an integer user id (Telegram's
-- user id); a WhatsApp resident gets a negative one, -contact_no, which no Telegram id is
-- and which is never given again after an erasure (AUTOINCREMENT). wa_id is their phone
-- number: personal data, erased with them (bot/storage/erase.py), never logged.
-- last_inbound_at opens Meta's 24-hour window for free-form messages.
CREATE TABLE whatsapp_contacts (
    contact_no       INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          INTEGER GENERATED ALWAYS AS (-contact_no) STORED UNIQUE,
    wa_id            TEXT NOT NULL UNIQUE,
    last_inbound_at  TEXT NOT NULL
);
