"""Telegram's side of personal messages (the conversation's side is in handlers/).

errors.py (what a Bot API failure means: the one table), send.py (one message to a chat
through the PTB bot, and the Sender that tells an applicant on Telegram), timers.py (the
reminder service's timers on PTB's JobQueue).
"""
