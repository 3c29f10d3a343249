"""Links in citizens' SMS never come from a Host header the client chose."""

import pytest

from services.desk.office_config import check_public_address
from services.messages import notify
from tests.conftest import read_sms
from tests.office.helpers import create_submitted_dossier


def receipt_sms_with_host(app, host: str) -> str:
    """The receipt SMS of a dossier filed by a request that came with this Host."""
    with app.test_request_context("/api/v1/dossiers", method="POST", headers={"Host": host}):
        create_submitted_dossier(receipt_sms=True)
    with app.app_context():
        notify.run_once(app)
    return read_sms(app)[-1]["body"]


def test_a_forged_host_header_never_becomes_the_link_in_the_receipt_sms(app):
    app.config["PUBLIC_BASE_URL"] = ""
    body = receipt_sms_with_host(app, "lua-dao.example")
    assert "lua-dao.example" not in body


def test_the_receipt_link_comes_from_public_base_url_whatever_the_host(app):
    app.config["PUBLIC_BASE_URL"] = "https://dichvucong.vanlang.gov.vn"
    body = receipt_sms_with_host(app, "lua-dao.example")
    assert "https://dichvucong.vanlang.gov.vn/" in body
    assert "lua-dao.example" not in body


def test_an_allowed_host_is_used_when_no_public_base_url_is_set(app):
    app.config["PUBLIC_BASE_URL"] = ""
    app.config["ALLOWED_HOSTS"] = ["dichvucong.vanlang.gov.vn"]
    body = receipt_sms_with_host(app, "dichvucong.vanlang.gov.vn")
    assert "dichvucong.vanlang.gov.vn/" in body


def test_production_without_a_public_address_refuses_to_start(monkeypatch):
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        check_public_address({"APP_ENV": "production", "PUBLIC_BASE_URL": ""})
    check_public_address({"APP_ENV": "production", "PUBLIC_BASE_URL": "https://dvc.example.vn"})
    check_public_address({"APP_ENV": "development", "PUBLIC_BASE_URL": ""})
