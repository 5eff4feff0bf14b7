"""The staff web pages under /dasbor, served by the bot's one HTTP server.

auth.py: login links and sessions; csrf.py: the form token; security.py: the headers every
page carries and the one route that takes /dasbor and everything under it; render.py: the
templates; pages.py, summary.py, listing.py (Pendaftar) and inbox.py (Pertanyaan): what the
pages show.
handlers/dashboard.py declares the Feature (the /dasbor command and these routes).
"""

from bot.web.dashboard.pages import dashboard_route

__all__ = ["dashboard_route"]
