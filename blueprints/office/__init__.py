"""The office: officers' sign-in, the queue, dossier processing, commune admin.

Every view is guarded by ``officer_required`` (signed in as an officer of a
commune); dossiers are looked up through ``services.desk.office.officer_dossier``,
so an officer of another commune, or of an agency the dossier has not reached,
gets 404. What each role may do is ``domain.workflow``.
"""

from flask import Blueprint

from services.desk import office_config

bp = Blueprint("office", __name__, url_prefix="/can-bo")
bp.record_once(lambda state: office_config.init_app(state.app))

from blueprints.office import (  # noqa: E402, F401
    actions,
    admin,
    auth,
    dossiers,
    filing,
    papers,
    passkey,
    reports,
    slips,
    staff,
)
