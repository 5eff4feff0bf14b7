-- Announcements on WhatsApp (bot/channels/whatsapp/announcements.py). Meta takes an
-- announcement with a message id and may report later that it failed (131026 the person
-- cannot be reached, 131047 outside the 24-hour window, or another code). The id is kept on
-- the outbox row, so that later status finds the row: it becomes blocked (and the applicant
-- inactive), outside_window or failed, and the broadcast's figures say so. Erased with the
-- applicant, as the rest of their outbox rows (bot/storage/erase.py).
ALTER TABLE broadcast_outbox ADD COLUMN wa_message_id TEXT;
CREATE UNIQUE INDEX broadcast_outbox_wa_message ON broadcast_outbox (wa_message_id)
    WHERE wa_message_id IS NOT NULL;
