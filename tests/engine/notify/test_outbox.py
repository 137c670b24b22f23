"""The email outbox against a real SMTP server: sent once with a stable Message-ID, retried after failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
import time_machine

from engine.db import run_in_transaction
from engine.notify import mailer, notices, outbox
from engine.notify.mailer import Mailer, SmtpServer
from engine.notify.notices import Kind, MailStatus
from tests.engine.helpers import race
from tests.engine.notify.helpers import add_people
from tests.engine.notify.helpers import notices as stored
from tests.engine.notify.smtp_server import smtp_server

SENDER = "Senapas <senapas@dispusip.test>"


def compose(row: notices.Notification) -> EmailMessage:
    return mailer.message(SENDER, str(row.email), f"[Senapas] {row.kind}", f"Tugas: {row.params.get('task')}",
                          mailer.message_id(row.id, SENDER))


def queue(factory, count: int = 1) -> None:
    add_people(factory, ("petugas", "petugas", "petugas@dispusip.test"), ("kabid", "kabid", None))
    with factory() as session, session.begin():
        for n in range(count):
            notices.notify(session, ["petugas", "kabid"], Kind.ASSIGNED, params={"task": f"Kunjungan {n}"})


def test_a_queued_notice_is_sent_once_with_a_stable_message_id(factory):
    queue(factory)
    with smtp_server() as (url, inbox):
        sending = Mailer(SmtpServer.from_url(url))
        assert outbox.deliver(factory, sending, compose) == 1
        assert outbox.deliver(factory, sending, compose) == 0
        sending.close()
    [row] = stored(factory, username="petugas")
    [received] = inbox.messages
    assert received["To"] == "petugas@dispusip.test" and received["From"] == SENDER
    assert received["Message-ID"] == f"<notification-{row.id}@dispusip.test>"
    assert "Kunjungan 0" in received.get_payload()
    assert (row.mail_status, row.attempts, row.last_error) == (MailStatus.SENT, 1, "")
    assert stored(factory, username="kabid")[0].mail_status == MailStatus.NONE  # no address: nothing to send


def test_a_refused_send_stays_queued_and_is_retried_after_a_backoff(factory):
    queue(factory)
    with smtp_server() as (url, inbox):
        sending = Mailer(SmtpServer.from_url(url))
        inbox.refuse = True
        assert outbox.deliver(factory, sending, compose) == 0
        [row] = stored(factory, username="petugas")
        assert (row.mail_status, row.attempts) == (MailStatus.PENDING, 1) and "451" in row.last_error
        inbox.refuse = False
        assert outbox.deliver(factory, sending, compose) == 0  # not due again yet
        with time_machine.travel(datetime.now(UTC) + timedelta(minutes=2), tick=False):
            assert outbox.deliver(factory, sending, compose) == 1
        sending.close()
    assert len(inbox.messages) == 1 and stored(factory, username="petugas")[0].mail_status == MailStatus.SENT


def test_an_unreachable_server_loses_nothing(factory):
    queue(factory)
    with smtp_server() as (url, _):
        pass  # the server is gone again: its port refuses connections
    sending = Mailer(SmtpServer.from_url(url), timeout=5)
    assert outbox.deliver(factory, sending, compose) == 0
    sending.close()
    [row] = stored(factory, username="petugas")
    assert row.mail_status == MailStatus.PENDING and row.attempts == 1 and row.last_error


def test_two_workers_at_once_send_each_message_once(factory, db_engine):
    if db_engine.dialect.name != "postgresql":
        pytest.skip("several workers share the outbox on PostgreSQL (SQLite serializes its one writer)")
    queue(factory, 40)
    with smtp_server() as (url, inbox):
        mailers = [Mailer(SmtpServer.from_url(url)) for _ in range(2)]
        counts = race(*[lambda m=m: outbox.deliver(factory, m, compose) for m in mailers])
        for m in mailers:
            m.close()
    assert sum(counts) == 40
    assert sorted(inbox.ids()) == sorted({*inbox.ids()}) and len(inbox.ids()) == 40


@pytest.mark.parametrize(("tries", "wait"), [(1, 1), (2, 2), (4, 8), (30, 360)])
def test_backoff_doubles_up_to_six_hours(tries, wait):
    assert outbox.backoff(tries) == timedelta(minutes=wait)


@pytest.mark.parametrize(("url", "server"), [
    ("smtp://127.0.0.1:2525", SmtpServer("127.0.0.1", 2525)),
    ("smtps://u%40x:p%3Aw@mail.example", SmtpServer("mail.example", 465, True, False, "u@x", "p:w")),
    ("smtp+starttls://mail.example", SmtpServer("mail.example", 587, False, True)),
])
def test_smtp_urls(url, server):
    assert SmtpServer.from_url(url) == server


def test_a_wrong_smtp_url_is_refused():
    with pytest.raises(ValueError):
        SmtpServer.from_url("http://mail.example")


def test_notices_of_one_event_are_queued_in_its_transaction(factory):
    add_people(factory, ("petugas", "petugas", "petugas@dispusip.test"))

    def told_then_failed(session):
        notices.notify(session, ["petugas"], Kind.ASSIGNED)
        raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        run_in_transaction(factory, told_then_failed)
    assert stored(factory) == []
