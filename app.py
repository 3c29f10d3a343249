"""Application factory: `flask --app app run`."""

from flask import Flask

from config import INSTANCE_DIR, Config
from extensions import csrf, db, limiter, migrate, office_networks


class App(Flask):
    """Flask, with the answer to "is this hook a coroutine?" kept per hook.

    Flask asks inspect.iscoroutinefunction of every before-request,
    after-request and teardown function on every request (thirteen here):
    the same answer each time, 7% of a cached status lookup's own work.
    None of this app's hooks or views is async."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict = {}

    def ensure_sync(self, func):
        kept = self._sync.get(func)
        if kept is None:
            kept = self._sync[func] = super().ensure_sync(func)
        return kept


def create_app(config: dict | None = None) -> Flask:
    app = App(__name__, instance_path=str(INSTANCE_DIR))
    app.config.from_object(Config())
    if config:
        app.config.update(config)
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    office_networks(app.config["OFFICE_NETWORKS"])  # a mistyped CIDR stops the start
    from domain import declarations

    declarations.parse(app.config["ELECTRONIC_DECLARATION"])  # so does a mistyped procedure

    from services import logs

    logs.init_app(app)  # LOG_FORMAT=json: one JSON object a line
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)

    import models  # noqa: F401  (registers the tables with SQLAlchemy)
    from services import database, web
    from services.identity import sessions
    from services.messages import sms

    with app.app_context():
        database.tune_engine(db.engine)
    app.extensions["sms_sender"] = sms.sender_from_config(app.config)

    from services import input as request_input

    # Before the blueprints: their <int:…> routes are compiled with its converter.
    request_input.init_app(app)
    from blueprints import register_blueprints

    register_blueprints(app)
    from services.identity.vneid import client as vneid_client

    vneid_client.init_app(app)
    from services import operations

    operations.init_app(app)  # /healthz, /readyz, /metrics; 503 when the database is away
    # After the blueprints: only then are all the routes' limits known.
    limiter.only_where_asked(app)
    from blueprints.api import status_fast_path

    status_fast_path.init_app(app)  # before web's ProxyFix, which must wrap it
    web.init_app(app)
    sessions.init_app(app)
    from services import access_log

    access_log.init_app(app)  # no query values (OIDC codes, phone numbers) in access logs

    from commands import register_commands

    register_commands(app)
    return app
