"""Every slip renders as an A4 PDF in Vietnamese whose QR opens the dossier's
public tracking link and whose barcode is the dossier code."""

import html
import re
import shutil
import subprocess
from datetime import datetime, timedelta

import pytest
import zxingcpp
from PIL import Image

from domain import clock
from services.desk import office
from tests.helpers import sign_in_as
from tests.office.helpers import (
    create_submitted_dossier,
    dossier,
    officer_client,
    officer_of,
    result_for,
)

BASE = "https://dichvucong.vanlang.gov.vn"


def vn(*args) -> datetime:
    return datetime(*args) - timedelta(hours=7)


def perform(code, role, action, pid=None, when=None, **fields):
    d = dossier(code)
    inp = office.ActionInput(action, d.version, pid, **fields)
    return office.perform(d, role, inp, officer=officer_of(role), now=when)


def make_dossiers() -> tuple[str, str]:
    """A late dossier with every event a slip needs, and a refused one, in one
    story: both filed on Monday 2/3/2026 in the morning (the app's clock set to
    that day, so the receipt, the code and the answers agree with the events)."""
    with clock.frozen(vn(2026, 3, 2, 7, 30)):
        code = create_submitted_dossier()
    perform(code, "tu-phap", "accept", when=vn(2026, 3, 2, 9, 0))
    perform(code, "tu-phap", "request_supplement", "dang-ky-khai-sinh",
            when=vn(2026, 3, 2, 10), reason="Ảnh giấy chứng sinh bị mờ, hãy chụp lại")  # fmt: skip
    d = dossier(code)
    office.perform(d, "citizen", office.ActionInput("resubmit", d.version),
                   now=vn(2026, 3, 3, 9))  # fmt: skip
    d = dossier(code)
    result = {**result_for("dang-ky-khai-sinh", d.answers), "ngay_dang_ky": "2026-03-05"}
    perform(code, "tu-phap", "record_result", "dang-ky-khai-sinh",
            when=vn(2026, 3, 5, 10), result=result)  # fmt: skip
    perform(code, "tu-phap", "apologize", when=vn(2026, 3, 6, 9),
            reason="Chờ xác minh nơi cư trú", new_date="2026-03-12")  # fmt: skip
    with clock.frozen(vn(2026, 3, 2, 8, 0)):
        refused = create_submitted_dossier(phone="+84987654321")
    perform(refused, "tu-phap", "refuse", when=vn(2026, 3, 2, 9, 30), reason="Tờ khai chưa ký tên")
    return code, refused


@pytest.fixture
def codes(app):
    app.config["PUBLIC_BASE_URL"] = BASE
    with app.app_context():
        return make_dossiers()


def text_and_codes(data: bytes, tmp_path) -> tuple[str, list[str]]:
    assert shutil.which("pdftotext"), "pdftotext missing: make test installs poppler-utils"
    pdf = tmp_path / "slip.pdf"
    pdf.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    page = Image.open(next(tmp_path.glob("page-*.png")))
    assert page.size[0] < page.size[1]  # A4 portrait
    found = [r.text for r in zxingcpp.read_barcodes(page)]
    return " ".join(text.split()), found


SLIPS = {
    "tiep-nhan": ["GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Nguyễn Thị Lan",
                  "Đăng ký khai sinh", "Thời gian trả kết quả", "Giấy chứng sinh"],
    "bo-sung": ["PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Ảnh giấy chứng sinh bị mờ",
                "7 ngày làm việc"],
    "xin-loi": ["PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "Chờ xác minh nơi cư trú",
                "12/03/2026", "thành thật xin lỗi"],
    "kiem-soat": ["PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Tiếp nhận hồ sơ",
                  "Trễ hạn", "Nộp bổ sung"],
}  # fmt: skip


