"""`senapas worker --once`: after the timers, the deadline notices and the emails of the outbox."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine
from click.testing import CliRunner

from engine.calendar import WIB
from engine.notify.notices import MailStatus
from tests.engine.helpers import PETUGAS, deploy, open_task, start
from tests.engine.notify.helpers import add_people, database_url, notices
from tests.engine.notify.smtp_server import smtp_server
from web.cli import main


def test_one_worker_round_tells_about_an_overdue_task_and_emails_it(db_engine, factory):
    add_people(factory, ("kabid", "kabid", "kabid@dispusip.test"), ("petugas", "petugas", None))
    deploy(factory, "approval.bpmn")
    monday = datetime(2026, 12, 7, 8, 0, tzinfo=WIB)  # in office hours: "Ajukan" falls due at 15:00
    with time_machine.travel(monday, tick=False):
        start(factory, "approval", PETUGAS)  # "Ajukan" is due in 7 working hours, held by nobody
    with smtp_server() as (smtp_url, inbox):
        env = {"SENAPAS_DATABASE_URL": database_url(db_engine), "SENAPAS_SMTP_URL": smtp_url,
               "SENAPAS_MAIL_FROM": "Senapas <senapas@dispusip.test>", "SENAPAS_BASE_URL": "https://senapas.test"}
        with time_machine.travel(monday + timedelta(hours=8), tick=True):
            result = CliRunner().invoke(main, ["worker", "--once"], env=env)
        assert result.exit_code == 0, result.output
        assert "1 notifikasi tenggat dibuat, 1 email terkirim" in result.output
    [notice] = notices(factory)
    assert (notice.username, notice.kind, notice.mail_status) == ("kabid", "overdue", MailStatus.SENT)
    [mail] = inbox.messages
    body = mail.get_payload(decode=True).decode()
    assert mail["Subject"] == "[Senapas] Tugas terlambat" and "terlambat; tenggatnya" in body
    assert f"https://senapas.test/tasks/{open_task(factory, notice.instance_id, 'submit')}" in body
