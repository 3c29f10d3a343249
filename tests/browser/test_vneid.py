"""Signing in with VNeID in a real browser, through a real OpenID provider on loopback."""

import re
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app import create_app
from extensions import db
from models import Dossier
from tests import databases
from tests.browser.conftest import PHONE, LiveServer, watch_errors
from tests.browser.walk import choose_procedures, filed_code, sign_in, walk_to_confirmation
from tests.conftest import last_code
from tests.conftest import test_config as config_for
from tests.domain.sample_answers import valid_birth_answers
from tests.lie_fi import LieFiProxy
from tests.oidc import LoopbackProvider

LEVEL_1 = (
    "Tài khoản định danh mức 1 chưa nộp được hồ sơ này; hãy nâng lên mức 2 tại công an xã "
    "hoặc trên ứng dụng VNeID"
)
MOTHER = {  # the test provider's account "me", who files as the child's mother
    "nguoi-yeu-cau.ho_ten": "Trần Thị Bình",
    "nguoi-yeu-cau.so_dinh_danh": "019195004321",
    "nguoi-yeu-cau.dien_thoai": "0987654321",
    "me.ho_ten": "Trần Thị Bình",
    "me.ngay_sinh": "1995-03-08",
    "me.so_dinh_danh": "019195004321",
    # Filled from the residence the provider gave, and changeable with a reason.
    "nguoi-yeu-cau.noi_cu_tru_xa": "05665",
    "nguoi-yeu-cau.noi_cu_tru_dia_chi": "Xóm Hòa Bình",
    "me.noi_cu_tru_xa": "05665",
    "me.noi_cu_tru_dia_chi": "Xóm Hòa Bình",
}
FIXED = {k for k in MOTHER if not k.endswith(("dien_thoai", "noi_cu_tru_xa", "noi_cu_tru_dia_chi"))}
CALLBACK = re.compile(r"/dang-nhap/vneid/ve\?")


@pytest.fixture
def vneid_app(template_db, tmp_path, tmp_path_factory):
    """The app on loopback configured for the provider, which then learns its address."""
    provider = LoopbackProvider(tmp_path_factory.mktemp("op"), [])
    uri = databases.copy_of(template_db, tmp_path, "live")
    app = create_app({**config_for(tmp_path, uri), **provider.app_config()})
    app.live = LiveServer(app)
    app.network = LieFiProxy(app.live.port)
    app.base_url = app.network.url
    provider.redirect_bases = [app.base_url, app.live.url]
    provider.start()
    app.provider = provider
    yield app
    provider.stop()
    app.network.close()
    app.live.stop()
    with app.app_context():
        db.engine.dispose()
    databases.drop(uri)


@pytest.fixture
def page(browser, vneid_app):
    # No service worker: the tests hold back or reroute the provider's answer
    # (page.route), which a worker's fetch would take out of their reach.
    context = browser.new_context(base_url=vneid_app.base_url, service_workers="block", **PHONE)
    context.set_default_timeout(15_000)
    errors = []
    context.on("page", lambda p: watch_errors(p, errors))
    yield context.new_page()
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def at_provider(page, login: str):
    expect(page.get_by_text("Nhà cung cấp định danh THỬ NGHIỆM")).to_be_visible()
    page.get_by_label("Tên tài khoản thử").fill(login)
    page.get_by_label("Mật khẩu").fill(login)
    page.get_by_role("button", name="Đăng nhập").click()


def start_vneid(page):
    page.goto("/dang-nhap/")
    page.get_by_role("link", name=re.compile("Tài khoản định danh điện tử VNeID")).click()
    page.get_by_role("link", name="Tiếp tục với VNeID").click()


def test_a_level_2_citizen_files_a_birth_dossier_whose_requester_section_arrived_filled(
    page, vneid_app, tmp_path
):
    page.goto("/x/05665")
    page.get_by_role("link", name="Liên thông khai sinh").click()
    page.get_by_role("link", name=re.compile("Tài khoản định danh điện tử VNeID")).click()
    page.get_by_role("link", name="Tiếp tục với VNeID").click()
    at_provider(page, "me")
    procedures = ["dang-ky-khai-sinh", "dang-ky-thuong-tru", "cap-the-bhyt"]
    answers = {**valid_birth_answers(), **MOTHER}
    walk_to_confirmation(page, tmp_path, "khai-sinh", procedures, answers, vouched=FIXED)
    page.get_by_role("button", name="Gửi mã xác nhận").click()
    expect(page.get_by_text("Đã gửi mã đến số")).to_be_visible()
    page.get_by_label("Mã xác nhận (6 chữ số)").fill(last_code(vneid_app, "+84987654321"))
    page.get_by_role("button", name="Nộp hồ sơ").click()
    code = filed_code(page)
    with vneid_app.app_context():
        dossier = db.session.scalars(select(Dossier).where(Dossier.code == code)).one()
        assert set(dossier.vouched) == set(MOTHER)
        assert dossier.answers["nguoi-yeu-cau.ho_ten"] == "Trần Thị Bình"


