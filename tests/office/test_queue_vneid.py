"""The office's search by phone finds citizens who signed in only with VNeID.

They have no phone account, only the phone the e-ID vouched for; a search by
that number once found nothing when the form carried another number.
"""

import uuid
from datetime import datetime

import pytest

from extensions import db
from models import Citizen, VneidIdentity
from services.dossiers.submission import create_dossier
from tests.office.helpers import add_complete_draft, answers_for, officer_client, search

VOUCHED_PHONE = "+84987001122"


@pytest.fixture
def code(app):
    """A VNeID-only citizen whose form gave a relative's number to call."""
    with app.app_context():
        citizen = Citizen(phone=None)
        db.session.add(citizen)
        db.session.flush()
        db.session.add(
            VneidIdentity(
                personal_id="019198004321", citizen_id=citizen.id, full_name="Nguyễn Thị Lan",
                phone=VOUCHED_PHONE, level="2", vouched_at=datetime(2026, 3, 1, 2, 0),
            )
        )  # fmt: skip
        answers = {**answers_for("khai-sinh"), "nguoi-yeu-cau.dien_thoai": "0912345678"}
        draft = add_complete_draft(citizen.id, "khai-sinh", None, "05665", answers)
        db.session.commit()
        return create_dossier(citizen.id, draft, uuid.uuid4().hex).code


@pytest.mark.parametrize("query", ["0987 001 122", "+84987001122", "0987001122"])
def test_the_phone_the_e_id_vouched_for_finds_the_dossier(app, code, query):
    assert code in search(officer_client(app, "tu-phap"), query)


def test_the_phone_typed_in_the_form_still_finds_it(app, code):
    assert code in search(officer_client(app, "tu-phap"), "0912345678")
