"""Email through SMTP with aiosmtplib: one connection kept open across a batch, reopened after a failure.

aiosmtplib is asynchronous and the worker is not: a Mailer runs its own event loop in a thread
of its own, so it works the same whether or not its caller's thread already runs a loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import aiosmtplib

T = TypeVar("T")
SCHEMES = {"smtp": (25, False, False), "smtp+starttls": (587, False, True), "smtps": (465, True, False)}


class MailFailure(Exception):
    """The SMTP server could not be reached or refused a message; the outbox tries again later."""


@dataclass(frozen=True)
class SmtpServer:
    """Where to send: host, port, TLS mode and login, read from a URL such as smtp://127.0.0.1:2525."""

    host: str
    port: int
    use_tls: bool = False
    start_tls: bool = False
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """smtp:// (plain), smtp+starttls:// (STARTTLS required) or smtps:// (TLS), optionally user:password@."""
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES or not parts.hostname:
            raise ValueError(f"SENAPAS_SMTP_URL harus smtp://, smtp+starttls:// atau smtps://host[:port]: {url!r}")
        port, use_tls, start_tls = SCHEMES[parts.scheme]
        return cls(parts.hostname, parts.port or port, use_tls, start_tls,
                   unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None)


def message(sender: str, to: str, subject: str, body: str, message_id: str) -> EmailMessage:
    """A plain-text email with the given Message-ID (the same each time the same notice is sent)."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = formatdate(localtime=False, usegmt=True)
    mail["Message-ID"] = message_id
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a notice
    mail.set_content(body)
    return mail


def message_id(notification_id: int, sender: str) -> str:
    """The stable Message-ID of one notification's email, in the sender's domain."""
    domain = sender.rsplit("@", 1)[-1].strip(" >") or "senapas.invalid"
    return f"<notification-{notification_id}@{domain}>"


class Mailer:
    """Sends messages over one SMTP connection, opened on first use and reopened after a failure."""

    def __init__(self, server: SmtpServer, *, timeout: float = 30.0) -> None:
        self.server = server
        self.timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client: aiosmtplib.SMTP | None = None

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever, name="senapas-smtp", daemon=True)
            self._thread.start()
        return asyncio.run_coroutine_threadsafe(work, self._loop).result()

    def send(self, mail: EmailMessage) -> None:
        """Hand one message to the SMTP server; MailFailure when it is not accepted."""
        try:
            self._run(self._send(mail))
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            self._drop()
            raise MailFailure(f"{type(exc).__name__}: {exc}"[:1000]) from exc

    async def _send(self, mail: EmailMessage) -> None:
        if self._client is None or not self._client.is_connected:
            server = self.server
            self._client = aiosmtplib.SMTP(hostname=server.host, port=server.port, use_tls=server.use_tls,
                                           start_tls=server.start_tls, username=server.username,
                                           password=server.password, timeout=self.timeout)
            await self._client.connect()
        await self._client.send_message(mail)

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            client.close()

    def close(self) -> None:
        """Say goodbye to the server and stop the event loop."""
        if self._client is not None and self._client.is_connected:
            try:
                self._run(self._client.quit())
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                self._client.close()
        self._client = None
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()
            self._loop = self._thread = None

