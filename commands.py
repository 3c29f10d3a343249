"""Command-line tasks: `flask --app app seed-demo`, `create-officer`, `notify-worker`."""

import re
import signal
import time

import click
from flask import Flask, current_app
from sqlalchemy import delete, select

from domain.communes import get_commune
from domain.errors import RuleError
from domain.workflow import ROLES
from extensions import db
from models import Commune, Officer


def default_agency_code(commune_code: str) -> str:
    """Until a province sets the real electronic code (Circular 10/2016/TT-BTTTT),
    'X' + the 5-digit commune code keeps dossier codes unique per commune."""
    return f"X{commune_code}"


def enable_commune(
    code: str,
    officer_name: str,
    officer_phone: str,
    office_hours: str,
    agency_code: str | None = None,
) -> Commune:
    if get_commune(code) is None:
        raise click.ClickException(f"No commune with code {code}")
    commune = db.session.get(Commune, code) or Commune(code=code)
    commune.agency_code = agency_code or commune.agency_code or default_agency_code(code)
    commune.officer_name = officer_name
    commune.officer_phone = officer_phone
    commune.office_hours = office_hours
    db.session.add(commune)
    db.session.commit()
    return commune


def officer_named(username: str) -> Officer:
    """The officer with this username (any spelling of its case), else a CLI error."""
    from services.identity.officer_auth import normalize_username

    officer = db.session.scalars(
        select(Officer).where(Officer.username == normalize_username(username))
    ).first()
    if officer is None:
        raise click.ClickException(f"No officer {username}")
    return officer


def register_commands(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo():
        """Enable the demo commune Xã Văn Lăng (05665, Thái Nguyên) with placeholder contacts."""
        config = current_app.config
        commune = enable_commune(
            "05665",
            config["DEMO_OFFICER_NAME"],
            config["DEMO_OFFICER_PHONE"],
            config["DEMO_OFFICE_HOURS"],
        )
        click.echo(f"Commune {commune.code} ready, agency code {commune.agency_code}")

    @app.cli.command("enable-commune")
    @click.argument("code")
    @click.option("--officer-name", required=True)
    @click.option("--officer-phone", required=True)
    @click.option("--office-hours", default="Thứ Hai - Thứ Sáu, giờ hành chính")
    @click.option("--agency-code", default=None, help="Electronic agency code of the commune")
    def enable_commune_command(code, officer_name, officer_phone, office_hours, agency_code):
        """Let a commune receive dossiers, with its officer's contact."""
        commune = enable_commune(code, officer_name, officer_phone, office_hours, agency_code)
        click.echo(f"Commune {commune.code} ready, agency code {commune.agency_code}")

    register_office_commands(app)

    from services.dossiers import retention

    retention.register_commands(app)


USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")


def create_officer(
    username: str, password: str, commune: str, role: str, full_name: str
) -> Officer:
    from services.identity.officer_auth import hash_password, normalize_username

    username = normalize_username(username)
    if not USERNAME.fullmatch(username):
        raise click.ClickException(
            "Username: 3-64 lowercase letters, digits, dots, dashes or underscores"
        )
    if role not in ROLES:
        raise click.ClickException(f"Role must be one of: {', '.join(ROLES)}")
    if db.session.get(Commune, commune) is None:
        raise click.ClickException(
            f"Commune {commune} does not receive dossiers yet: run enable-commune first"
        )
    if db.session.scalars(select(Officer).where(Officer.username == username)).first():
        raise click.ClickException(f"Username {username} is taken")
    try:
        password_hash = hash_password(password)
    except RuleError as error:
        raise click.ClickException("Password must be at least 10 characters") from error
    officer = Officer(
        username=username,
        password_hash=password_hash,
        commune_code=commune,
        role=role,
        full_name=full_name.strip(),
    )
    db.session.add(officer)
    db.session.commit()
    return officer


def register_office_commands(app: Flask) -> None:
    @app.cli.command("create-officer")
    @click.argument("username")
    @click.option("--commune", required=True, help="5-digit commune code, e.g. 05665")
    @click.option("--role", required=True, type=click.Choice(list(ROLES)), help="What they do")
    @click.option("--name", "full_name", required=True, help="Full name, shown to colleagues")
    @click.password_option(envvar="OFFICER_PASSWORD", help="At least 10 characters")
    def create_officer_command(username, commune, role, full_name, password):
        """Create an officer account (the password is asked twice, or OFFICER_PASSWORD)."""
        officer = create_officer(username, password, commune, role, full_name)
        click.echo(f"Officer {officer.username} ({ROLES[officer.role]}) of {commune} created")

    @app.cli.command("set-officer-password")
    @click.argument("username")
    @click.password_option(envvar="OFFICER_PASSWORD", help="At least 10 characters")
    def set_officer_password(username, password):
        """Set a new password for an officer (e.g. a forgotten one)."""
        from services.identity.officer_auth import hash_password

        officer = officer_named(username)
        try:
            # Setting the attribute ends every session of the officer in the
            # same transaction (services.identity.sessions): a copied cookie dies too.
            officer.password_hash = hash_password(password)
        except RuleError as error:
            raise click.ClickException("Password must be at least 10 characters") from error
        db.session.commit()
        click.echo(f"Password of {officer.username} changed; their sessions are ended")

    @app.cli.command("reset-officer-passkeys")
    @click.argument("username")
    def reset_officer_passkeys(username):
        """Remove an officer's passkeys (a lost device); the next sign-in makes a new one."""
        from models import Passkey
        from services.identity import sessions

        officer = officer_named(username)
        removed = db.session.execute(
            delete(Passkey).where(Passkey.officer_id == officer.id)
        ).rowcount
        # A bulk delete passes no object through the session's watch: end
        # the sessions here, in the same transaction.
        sessions.end_all("officer", officer.id, "reset")
        db.session.commit()
        click.echo(
            f"{removed} passkey(s) of {officer.username} removed and their sessions ended; "
            "the next sign-in after the password makes a new one"
        )

    @app.cli.command("deactivate-officer")
    @click.argument("username")
    def deactivate_officer(username):
        """Lock an officer out (someone who left): sign-in refused, sessions ended."""
        officer = officer_named(username)
        officer.active = False  # ends their sessions (services.identity.sessions)
        db.session.commit()
        click.echo(f"Officer {officer.username} deactivated; their sessions are ended")

    @app.cli.command("notify-worker")
    @click.option("--once", is_flag=True, help="Send what is due now, then exit")
    @click.option("--poll", default=5.0, show_default=True, help="Seconds between passes")
    def notify_worker(once, poll):
        """Send the citizens' SMS and emails from the outbox, with retries."""
        from services.messages import notify

        app = current_app._get_current_object()
        if once:
            report = notify.run_once(app)
            click.echo(
                f"sent {report.sent}, retry later {report.retried}, gave up {report.gave_up}"
            )
            return
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        click.echo("Notify worker started (Ctrl+C to stop)")
        try:
            while not stopping:
                report = notify.run_once(app)
                if report.handled:
                    click.echo(f"sent {report.sent}, retry later {report.retried}")
                else:
                    time.sleep(poll)
        except KeyboardInterrupt:
            pass
        click.echo("Notify worker stopped")
