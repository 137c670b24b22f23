"""1,000 queued emails, three `senapas worker` processes, one SIGKILLed in the middle of a send and restarted.

Each worker talks to its own in-process SMTP server (aiosmtpd), so the test knows who sent what.
The three servers hold each worker's first message until all three have one in flight (a barrier),
so all three really share the outbox. The victim's server then holds its 30th message after
receiving it, before answering "250": the test SIGKILLs that worker there, which is the worst
moment for exactly-once delivery: the server has the message, the database never saw the commit.

What must hold, and what cannot: every message arrives; none arrives twice, except that one
message in flight at the kill, which arrives a second time (from whichever worker takes the row
after the kill) with the same Message-ID. That is the bound `engine.notify.outbox` documents:
at most one repeated message per killed worker, recognisable by its Message-ID.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from email.message import Message
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.notify import mailer
from engine.notify.notices import Kind, MailStatus, Notification, notify
from tests.engine.notify.helpers import add_people, database_url
from tests.engine.notify.smtp_server import Inbox, smtp_server

SENDER = "Senapas <senapas@dispusip.test>"
QUEUED = 1000
PEOPLE = 10
KILL_AT = 30
SENAPAS = Path(sys.executable).with_name("senapas")


def _worker(db_url: str, smtp_url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SENAPAS_DATABASE_URL": db_url, "SENAPAS_SMTP_URL": smtp_url,
           "SENAPAS_MAIL_FROM": SENDER}
    return subprocess.Popen([str(SENAPAS), "worker", "--once"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def test_three_workers_one_killed_mid_send_deliver_every_message(db_engine, factory):
    if db_engine.dialect.name != "postgresql":
        pytest.skip("several worker processes share the outbox on PostgreSQL; SQLite has a single writer")
    add_people(factory, *[(f"petugas{n}", "petugas", f"petugas{n}@dispusip.test") for n in range(PEOPLE)])
    with factory() as session, session.begin():
        for n in range(QUEUED // PEOPLE):
            notify(session, [f"petugas{p}" for p in range(PEOPLE)], Kind.ASSIGNED, params={"task": f"Tugas {n}"})
    url = database_url(db_engine)

    all_sending = threading.Barrier(3)
    inboxes = [Inbox() for _ in range(3)]
    held, release = threading.Event(), threading.Event()
    in_flight: list[str] = []

    def first_waits_for_all(inbox: Inbox):
        def hook(message: Message) -> None:
            if len(inbox.messages) == 1:
                all_sending.wait(timeout=120)
            if inbox is inboxes[0] and len(inbox.messages) == KILL_AT and not held.is_set():
                in_flight.append(str(message["Message-ID"]))
                held.set()
                release.wait(timeout=120)  # the worker is killed while it waits for our "250"
        return hook

    for inbox in inboxes:
        inbox.before_reply = first_waits_for_all(inbox)
    with smtp_server(inboxes[0]) as (victim_url, _), smtp_server(inboxes[1]) as (url1, _), \
            smtp_server(inboxes[2]) as (url2, _):
        workers = [_worker(url, smtp) for smtp in (victim_url, url1, url2)]
        assert held.wait(timeout=180), "the victim never reached its 30th message"
        workers[0].send_signal(signal.SIGKILL)
        assert workers[0].wait(timeout=60) == -signal.SIGKILL
        release.set()
        inboxes[0].before_reply = None
        workers.append(_worker(url, victim_url))  # the killed worker, restarted
        for process in workers[1:]:
            _, errors = process.communicate(timeout=600)
            assert process.returncode == 0, errors.decode()

    with factory() as session:
        rows = list(session.scalars(select(Notification)))
    expected = {mailer.message_id(row.id, SENDER) for row in rows}
    received = Counter(mid for inbox in inboxes for mid in inbox.ids())
    assert len(rows) == QUEUED and all(row.mail_status == MailStatus.SENT for row in rows)
    assert set(received) == expected  # every message arrived
    assert {mid: n for mid, n in received.items() if n > 1} == {in_flight[0]: 2}  # only the one in flight, twice
    assert all(inbox.messages for inbox in inboxes)  # all three workers sent
