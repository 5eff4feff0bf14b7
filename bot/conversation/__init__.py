"""The resident's conversation, channel-free: what they are shown and what their answers do.

Nothing here imports a channel (telegram, a WhatsApp client): views are text plus one kind of
choice (bot/conversation/views.py), and each channel renders them its own way (Telegram:
handlers/render.py). tests/unit/test_channel_seam.py keeps it so.
"""
