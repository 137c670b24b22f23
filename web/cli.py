"""The `senapas` command: database, deploys, users, the timer worker and the demo."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import click
from sqlalchemy.orm import Session, sessionmaker

from engine import config
from engine.db import open_database, run_in_transaction
from engine.definitions import bundles, versions
from engine.errors import SenapasError
from engine.libraries import importer
from engine.migrate import upgrade
from engine.notify.rounds import NoticeWorker
from engine.people import users
from engine.people.roles import ROLES
from engine.workflow import timers
from web import error_texts, notice_texts
from web.demo import DEMO_PASSWORD

ADMIN = users.Actor("admin", frozenset({"admin"}))


def _factory(settings: config.Settings) -> sessionmaker[Session]:
    return open_database(settings.database_url, settings.db_pool_size)


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """Senapas: the KITAPUN SENAPAS SOP as executable BPMN."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("weasyprint", "fontTools"):  # their progress lines are not ours to print
        logging.getLogger(chatty).setLevel(logging.WARNING)
    ctx.obj = config.from_env()


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(settings: config.Settings) -> None:
    """Apply every pending migration."""
    factory = _factory(settings)
    upgrade(factory.kw["bind"])
    click.echo("basis data mutakhir")


@main.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--note", default="", help="Change note shown with the new version.")
@click.option("--draft", is_flag=True, help="Store as a draft that nobody starts until it is activated.")
@click.pass_obj
def deploy(settings: config.Settings, path: Path, note: str, draft: bool) -> None:
    """Deploy a bundle: its folder, its zip, one of its BPMN files, or a folder of bundle folders."""
    factory = _factory(settings)
    try:
        if path.is_dir() and not bundles.is_bundle_folder(path):
            results = run_in_transaction(factory, lambda s: versions.deploy_folder(s, path, ADMIN))
        else:
            if path.is_dir():
                bundle, main = bundles.from_folder(path), None
            elif path.suffix == ".zip":
                bundle, main = bundles.from_zip(path.read_bytes()), None
            else:
                bundle, main = bundles.from_folder(path.parent), path.name
            results = [run_in_transaction(factory, lambda s: versions.deploy_bundle(
                s, bundle, ADMIN, main=main, note=note, draft=draft))]
    except SenapasError as exc:
        raise click.ClickException(error_texts.describe(exc)) from exc
    for result in results:
        d = result.definition
        click.echo(f"{d.key} versi {d.version} {'baru' if result.created else 'sudah ada'} ({d.hash[:12]}, {d.status})")
        for p in result.warnings:
            where = f"{p.file}:{p.line}" if p.line else p.file
            click.echo(f"  peringatan {where} ({p.element or '-'}) {p.code}: {error_texts.text(p.code, p.params)}")


@main.group("users")
def users_group() -> None:
    """People and their roles."""


@users_group.command("add")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES))
@click.option("--name", default="")
@click.password_option()
@click.pass_obj
def users_add(settings: config.Settings, username: str, roles: tuple[str, ...], name: str,
              password: str) -> None:
    """Add a user with one or more roles."""
    try:
        run_in_transaction(_factory(settings), lambda s: users.create_user(
            s, username, password, list(roles), name=name))
    except SenapasError as exc:
        raise click.ClickException(error_texts.describe(exc)) from exc
    click.echo(f"pengguna {username} ditambahkan")


@users_group.command("password")
@click.argument("username")
@click.password_option()
@click.pass_obj
def users_password(settings: config.Settings, username: str, password: str) -> None:
    """Set a user's password; their browser sessions and API tokens end."""
    try:
        run_in_transaction(_factory(settings), lambda s: users.set_password(s, username, password))
    except SenapasError as exc:
        raise click.ClickException(error_texts.describe(exc)) from exc
    click.echo(f"kata sandi {username} diganti; sesi dan token lamanya berakhir")


@main.group("libraries")
def libraries_group() -> None:
    """The library registry."""


@libraries_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def libraries_import(settings: config.Settings, path: Path) -> None:
    """Create or update libraries from a CSV file; the whole file is refused if a row is invalid."""
    report = run_in_transaction(_factory(settings), lambda s: importer.import_csv(s, path, ADMIN))
    for line, entry in report.warnings:
        click.echo(f"baris {line}: peringatan: {error_texts.text(entry['code'], entry['params'])}")
    if report.errors:
        for line, entry in report.errors:
            click.echo(f"baris {line}: {error_texts.text(entry['code'], entry['params'])}", err=True)
        raise click.ClickException(f"berkas ditolak ({len(report.errors)} kesalahan); tidak ada data yang disimpan")
    click.echo(f"{report.created} perpustakaan baru, {report.updated} diperbarui, {report.unchanged} tidak berubah")


