"""A loopback WhatsApp Cloud API for the tests, the demo and the benchmarks (server.py)."""

from bot.simulator_whatsapp.errors import GraphError
from bot.simulator_whatsapp.server import WebhookRefused, WhatsAppSimulator, signature
from bot.simulator_whatsapp.users import Received, WaUser
from bot.simulator_whatsapp.validation import Outgoing, Template

__all__ = [
    "GraphError",
    "Outgoing",
    "Received",
    "Template",
    "WaUser",
    "WebhookRefused",
    "WhatsAppSimulator",
    "signature",
]
