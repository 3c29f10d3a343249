"""Command-line tasks: `flask --app app seed-demo`."""

import click
from flask import Flask, current_app

from domain.communes import get_commune
from extensions import db
from models import Commune


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
