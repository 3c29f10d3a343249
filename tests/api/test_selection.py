"""Only what fits (issue 16): procedures the catalog excludes together are
refused by the server with the reason, before any code is sent."""

from tests.api.flow import complete_draft
from tests.conftest import read_sms

BOTH = ["dang-ky-khai-tu", "xoa-thuong-tru", "tro-cap-mai-tang", "ho-tro-mai-tang"]


def test_funeral_allowance_and_funeral_cost_support_together_are_refused_with_why(api, app):
    draft_id = complete_draft(api, "khai-tu", BOTH)
    check = api.post(f"/drafts/{draft_id}/check").get_json()
    assert check["ok"] is False
    assert "không được hưởng trợ cấp mai táng" in check["selection_error"]

    refused = api.post(f"/drafts/{draft_id}/confirmation-code")
    assert 400 <= refused.status_code < 500
    assert read_sms(app) == []


def test_either_funeral_procedure_alone_passes_the_check(api):
    for funeral in ("tro-cap-mai-tang", "ho-tro-mai-tang"):
        draft_id = complete_draft(api, "khai-tu", ["dang-ky-khai-tu", funeral])
        assert api.post(f"/drafts/{draft_id}/check").get_json()["ok"] is True
