-- Personal messages on WhatsApp (bot/channels/whatsapp/outbound.py). Meta answers a send
-- with a message id and reports later what became of it (delivered, read, or failed with a
-- code: 131026 the person cannot be reached, 131047 outside the 24-hour window). The id is
-- kept on the message's log row, so a later status finds whose message it was (the
-- applicant is marked inactive on 131026) and the card shows how far it got. Erased with
-- the applicant, as the rest of message_log (bot/storage/erase.py).
ALTER TABLE message_log ADD COLUMN wa_message_id TEXT;
CREATE UNIQUE INDEX message_log_wa_message ON message_log (wa_message_id)
    WHERE wa_message_id IS NOT NULL;