@main.command()
@click.option("--once", is_flag=True, help="Fire what is due now, then stop.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls.")
@click.pass_obj
def worker(settings: config.Settings, once: bool, interval: float) -> None:
    """Fire due timers, tell about due and overdue tasks, send queued emails, prune ended rate-limit windows.

    Several workers may run against PostgreSQL. A lost database connection ends only the current
    poll: the worker logs it and polls again.
    """
    from psycopg import OperationalError as PgOperationalError
    from sqlalchemy.exc import DBAPIError

    from engine import rate_counts
    from web.config import from_env as web_settings

    context = config.context(settings, _factory(settings))
    web = web_settings()
    longest = max(web["COMPLAINT_RATE_LIMIT"][1], web["LOGIN_RATE_LIMIT"][1])
    notices = NoticeWorker(context, settings.smtp_url, notice_texts.composer(settings))
    try:
        while True:
            try:
                fired = timers.run_due(context)
                done = notices.run()
                run_in_transaction(context.factory, lambda s: rate_counts.prune(s, longest))
            except (DBAPIError, PgOperationalError) as exc:
                if once:
                    raise
                logging.getLogger(__name__).warning("database unavailable, polling again: %s",
                                                    str(exc).splitlines()[0])
                fired, done = 0, None
            if fired:
                click.echo(f"{fired} instance dengan timer jatuh tempo diproses")
            if done and (done.told or done.sent):
                click.echo(f"{done.told} notifikasi tenggat dibuat, {done.sent} email terkirim")
            if once:
                return
            time.sleep(interval)
    finally:
        notices.close()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--password", default=DEMO_PASSWORD, show_default=True,
              help="Password of every demo user (it must pass the password policy).")
@click.option("--empty", is_flag=True, help="People and libraries only: no cycles or complaints.")
@click.pass_obj
def demo(settings: config.Settings, host: str, port: int, password: str, empty: bool) -> None:
    """Prepare a demo database and run the web server and the timer worker in one process."""
    from web import demo as demo_setup
    from web.app import create_app

    context = config.context(settings, _factory(settings))
    try:
        demo_setup.prepare(settings, context.factory, password, say=click.echo, empty=empty)
    except SenapasError as exc:
        raise click.ClickException(error_texts.describe(exc)) from exc
    demo_setup.start_timer_thread(context, settings=settings)
    app = create_app(settings, {"SESSION_FACTORY": context.factory, "SECURE_COOKIES": False})
    url = f"http://{host}:{port}/"
    click.echo(f"\nSenapas berjalan di {url}")
    click.echo(f"Pengaduan publik: {url}complaints/new")
    click.echo(f"Login (kata sandi '{password}'): " + ", ".join(
        f"{u.username} ({u.role})" for u in demo_setup.DEMO_USERS))
    app.run(host=host, port=port, threaded=True, use_reloader=False)


@main.command()
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--timeout", default=60, show_default=True, type=int)
@click.pass_obj
def serve(settings: config.Settings, bind: str, workers: int, timeout: int) -> None:
    """Run the web app with gunicorn (run `senapas worker` beside it for timers)."""
    import os

    from web.app import create_app
    from web.serve import SenapasServer

    if not os.environ.get("SENAPAS_SECRET_KEY"):
        click.echo("peringatan: SENAPAS_SECRET_KEY tidak diatur; sesi hilang setiap kali server dimulai ulang",
                   err=True)
    SenapasServer(create_app(settings), {"bind": bind, "workers": workers, "timeout": timeout,
                                         "accesslog": "-"}).run()



@main.command("check")
@click.pass_obj
def check_command(settings: config.Settings) -> None:
    """Compare every instance's state with its task rows and audit trail; exit 1 on any finding."""
    from engine.workflow import check

    with _factory(settings)() as session:
        findings = check.check(session)
    for finding in findings:
        click.echo(str(finding))
    if findings:
        raise SystemExit(1)
    click.echo("tidak ada temuan")


@main.group("bench", invoke_without_command=True)
@click.option("--quick", is_flag=True, help="Small sizes that finish in a few minutes.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per result line.")
@click.option("--only", multiple=True, help="Run only these scenarios (repeatable).")
@click.pass_context
def bench_command(ctx: click.Context, quick: bool, as_json: bool, only: tuple[str, ...]) -> None:
    """Measure each scenario beside its floor on temporary databases (`bench soak`: the whole stack under load)."""
    import bench

    if ctx.invoked_subcommand is not None:
        return
    unknown = sorted(set(only) - set(bench.SCENARIOS))
    if unknown:
        raise click.BadParameter(f"unknown scenario {', '.join(unknown)}; choose from {', '.join(bench.SCENARIOS)}")
    bench.main(quick, as_json, only, echo=click.echo)


@bench_command.command("soak")
@click.option("--minutes", default=10.0, show_default=True, help="How long the people work.")
@click.option("--clients", default=50, show_default=True, help="How many simulated people.")
@click.option("--quick", is_flag=True, help="60 seconds, 10 people.")
@click.option("--faults", is_flag=True,
              help="Kill a web worker and a timer worker, restart the PostgreSQL cluster of --pg-url (once each).")
@click.option("--pg-url", default=None,
              help="A PostgreSQL server to create the soak database on (default: the local one on port 5432); "
                   "with --faults it is required and its cluster is the one restarted.")
def soak_command(minutes: float, clients: int, quick: bool, faults: bool, pg_url: str | None) -> None:
    """Run the whole stack under sustained load on a fresh database; one JSON line per figure; exit 1 on a failure."""
    from bench import soak

    if faults and not pg_url:
        raise click.UsageError("--faults restarts the PostgreSQL cluster of --pg-url: name it explicitly "
                               "(e.g. a private cluster: pg_createcluster 15 soak --port 5434 --start)")
    logging.getLogger().setLevel(logging.WARNING)
    plan = soak.Plan(seconds=60.0, clients=10, faults=faults) if quick else \
        soak.Plan(seconds=minutes * 60, clients=clients, faults=faults)
    results = soak.soak(plan, pg_url or soak.DEFAULT_PG_URL, on_result=lambda r: click.echo(r.json()),
                        say=lambda text: click.echo(text, err=True))
    failed = [r.metric for r in results if r.verdict == "below"]
    if failed:
        raise click.ClickException("soak failed: " + ", ".join(failed))
