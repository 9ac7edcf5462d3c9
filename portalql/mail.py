"""Mail to customers (the login page's sign-in codes): over SMTP with aiosmtplib when `PORTALQL_SMTP_URL`
is set (`smtp://user:password@host:587` upgrades with STARTTLS when the server offers it, `smtps://` is TLS
from the start), and otherwise, in development, kept in an outbox that is logged and shown at
`/portal/dev/outbox`."""

from __future__ import annotations

import logging
from collections import deque
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

if TYPE_CHECKING:
    from email.message import EmailMessage

logger = logging.getLogger(__name__)


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class SmtpMailer:
    def __init__(self, url: str, *, timeout_seconds: float = 10) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise ValueError("PORTALQL_SMTP_URL is smtp://[user:password@]host[:port] or smtps://…")
        self._hostname = parts.hostname
        self._tls = parts.scheme == "smtps"
        self._port = parts.port or (465 if self._tls else 587)
        self._username = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._timeout = timeout_seconds

    async def send(self, message: EmailMessage) -> None:
        await aiosmtplib.send(
            message,
            hostname=self._hostname,
            port=self._port,
            username=self._username,
            password=self._password,
            use_tls=self._tls,
            timeout=self._timeout,
        )


class Outbox:
    """Development's mailer: the latest mails, logged and kept for the outbox page."""

    def __init__(self, keep: int = 50) -> None:
        self.messages: deque[EmailMessage] = deque(maxlen=keep)

    async def send(self, message: EmailMessage) -> None:
        self.messages.appendleft(message)
        logger.info("mail to %s (no PORTALQL_SMTP_URL): %s", message["To"], message["Subject"])
