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
from engine.people import users
from engine.people.roles import ROLES
from engine.workflow import timers
from web import error_texts
from web.demo import DEMO_PASSWORD

ADMIN = users.Actor("admin", frozenset({"admin"}))


def _factory(settings: config.Settings) -> sessionmaker[Session]:
    return open_database(settings.database_url)


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
    """Fire due timers; several workers may run against PostgreSQL."""
    context = config.context(settings, _factory(settings))
    while True:
        fired = timers.run_due(context)
        if fired:
            click.echo(f"{fired} instance dengan timer jatuh tempo diproses")
        if once:
            return
        time.sleep(interval)


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
    demo_setup.start_timer_thread(context)
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


@main.command("bench")
@click.option("--quick", is_flag=True, help="Small sizes that finish in a few minutes.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per result line.")
@click.option("--only", multiple=True, help="Run only these scenarios (repeatable).")
def bench_command(quick: bool, as_json: bool, only: tuple[str, ...]) -> None:
    """Measure each scenario beside its floor on temporary databases."""
    import bench

    unknown = sorted(set(only) - set(bench.SCENARIOS))
    if unknown:
        raise click.BadParameter(f"unknown scenario {', '.join(unknown)}; choose from {', '.join(bench.SCENARIOS)}")
    bench.main(quick, as_json, only, echo=click.echo)
