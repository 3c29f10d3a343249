"""The queue's search also finds a dossier by what was recorded on it: a
registration or notice number, the subject's personal ID number, the postal
tracking number."""

import pytest

from tests.office.helpers import (
    act,
    child_id,
    create_submitted_dossier,
    dossier,
    officer_client,
    result_for,
    search,
)


@pytest.fixture
def posted(app):
    """A birth dossier done at every agency and its result posted."""
    with app.app_context():
        code = create_submitted_dossier()
        other = create_submitted_dossier()  # must not come up
        answers = dossier(code).answers
        act(code, "tu-phap", "accept")
        for role, pid in (("tu-phap", "dang-ky-khai-sinh"), ("cong-an", "dang-ky-thuong-tru"),
                          ("bhxh", "cap-the-bhyt")):  # fmt: skip
            act(code, role, "record_result", pid, result=result_for(pid, answers))
        act(code, "tu-phap", "send_by_post", tracking="eb 123 456 789 vn")
        return code, other, child_id(answers)


@pytest.mark.parametrize(
    "query",
    ["EB123456789VN", "eb123456789vn", "TB-2026-77", "tb-2026-77", "1926001234"],
    ids=["tracking", "tracking-lower", "notice", "notice-lower", "insurance-number"],
)
def test_a_recorded_number_finds_the_dossier(app, posted, query):
    code, other, _ = posted
    page = search(officer_client(app, "tu-phap"), query)
    assert code in page
    assert other not in page


def test_the_childs_new_personal_id_number_finds_the_dossier(app, posted):
    code, other, child = posted
    page = search(officer_client(app, "tu-phap"), f"{child[:4]} {child[4:8]} {child[8:]}")
    assert code in page and other not in page


def test_the_deceaseds_personal_id_number_finds_the_death_dossier(app):
    with app.app_context():
        code = create_submitted_dossier("khai-tu")
        deceased = dossier(code).answers["nguoi-mat.so_dinh_danh"]
    assert code in search(officer_client(app, "tu-phap"), deceased)


def test_another_communes_officer_does_not_find_it_by_its_tracking_number(app, posted):
    from commands import enable_commune

    with app.app_context():
        enable_commune("02143", "Cán bộ xã khác", "0123 456 789", "Giờ hành chính")
    code, _, _ = posted
    assert code not in search(officer_client(app, "tu-phap", "02143"), "EB123456789VN")
