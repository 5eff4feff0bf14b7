"""The bot's one HTTP server: an ASGI application (Starlette) on uvicorn, in the bot's own
event loop. It carries Telegram's webhook (/webhooks/telegram), /healthz and /metrics, and
is where later web endpoints plug in (a feature's ``routes``)."""