def test_the_requester_page_shows_what_vneid_vouched_for(page, vneid_app):
    start_vneid(page)
    at_provider(page, "muc2")
    page.goto("/x/05665")
    page.get_by_role("link", name="Liên thông khai sinh").click()
    choose_procedures(page)  # only the required procedure comes ticked (issue 16)
    expect(page.get_by_role("heading", name="Thông tin của bạn")).to_be_visible()
    name = page.get_by_label("Họ, chữ đệm và tên")
    expect(name).to_have_value("Nguyễn Văn An")
    expect(name).not_to_be_editable()
    expect(page.get_by_label("Số điện thoại di động")).to_have_value("0912345678")
    expect(page.get_by_text("Đã xác thực qua VNeID").first).to_be_visible()
    # The residence the provider gave: filled, editable, a reason asked if changed.
    address = page.get_by_label("Số nhà, đường, thôn, xóm nơi cư trú")
    expect(address).to_have_value("Xóm Làng Mới")
    expect(address).to_be_editable()
    expect(page.get_by_text("Đã chọn: Xã Văn Lăng, tỉnh Thái Nguyên")).to_be_visible()
    expect(page.get_by_label("Lý do sửa thông tin lấy từ VNeID")).to_be_visible()


def test_a_level_1_account_is_refused_with_what_to_do(page):
    start_vneid(page)
    at_provider(page, "muc1")
    expect(page.get_by_role("heading", name="Tài khoản định danh mức 1")).to_be_visible()
    expect(page.get_by_text(LEVEL_1)).to_be_visible()
    expect(page.get_by_role("link", name="Đăng nhập bằng số điện thoại")).to_be_visible()


def test_a_tampered_state_is_refused(page):
    # The state changed on its way to the provider: it comes back unknown.
    def tamper(route):
        answer = route.fetch(max_redirects=0)
        to_provider = urlsplit(answer.headers["location"])
        query = {k: v[0] for k, v in parse_qs(to_provider.query).items()}
        query["state"] = query["state"][:-3] + "abc"
        route.fulfill(
            status=302,
            headers={"Location": to_provider._replace(query=urlencode(query)).geturl()},
        )

    page.route(re.compile(r"/dang-nhap/vneid/bat-dau$"), tamper)
    start_vneid(page)
    at_provider(page, "muc2")
    expect(page.get_by_role("heading", name=re.compile("hết hạn hoặc đã dùng"))).to_be_visible()
    expect(page.get_by_role("link", name="Đăng nhập bằng số điện thoại")).to_be_visible()
    page.goto("/ho-so")
    expect(page.get_by_role("heading", name="Đăng nhập để nộp hồ sơ")).to_be_visible()


def test_a_replayed_code_is_refused(page):
    start_vneid(page)
    with page.expect_request(CALLBACK) as callback:
        at_provider(page, "muc2")
    expect(page.get_by_role("heading", name=re.compile("hết hạn hoặc đã dùng"))).to_have_count(0)
    page.goto(callback.value.url)  # the same answer of the provider, once more
    expect(page.get_by_role("heading", name=re.compile("hết hạn hoặc đã dùng"))).to_be_visible()


def test_the_provider_stopped_mid_flow(page, vneid_app):
    # The citizen signs in at the provider, which stops before the app can
    # redeem the code. The provider's redirects are walked here (with the
    # browser's cookies) so that it stops at exactly that moment.
    def sign_in_then_stop(route):
        answer = route.fetch(max_redirects=0)
        location = answer.headers["location"]
        while not CALLBACK.search(location):
            answer = page.context.request.get(urljoin(answer.url, location), max_redirects=0)
            location = answer.headers["location"]
        vneid_app.provider.stop()
        route.fulfill(status=302, headers={"Location": location})

    page.route(re.compile(r"/interaction/"), lambda route: (
        sign_in_then_stop(route) if route.request.method == "POST" else route.continue_()
    ))  # fmt: skip
    start_vneid(page)
    at_provider(page, "muc2")
    expect(page.get_by_role("heading", name="Chưa kết nối được VNeID")).to_be_visible()
    expect(page.get_by_text("đăng nhập bằng số điện thoại ngay bây giờ")).to_be_visible()
    page.get_by_role("link", name="Đăng nhập bằng số điện thoại").click()
    expect(page.get_by_label("Số điện thoại di động của bạn")).to_be_visible()


def test_linking_a_phone_account(page, vneid_app):
    page.goto("/dang-nhap/")
    sign_in(page, vneid_app)
    page.goto("/ho-so")
    page.get_by_role("button", name="Liên kết tài khoản VNeID").click()
    at_provider(page, "muc2")
    expect(page.get_by_text("Đã liên kết tài khoản VNeID")).to_be_visible()
    expect(page.get_by_text("Tài khoản VNeID của Nguyễn Văn An")).to_be_visible()
    expect(page.get_by_role("button", name="Liên kết tài khoản VNeID")).to_have_count(0)
