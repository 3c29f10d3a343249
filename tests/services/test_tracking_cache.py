"""The public status lookup answers from a per-process copy keyed by the dossier's
version: a change made by the office shows at once."""

import pytest

from services.dossiers import tracking
from tests.office.helpers import act, create_submitted_dossier


def test_a_lookup_after_an_office_action_shows_the_new_status(app):
    with app.test_request_context(method="POST"):
        code = create_submitted_dossier()
        before = tracking.lookup_status(code, "5678")
        assert tracking.lookup_status(code, "5678") is before  # the kept copy
        act(code, "tu-phap", "accept")
        after = tracking.lookup_status(code, "5678")
    assert after["status"] != before["status"]
    assert len(after["events"]) == len(before["events"]) + 1


def test_a_wrong_last4_or_code_finds_nothing(app):
    # A request context: the lookup counts failures per address.
    with app.test_request_context(method="POST"):
        code = create_submitted_dossier()
        assert tracking.lookup_status(code, "0000") is None
        with pytest.raises(tracking.LookupRefused):  # not 4 digits: not even tried
            tracking.lookup_status(code, "56789")
        assert tracking.lookup_status(code.replace("-0001", "-0002"), "5678") is None
        assert tracking.lookup_status(f" {code.lower()} ", "5 6 7 8") is not None
