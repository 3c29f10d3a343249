"""The commune's QR poster and the counter page: the code must scan back to /x/<code>."""

import io
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image

from services.desk import posters
from tests.office.helpers import csrf_of, officer_client

URL = "https://dichvucong.vanlang.gov.vn/x/05665"


def decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_the_qr_is_error_correction_q_and_never_a_micro_qr():
    qr = posters.make_qr(URL)
    assert qr.error == "Q" and not qr.is_micro


def test_the_qr_png_scans_back_to_the_commune_link():
    assert decode(Image.open(io.BytesIO(posters.qr_png(URL)))) == [URL]


@pytest.fixture
def admin(app):
    app.config["PUBLIC_BASE_URL"] = "https://dichvucong.vanlang.gov.vn"
    return officer_client(app, "quan-tri")


def test_the_printed_pdf_poster_scans_back_to_the_commune_link(admin, tmp_path):
    response = admin.get("/can-bo/ap-phich.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(response.data)
    assert shutil.which("pdftoppm"), "pdftoppm missing: make test installs poppler-utils"
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf), str(tmp_path / "page")], check=True)
    page = Image.open(tmp_path / "page-1.png")
    assert page.size[0] < page.size[1]  # A4 portrait
    assert decode(page) == [URL]


def test_the_svg_poster_is_a4_in_vietnamese_with_the_contact_and_hours(admin):
    svg = admin.get("/can-bo/ap-phich.svg")
    assert svg.mimetype == "image/svg+xml"
    text = svg.data.decode()
    assert 'width="210.0mm" height="297.0mm"' in text
    for words in (
        "XÃ VĂN LĂNG",
        "TỈNH THÁI NGUYÊN",
        "Cách nộp hồ sơ",
        "Cán bộ thử nghiệm",
        "0123 456 789",
        "Giờ hành chính",
        "dichvucong.vanlang.gov.vn/x/05665",
    ):
        assert words in text


def test_changing_the_contact_in_settings_changes_the_poster(admin):
    page = admin.get("/can-bo/cai-dat")
    response = admin.post(
        "/can-bo/cai-dat",
        data={
            "csrf_token": csrf_of(page.text),
            "officer_name": "Công chức Tư pháp - Hộ tịch",
            "officer_phone": "0208 3820 111",
            "office_hours": "Thứ Hai - Thứ Sáu, 7:00 - 17:00",
        },
    )
    assert "Đã lưu" in response.text
    assert "0208 3820 111" in admin.get("/can-bo/ap-phich.svg").data.decode()


def test_the_counter_page_shows_the_qr_full_screen_without_signing_in(app, client):
    app.config["PUBLIC_BASE_URL"] = "https://dichvucong.vanlang.gov.vn"
    page = client.get("/ma-qr/05665")
    assert page.status_code == 200
    assert "Quét" in page.text and "dichvucong.vanlang.gov.vn/x/05665" in page.text
    svg = client.get("/ma-qr/05665.svg")
    assert svg.mimetype == "image/svg+xml"
    assert client.get("/ma-qr/02143").status_code == 404  # not taking dossiers here


def test_the_poster_is_for_the_commune_admin_only(app):
    assert officer_client(app, "tu-phap").get("/can-bo/ap-phich.pdf").status_code == 403


def test_missing_fonts_are_explained_instead_of_a_broken_poster(app, admin, tmp_path):
    app.config["POSTER_FONT_DIR"] = str(tmp_path)
    response = admin.get("/can-bo/ap-phich.pdf")
    assert response.status_code == 503
    assert "fonts-dejavu-core" in response.text