@pytest.mark.parametrize("kind", SLIPS)
def test_each_slip_prints_its_words_and_scans_back_to_the_tracking_link(app, codes, kind, tmp_path):
    code, _ = codes
    response = officer_client(app, "tu-phap").get(f"/can-bo/ho-so/{code}/phieu/{kind}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text, found = text_and_codes(response.data, tmp_path)
    for words in [*SLIPS[kind], code, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]:
        assert words in text, words
    assert f"{BASE}/theo-doi?ma={code}" in found
    assert code in found  # the Code 39 barcode


def test_the_refusal_slip_carries_the_reason(app, codes, tmp_path):
    _, refused = codes
    response = officer_client(app, "tu-phap").get(f"/can-bo/ho-so/{refused}/phieu/tu-choi.pdf")
    text, found = text_and_codes(response.data, tmp_path)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and "Tờ khai chưa ký tên" in text
    assert f"{BASE}/theo-doi?ma={refused}" in found


def test_the_dossier_page_offers_each_slip_to_print(app, codes):
    code, refused = codes
    page = officer_client(app, "tu-phap").get(f"/can-bo/ho-so/{code}").text
    for kind in SLIPS:
        assert f"/can-bo/ho-so/{code}/phieu/{kind}.pdf" in page
    assert "/phieu/tu-choi.pdf" not in page  # nothing was refused on this one


def test_a_slip_of_an_event_that_did_not_happen_is_a_404(app, codes):
    _, refused = codes
    client = officer_client(app, "tu-phap")
    assert client.get(f"/can-bo/ho-so/{refused}/phieu/xin-loi.pdf").status_code == 404
    assert client.get(f"/can-bo/ho-so/{refused}/phieu/khong-co.pdf").status_code == 404


def test_another_communes_officer_gets_no_slip(app, codes):
    code, _ = codes
    other = officer_client(app, "tu-phap", commune="06154")
    assert other.get(f"/can-bo/ho-so/{code}/phieu/tiep-nhan.pdf").status_code == 404


def test_the_citizen_downloads_the_receipt_slip_but_not_the_control_sheet(app, codes, tmp_path):
    from extensions import db
    from models import Dossier

    code, _ = codes
    with app.app_context():
        citizen_id = db.session.scalars(
            db.select(Dossier.citizen_id).where(Dossier.code == code)
        ).one()
    client = app.test_client()
    sign_in_as(app, client, citizen_id=citizen_id)
    page = client.get(f"/ho-so/{code}").text
    assert f'href="/ho-so/{code}/phieu/tiep-nhan.pdf"' in page  # no email needed to find it
    assert f'href="/ho-so/{code}/phieu/xin-loi.pdf"' in page and "kiem-soat" not in page
    response = client.get(f"/ho-so/{code}/phieu/tiep-nhan.pdf")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert client.get(f"/ho-so/{code}/phieu/kiem-soat.pdf").status_code == 404
    stranger = app.test_client()
    assert stranger.get(f"/ho-so/{code}/phieu/tiep-nhan.pdf").status_code in (302, 401, 404)


def test_the_logbook_lists_the_dossiers_of_the_period(app, codes, tmp_path):
    code, refused = codes
    with app.app_context():
        day = dossier(code).received_at + timedelta(hours=7)
    client = officer_client(app, "tu-phap")
    # Reached from the month's report, for the same period.
    report = client.get("/can-bo/bao-cao", query_string={"ky": f"{day:%Y-%m}"}).text
    link = re.search(r'href="(/can-bo/so-theo-doi\.pdf\?[^"]+)">In sổ theo dõi', report)
    assert link, "the report page links the logbook"
    url = html.unescape(link.group(1))
    assert f"tu={day:%Y-%m}-01" in url
    response = client.get(url)
    assert response.status_code == 200
    pdf = tmp_path / "so.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "SỔ THEO DÕI HỒ SƠ" in text and code in text and refused in text


def logbook_text(app, tmp_path, day: str) -> str:
    response = officer_client(app, "tu-phap").get(
        "/can-bo/so-theo-doi.pdf", query_string={"tu": day, "den": day}
    )
    assert response.status_code == 200
    pdf = tmp_path / "so.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("now", "late"),
    [
        (datetime(2026, 3, 2, 16, 0), False),  # 23:00 on 2/3 in Vietnam: still due today
        (datetime(2026, 3, 2, 17, 30), True),  # 00:30 on 3/3 in Vietnam, 2/3 in UTC
    ],
)
def test_the_logbook_judges_late_on_vietnams_day(app, tmp_path, now, late):
    """Once judged on date.today(), the server's day (and the real one, not the app's)."""
    with app.app_context(), clock.frozen(vn(2026, 3, 2, 8, 0)):
        code = create_submitted_dossier()
    with app.app_context():
        perform(code, "tu-phap", "accept", when=vn(2026, 3, 2, 9, 0))  # the registration: same day
    with clock.frozen(now):
        text = logbook_text(app, tmp_path, "2026-03-02")
    assert code in text
    assert ("trễ hạn" in text) is late


def test_the_sample_slips_tell_one_story(app, codes, tmp_path):
    """Every date a slip prints lies between the child's birth and the apology's
    new appointment, and the code carries the day the dossier was received."""
    import re

    from services.desk import slips

    code, refused = codes
    with app.app_context():
        d = dossier(code)
        assert (d.received_at + timedelta(hours=7)).date().isoformat() == "2026-03-02"
        assert code.split("-")[1] == "260302"
        rendered = [slips.render(k, d) for k in slips.DOSSIER_SLIPS if k != "tu-choi"]
        born = d.answers["tre.ngay_sinh"]
        rendered.append(slips.render("tu-choi", dossier(refused)))
    for data in rendered:
        text, _ = text_and_codes(data, tmp_path)
        for day, month, year in re.findall(r"\b(\d{2})/(\d{2})/(2026)\b", text):
            assert born <= f"{year}-{month}-{day}" <= "2026-03-12", (day, month, text[:200])


@pytest.mark.parametrize("query", [{"tu": "ngay"}, {"tu": "2026-03-05", "den": "2026-03-01"}])
def test_a_logbook_period_that_cannot_be_is_a_400_with_a_message(app, query):
    response = officer_client(app, "tu-phap").get("/can-bo/so-theo-doi.pdf", query_string=query)
    assert response.status_code == 400 and "ngày" in response.get_data(as_text=True).lower()


def test_the_tracking_link_of_a_slip_fills_in_the_code(client):
    page = client.get("/theo-doi?ma=X05665-260302-0001").text
    assert 'value="X05665-260302-0001"' in page


def test_the_receipt_of_a_dossier_filed_at_the_counter_says_so(app, codes, tmp_path):
    code, _ = codes
    client = officer_client(app, "tu-phap")
    online, _ = text_and_codes(
        client.get(f"/can-bo/ho-so/{code}/phieu/tiep-nhan.pdf").data, tmp_path
    )
    assert "Trực tuyến, qua Cổng dịch vụ công liên thông" in online
    with app.app_context():
        from extensions import db

        dossier(code).channel = "counter"
        db.session.commit()
    (tmp_path / "counter").mkdir()
    data = client.get(f"/can-bo/ho-so/{code}/phieu/tiep-nhan.pdf").data
    text, _ = text_and_codes(data, tmp_path / "counter")
    assert "Hình thức nộp: Trực tiếp, tại Bộ phận Một cửa UBND xã" in text
    assert "Trực tuyến" not in text and "bản chụp tại Bộ phận Một cửa" in text
