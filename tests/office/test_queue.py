"""The queue: search, overdue marks, what each agency sees; deadlines per procedure."""

from datetime import date, datetime, timedelta

import pytest

from extensions import db
from models import Dossier
from services.desk import office
from tests.office.helpers import (
    act,
    create_submitted_dossier,
    dossier,
    officer_client,
    officer_of,
    result_for,
    search,
)


@pytest.fixture
def code(app):
    with app.app_context():
        return create_submitted_dossier()


@pytest.mark.parametrize(
    "query",
    [
        "x05665-{day}-0001",  # the code, in lower case
        "tran minh an",  # the child, without tone marks
        "Nguyễn Thị Lan",  # the requester, as written
        "0912 345 678",  # the phone, with spaces
        "+84912345678",
    ],
)
def test_the_justice_officer_finds_a_dossier_by_code_name_or_phone(app, code, query):
    query = query.format(day=code.split("-")[1])
    assert f"/can-bo/ho-so/{code}" in search(officer_client(app, "tu-phap"), query)


def test_a_personal_id_number_finds_the_dossier(app, code):
    with app.app_context():
        mother_id = dossier(code).answers["nguoi-yeu-cau.so_dinh_danh"]
    assert f"/can-bo/ho-so/{code}" in search(officer_client(app, "tu-phap"), mother_id)


def test_a_search_that_finds_nothing_says_what_to_check(app, code):
    assert "Không tìm thấy hồ sơ nào" in search(officer_client(app, "tu-phap"), "le van khong co")


def test_a_search_without_the_csrf_token_is_refused(app, code):
    response = officer_client(app, "tu-phap").post("/can-bo/", data={"q": code})
    assert response.status_code == 400


def test_overdue_dossiers_are_marked_in_the_queue(app, code):
    with app.app_context():
        d = dossier(code)
        d.due_date = date(2020, 1, 2)
        db.session.commit()
    page = officer_client(app, "tu-phap").get("/can-bo/").text
    assert "Quá hạn" in page and 'class="late"' in page


def test_a_dossier_waiting_for_the_citizen_is_never_overdue(app, code):
    with app.app_context():
        act(code, "tu-phap", "request_supplement", reason="Chụp lại tờ khai")
        d = dossier(code)
        d.due_date = date(2020, 1, 2)
        db.session.commit()
        assert not office.is_overdue(dossier(code), date.today())


def test_the_police_queue_holds_only_dossiers_forwarded_to_the_police(app, code):
    with app.app_context():
        other = create_submitted_dossier(phone="+84987654321")
        for c in (code, other):
            act(c, "tu-phap", "accept")
        answers = dossier(code).answers
        act(code, "tu-phap", "record_result", "dang-ky-khai-sinh",
            result=result_for("dang-ky-khai-sinh", answers))  # fmt: skip
    page = officer_client(app, "cong-an").get("/can-bo/").text
    assert f"/can-bo/ho-so/{code}" in page
    assert f"/can-bo/ho-so/{other}" not in page


def vn(*args) -> datetime:
    """A Vietnam local time as the naive UTC the database keeps."""
    return datetime(*args) - timedelta(hours=7)


def test_deadlines_count_working_days_from_acceptance_with_holidays_and_the_15h_rule(app, code):
    with app.app_context():
        d = dossier(code)
        # Wednesday 29/4/2026 at 16:00: after 15:00, and 30/4 and 1/5 are public holidays.
        office.perform(d, "tu-phap", office.ActionInput("accept", d.version),
                       officer=officer_of("tu-phap"), now=vn(2026, 4, 29, 16, 0))  # fmt: skip
        d = dossier(code)
        assert [p.due_date for p in d.progress] == [
            date(2026, 5, 4),  # birth registration: the same working day, Monday
            date(2026, 5, 6),  # residence: 2 working days after
            date(2026, 5, 6),  # insurance card: 2 working days after
        ]
        assert d.due_date == date(2026, 5, 7)  # the whole chain: 3 working days


def test_the_days_work_lists_new_dossiers_to_acknowledge_beside_running_ones(app, code):
    # Their order is by due day (tests/office/test_worklist.py), not by status.
    with app.app_context():
        second = create_submitted_dossier(phone="+84987654321")
        act(code, "tu-phap", "accept")
        assert db.session.get(Dossier, dossier(second).id).status == 1
    page = officer_client(app, "tu-phap").get("/can-bo/?xem=can-xu-ly").text
    assert second in page and code in page and "Tiếp nhận hồ sơ" in page


@pytest.mark.parametrize("query", ["①②③④", "²²²²", "١٢٣٤٥٦"])
def test_a_search_of_digits_from_other_scripts_answers_instead_of_crashing(app, code, query):
    assert "Không tìm thấy hồ sơ nào" in search(officer_client(app, "tu-phap"), query)


@pytest.mark.parametrize("page", ["99999999999999999999999", "²", "0", "-1", "abc"])
def test_a_page_number_that_cannot_be_is_a_400_that_says_where_to_go(app, code, page):
    response = officer_client(app, "tu-phap").get("/can-bo/", query_string={"trang": page})
    assert response.status_code == 400
    assert "Số trang không hợp lệ" in response.get_data(as_text=True)


@pytest.mark.parametrize("tab", ["²", "①", "99999999999999999999999", "khong-co"])
def test_a_queue_filter_that_does_not_exist_is_a_400_with_a_message(app, code, tab):
    response = officer_client(app, "tu-phap").get("/can-bo/", query_string={"xem": tab})
    assert response.status_code == 400
    assert "Không có mục này" in response.get_data(as_text=True)


def test_a_real_page_and_status_filter_still_list_dossiers(app, code):
    response = officer_client(app, "tu-phap").get(
        "/can-bo/", query_string={"xem": "1", "trang": "1"}
    )
    assert response.status_code == 200
    assert f"/can-bo/ho-so/{code}" in response.get_data(as_text=True)


def test_a_name_stored_with_invisible_characters_is_found_by_the_name_as_typed(app):
    from tests.office.helpers import answers_for

    answers = answers_for("khai-sinh")
    answers["nguoi-yeu-cau.ho_ten"] = "Ng\u00aduy\u1ec5n Th\u1ecb\u200b H\u1ed3ng"
    with app.app_context():
        # As an answer saved before the checks refused such characters.
        code = create_submitted_dossier(answers=answers)
    assert f"/can-bo/ho-so/{code}" in search(officer_client(app, "tu-phap"), "nguyen thi hong")
