"""The worker's notification round: tell about due and overdue tasks, then empty the email outbox."""

from __future__ import annotations

from typing import NamedTuple

from engine.config import Context
from engine.notify import deadlines, outbox
from engine.notify.mailer import Mailer, SmtpServer


class Round(NamedTuple):
    """What one round did: notices added about deadlines, emails sent."""

    told: int
    sent: int


class NoticeWorker:
    """Runs notification rounds for one worker process, keeping its SMTP connection between rounds."""

    def __init__(self, context: Context, smtp_url: str | None, compose: outbox.Compose | None) -> None:
        self.context = context
        self.compose = compose
        self.mailer = Mailer(SmtpServer.from_url(smtp_url)) if smtp_url and compose else None

    def run(self) -> Round:
        """One round; without an SMTP server configured the outbox waits (emails stay queued)."""
        told = deadlines.run_due(self.context)
        sent = 0
        if self.mailer is not None and self.compose is not None:
            sent = outbox.deliver(self.context.factory, self.mailer, self.compose)
        return Round(told, sent)

    def close(self) -> None:
        """Close the SMTP connection."""
        if self.mailer is not None:
            self.mailer.close()
