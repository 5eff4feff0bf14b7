"""WhatsApp (the WhatsApp Cloud API) as a channel: everything between the bot and Meta.

client.py (the Graph API over aiohttp, paced by pacing.py, Meta's codes read by errors.py),
webhook.py (/webhooks/whatsapp: verification, signature.py, 200 at once), channel.py
(notifications.py reads them; each message once, in order per person; statuses stored),
feature.py (the Feature the app assembles).
"""
