"""Results as each agency records them, fees from the catalog, paying at the office,
and the commune's statistics."""

from datetime import date, datetime, timedelta

import pytest

from domain.clock import today_vn
from services.desk import office, stats
from services.dossiers import payments
from tests.domain.sample_answers import personal_id_for
from tests.helpers import sign_in_as
from tests.office.helpers import (
    act,
    create_submitted_dossier,
    csrf_of,
    dossier,
    officer_client,
    officer_of,
    result_for,
)


@pytest.fixture
def at_justice(app):
    with app.app_context():
        code = create_submitted_dossier()
        act(code, "tu-phap", "accept")
        return code


def a_girls_number(answers: dict) -> str:
    """The boy's birth year, a girl's digit: not a fixed "019326…", whose 2026
    stops agreeing with a child born 5 days ago once 2027 comes."""
    return personal_id_for(date.fromisoformat(answers["tre.ngay_sinh"]), "nu", "009876")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"so_dinh_danh_tre": "019226"}, "phải gồm đúng 12 chữ số"),
        ({"so_dinh_danh_tre": a_girls_number}, "không khớp với giới tính"),
        ({"so_dang_ky": ""}, "Hãy nhập số đăng ký"),
    ],
)
def test_a_wrong_result_is_refused_next_to_its_field(app, at_justice, change, message):
    client = officer_client(app, "tu-phap")
    with app.app_context():
        answers = dossier(at_justice).answers
        change = {k: v(answers) if callable(v) else v for k, v in change.items()}
        result = {**result_for("dang-ky-khai-sinh", answers), **change}
        version = dossier(at_justice).version
    page = client.get(f"/can-bo/ho-so/{at_justice}").text
    response = client.post(
        f"/can-bo/ho-so/{at_justice}/thao-tac",
        data={"csrf_token": csrf_of(page), "action": "record_result", "version": version,
              "procedure_id": "dang-ky-khai-sinh", **{f"kq-{k}": v for k, v in result.items()}},
    )  # fmt: skip
    assert response.status_code == 400
    assert message in response.text
    with app.app_context():
        assert dossier(at_justice).progress[0].status == 4


def test_the_fee_for_extra_copies_comes_from_the_catalog(app, at_justice):
    with app.app_context():
        answers = dossier(at_justice).answers
    assert answers["ban-sao.so_ban_sao"] == "1"
    assert payments.suggested_fee("dang-ky-khai-sinh", answers) == (8000, "1 bản sao trích lục")
    assert payments.suggested_fee("cap-the-bhyt", answers) == (0, "")
    page = officer_client(app, "tu-phap").get(f"/can-bo/ho-so/{at_justice}").text
    assert 'name="amount" inputmode="numeric" class="input-phone" value="8000"' in page


def test_paying_at_the_office_pauses_and_resumes_the_step(app, at_justice):
    with app.app_context():
        act(at_justice, "tu-phap", "request_payment", "dang-ky-khai-sinh",
            amount="8.000", reason="1 bản sao trích lục")  # fmt: skip
        d = dossier(at_justice)
        assert d.status == 6
        assert "Nộp 8.000 đồng (1 bản sao trích lục) tại Bộ phận một cửa" in d.events[-1].detail
        act(at_justice, "tu-phap", "confirm_payment", "dang-ky-khai-sinh")
        d = dossier(at_justice)
        assert d.status == 2 and d.events[-1].note == "Đã nhận 8.000 đồng."


def test_the_delivery_choice_and_postal_fee_are_shown_to_the_citizen(app):
    from extensions import db
    from models import Citizen

    with app.app_context():
        code = create_submitted_dossier()
        citizen_id = db.session.scalars(db.select(Citizen.id)).first()
    client = app.test_client()
    sign_in_as(app, client, citizen_id=citizen_id)
    page = client.get(f"/ho-so/{code}").text
    assert "Qua bưu chính công ích" in page and "25.000 đồng" in page


def vn(*args):
    return datetime(*args) - timedelta(hours=7)


def run_chain(code, start: datetime, step_days: list[int]):
    """Accept at `start`, then each step done `days` later (calendar days)."""
    d = dossier(code)
    office.perform(d, "tu-phap", office.ActionInput("accept", d.version),
                   officer=officer_of("tu-phap"), now=start)  # fmt: skip
    when = start
    for (role, pid), days in zip(
        [
            ("tu-phap", "dang-ky-khai-sinh"),
            ("cong-an", "dang-ky-thuong-tru"),
            ("bhxh", "cap-the-bhyt"),
        ],
        step_days,
        strict=False,
    ):
        when = when + timedelta(days=days, hours=1)
        d = dossier(code)
        result = result_for(pid, d.answers)
        if "ngay_dang_ky" in result:
            result["ngay_dang_ky"] = "2026-03-02"
        office.perform(d, role, office.ActionInput("record_result", d.version, pid, result=result),
                       officer=officer_of(role), now=when)  # fmt: skip


def test_statistics_count_by_status_and_procedure_with_on_time_rate_and_median(app):
    with app.app_context():
        on_time = create_submitted_dossier()
        late = create_submitted_dossier(phone="+84987654321")
        create_submitted_dossier(phone="+84987654322")  # still new
        # Monday 2/3/2026 09:00; the on-time chain is done by Wednesday.
        run_chain(on_time, vn(2026, 3, 2, 9), [0, 1, 1])
        run_chain(late, vn(2026, 3, 2, 9), [2, 7, 7])
        result = stats.commune_stats("05665", today_vn())
    assert result.total.received == 3
    assert dict((s, n) for s, _, n in result.by_status)[1] == 1
    assert dict((s, n) for s, _, n in result.by_status)[9] == 2
    assert (result.total.completed, result.total.outcomes["dung-han"]) == (2, 1)
    birth = next(p for p in result.procedures if p.key == "dang-ky-khai-sinh")
    assert birth.completed == 2 and birth.outcomes["dung-han"] == 1
    assert birth.median == 1  # 0 and 2 working days
    page = officer_client(app, "quan-tri").get("/can-bo/thong-ke").text
    assert '<dd id="stat-on-time">50%' in page
    assert "1 ngày làm việc" in page
