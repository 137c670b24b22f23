"""The Flask application factory: configuration, extensions, blueprints and error handlers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, redirect, request, url_for
from flask_limiter import Limiter
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from engine import config
from engine.config import Settings
from engine.db import open_database
from web import config as web_config
from web import db, errors, i18n, labels, security
from web.callers import login_manager
from web.extensions import csrf
from web.forms.render import datetime_input
from web.json_output import JSONOutput
from web.pages.history import columns
from web.ratelimit import DatabaseWindow, RedisWindow, Window, redis_limiter


def create_app(settings: Settings | None = None, test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app. `test_config` may carry SESSION_FACTORY to share an existing database."""
    settings = settings or config.from_env()
    app = Flask(__name__)
    app.json = JSONOutput(app)
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key,
        WTF_CSRF_TIME_LIMIT=None,  # tokens live as long as the session: long forms stay submittable
        TEMPLATES_AUTO_RELOAD=False,
        **web_config.from_env(),
    )
    if test_config:
        app.config.update(test_config)
    factory = app.config.get("SESSION_FACTORY") or open_database(settings.database_url, settings.db_pool_size)
    limiter = redis_limiter(app.config["REDIS_URL"]) if app.config.get("REDIS_URL") else None
    if limiter is not None:
        limiter.init_app(app)
    app.extensions["senapas"] = db.WebState(
        settings=settings, context=config.context(settings, factory),
        complaints=_window(app, "complaint", factory, limiter), logins=_window(app, "login", factory, limiter))
    app.url_map.converters["int"] = StoredInteger
    if app.config["PROXY_HOPS"]:
        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    security.configure_cookies(app)
    i18n.init(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    errors.register(app)
    app.teardown_appcontext(db.close_session)
    app.jinja_env.filters.update(labels.FILTERS)
    app.jinja_env.globals.update(csrf_token=generate_csrf, url_with=url_with)
    app.jinja_env.filters.update(datetime_input=datetime_input, table_columns=columns)
    app.context_processor(lambda: {"lang": errors.locale()})
    _register_blueprints(app)
    app.add_url_rule("/", "index", lambda: redirect(url_for("tasks.index")))
    return app


def _window(app: Flask, name: str, factory: sessionmaker[Session], limiter: Limiter | None) -> Window:
    """The shared counter of one rate limit: on Redis when SENAPAS_REDIS_URL is set, else in the database."""
    limit, seconds = app.config[f"{name.upper()}_RATE_LIMIT"]
    if limiter is not None:
        return RedisWindow(f'{app.config["REDIS_PREFIX"]}:{name}', limit, seconds, limiter)
    return DatabaseWindow(name, limit, seconds, factory)


class StoredInteger(IntegerConverter):
    """`<int:...>` in every route: numbers beyond a PostgreSQL `integer` (2**31 - 1) match no route (404)."""

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = 2**31 - 1, signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits, min, max, signed)


def url_with(**changes: Any) -> str:
    """The current path with some query arguments changed (None removes one)."""
    args = request.args.to_dict()
    args.update({k: str(v) for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        args.pop(key, None)
    return request.path + ("?" + urlencode(args) if args else "")


def _register_blueprints(app: Flask) -> None:
    from web.api import bp as api_bp
    from web.pages import (
        account,
        admin,
        auth,
        complaints,
        dashboard,
        definitions,
        documents,
        exports,
        instances,
        libraries,
        tasks,
    )
    from web.pages import notifications as notification_pages
    from web.pages.editor import bp as editor_bp

    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(tasks.bp)
    app.register_blueprint(instances.bp)
    app.register_blueprint(definitions.bp)
    app.register_blueprint(editor_bp)
    app.register_blueprint(complaints.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(libraries.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(admin.bp)
    app.before_request(account.require_new_password)
    app.register_blueprint(notification_pages.bp)
    csrf.exempt(api_bp)  # the API checks CSRF itself, only for cookie-authenticated calls
    app.register_blueprint(api_bp)
