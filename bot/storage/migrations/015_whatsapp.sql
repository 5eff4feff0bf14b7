-- WhatsApp (bot/channels/whatsapp). Only Meta's message ids: never a phone number or a text,
-- so nothing here is personal data and nothing here needs erasing with a person.

-- Messages from residents already handled. Meta delivers a notification again when it is
-- unsure the first arrived (for up to 7 days), so a message is taken once, across restarts;
-- rows older than that retention are deleted.
CREATE TABLE whatsapp_seen (
    message_id  TEXT PRIMARY KEY,   -- Meta's wamid
    seen_at     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX whatsapp_seen_at ON whatsapp_seen (seen_at);

-- The furthest delivery status of each message the bot sent: sent < delivered < read, or
-- failed with Meta's error code (statuses can arrive out of order).
CREATE TABLE whatsapp_statuses (
    message_id  TEXT PRIMARY KEY,
    status      TEXT NOT NULL CHECK (status IN ('sent', 'delivered', 'read', 'failed')),
    error_code  INTEGER,
    updated_at  TEXT NOT NULL
) WITHOUT ROWID;
