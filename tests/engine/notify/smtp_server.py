"""A real SMTP server in the test process (aiosmtpd), keeping every message it accepts."""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


class Inbox:
    """Messages an SMTP server accepted, with a condition to wait on; `refuse` makes it answer 451 instead."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse = False
        self.before_reply: Callable[[Message], None] | None = None
        self.changed = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """aiosmtpd's hook: keep the message (or refuse it), then answer."""
        if self.refuse:
            return "451 4.3.0 coba lagi nanti"
        received = email.message_from_bytes(envelope.content)
        with self.changed:
            self.messages.append(received)
            self.changed.notify_all()
        if self.before_reply is not None:
            self.before_reply(received)
        return "250 OK"

    def ids(self) -> list[str]:
        """The Message-ID of every message received, in order (repeats included)."""
        with self.changed:
            return [str(m["Message-ID"]) for m in self.messages]

    def wait_for(self, test: Callable[[list[Message]], bool], timeout: float = 120) -> bool:
        """Wait until `test(messages)` holds (woken by each new message); False after `timeout` seconds."""
        with self.changed:
            return self.changed.wait_for(lambda: test(self.messages), timeout)


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(inbox: Inbox | None = None) -> Iterator[tuple[str, Inbox]]:
    """Run an SMTP server on a free local port; yields its smtp:// URL and its inbox."""
    inbox = inbox or Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", inbox
    finally:
        controller.stop()
