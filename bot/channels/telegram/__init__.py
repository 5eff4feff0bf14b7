"""Telegram as a channel, beside handlers/ (its updates, commands and conversation screens).

Residents: errors.py (what a Bot API failure means: the one table), send.py (one message to
a chat through the PTB bot, and ``TelegramSender``, bot/services/notify.py's way to an
applicant on Telegram), timers.py (the reminder service's timers on PTB's JobQueue).

Staff, who work in Telegram: alerts.py (unexpected errors to the admins), menus.py (the
command menus per role), question_relay.py (a resident's question in a forum topic of the
staff group) and question_desk.py (a staff answer from the topic or the web inbox).
"""
