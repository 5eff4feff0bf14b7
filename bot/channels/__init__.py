"""The ways residents reach the service besides Telegram's handlers: one folder per channel."""
