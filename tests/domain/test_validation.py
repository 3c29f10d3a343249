"""The server's checks of a citizen's answers, table by table."""

import unicodedata
from datetime import date, timedelta

import pytest

from domain.catalog import get_field
from domain.validation import (
    attachments_for,
    check_selection,
    clean_answers,
    sections_for,
    validate_answers,
    validate_field,
    validate_section,
    visible_fields,
)
from tests.domain.sample_answers import (
    BIRTH_PROCEDURES,
    DEATH_PROCEDURES,
    personal_id_for,
    valid_birth_answers,
    valid_death_answers,
)

TODAY = date.today()


def days_ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


CHILD_BORN = TODAY - timedelta(days=12)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def birth(**changes) -> dict:
    """Valid group-1 answers with some changed: birth(**{"tre.ho": "Lê"})."""
    return {**valid_birth_answers(TODAY), **changes}


def death(**changes) -> dict:
    return {**valid_death_answers(TODAY), **changes}


# --- choosing procedures ---------------------------------------------------

REQUIRED_BIRTH = (
    "Hãy chọn thủ tục Đăng ký khai sinh: đây là thủ tục bắt buộc của nhóm liên thông này."
)
TOO_FEW_BIRTH = "Hãy chọn thêm thủ tục: dịch vụ liên thông gồm từ 2 đến 3 thủ tục."
TOO_FEW_DEATH = "Hãy chọn thêm thủ tục: dịch vụ liên thông gồm từ 2 đến 3 thủ tục."
BOTH_FUNERAL = (
    "Chỉ chọn một trong hai: Trợ cấp mai táng hoặc Hỗ trợ chi phí mai táng. Hỗ trợ chi phí mai "
    "táng chỉ dành cho người không được hưởng trợ cấp mai táng của bảo hiểm xã hội. Hãy bỏ chọn "
    "một trong hai thủ tục."
)


@pytest.mark.parametrize(
    ("group_id", "procedures", "expected"),
    [
        ("khai-sinh", ["dang-ky-khai-sinh", "dang-ky-thuong-tru"], None),
        ("khai-sinh", ["dang-ky-khai-sinh", "cap-the-bhyt"], None),
        ("khai-sinh", BIRTH_PROCEDURES, None),
        ("khai-sinh", ["cap-the-bhyt", "dang-ky-khai-sinh"], None),
        ("khai-tu", ["dang-ky-khai-tu", "xoa-thuong-tru"], None),
        ("khai-tu", ["dang-ky-khai-tu", "tro-cap-mai-tang"], None),
        ("khai-tu", ["dang-ky-khai-tu", "xoa-thuong-tru", "ho-tro-mai-tang"], None),
        ("khai-tu", ["dang-ky-khai-tu", "xoa-thuong-tru", "tro-cap-mai-tang"], None),
        ("khai-tu", DEATH_PROCEDURES, BOTH_FUNERAL),
        ("khai-tu", ["dang-ky-khai-tu", "tro-cap-mai-tang", "ho-tro-mai-tang"], BOTH_FUNERAL),
        ("khai-sinh", ["dang-ky-thuong-tru", "cap-the-bhyt"], REQUIRED_BIRTH),
        ("khai-sinh", [], REQUIRED_BIRTH),
        ("khai-sinh", ["dang-ky-khai-sinh"], TOO_FEW_BIRTH),
        ("khai-tu", ["dang-ky-khai-tu"], TOO_FEW_DEATH),
        (
            "khai-tu",
            ["xoa-thuong-tru", "tro-cap-mai-tang"],
            "Hãy chọn thủ tục Đăng ký khai tử: đây là thủ tục bắt buộc của nhóm liên thông này.",
        ),
        (
            "khai-sinh",
            ["dang-ky-khai-sinh", "dang-ky-khai-sinh"],
            "Mỗi thủ tục chỉ được chọn một lần. Hãy chọn lại các thủ tục.",
        ),
        (
            "khai-sinh",
            ["dang-ky-khai-sinh", "xoa-thuong-tru"],
            "Có thủ tục không thuộc nhóm đã chọn. Hãy chọn lại các thủ tục.",
        ),
        (
            "khai-sinh",
            "dang-ky-khai-sinh",
            "Có thủ tục không thuộc nhóm đã chọn. Hãy chọn lại các thủ tục.",
        ),
        (
            "ket-hon",
            ["dang-ky-khai-sinh"],
            "Không có nhóm thủ tục này. Hãy chọn lại nhóm thủ tục liên thông.",
        ),
    ],
)
def test_a_choice_of_procedures_is_accepted_or_explained(group_id, procedures, expected):
    assert check_selection(group_id, procedures) == expected


def test_pages_follow_the_catalog_order_whatever_the_order_of_choice():
    assert sections_for("khai-sinh", ["cap-the-bhyt", "dang-ky-khai-sinh"]) == [
        "nguoi-yeu-cau", "tre", "noi-sinh", "me", "cha", "ket-hon", "ban-sao", "bhyt",
        "nhan-ket-qua",
    ]  # fmt: skip
    assert sections_for("khai-tu", ["dang-ky-khai-tu", "ho-tro-mai-tang"]) == [
        "nguoi-yeu-cau", "nguoi-mat", "tu-vong", "bao-tu", "ban-sao", "an-tang",
        "ho-tro-mai-tang", "nguoi-nhan-tien", "nhan-ket-qua",
    ]  # fmt: skip
    assert sections_for("khai-hon", ["dang-ky-khai-sinh"]) == []


# --- one field at a time -----------------------------------------------------

HIDDEN_IN_SURNAME = "Họ của trẻ có ký tự không hợp lệ (ký tự ẩn hoặc ký tự điều khiển). Hãy gõ lại."
FIELD_CASES = [
    ("tre.ngay_sinh", days_ago(0), None),
    (
        "tre.ngay_sinh",
        (TODAY + timedelta(days=1)).isoformat(),
        "Ngày sinh của trẻ không được sau hôm nay. Hãy kiểm tra lại ngày sinh của trẻ.",
    ),
    (
        "tre.ngay_sinh",
        "2025-02-29",
        "Ngày sinh của trẻ không đúng. Hãy nhập ngày có thật theo dạng ngày/tháng/năm, "
        "ví dụ 27/03/2026.",
    ),
    (
        "tre.ngay_sinh",
        "20/11/2026",
        "Ngày sinh của trẻ không đúng. Hãy nhập ngày có thật theo dạng ngày/tháng/năm, "
        "ví dụ 27/03/2026.",
    ),
    (
        "me.ngay_sinh",
        "1899-12-31",
        "Ngày sinh của mẹ không được trước ngày 01/01/1900. Hãy kiểm tra lại năm.",
    ),
    ("me.ngay_sinh", "1900-01-01", None),
    ("tre.ho", "", "Hãy nhập họ của trẻ."),
    ("tre.ho", "   ", "Hãy nhập họ của trẻ."),
    ("tre.chu_dem", "", None),
    # Invisible characters: refused with a message, never taken as filled in.
    ("tre.ho", "\u200b", HIDDEN_IN_SURNAME),
    ("tre.ho", "Ng\u00aduy\u1ec5n", HIDDEN_IN_SURNAME),  # soft hyphen
    ("tre.ho", "\u202eNguy\u1ec5n", HIDDEN_IN_SURNAME),  # right-to-left override
    ("tre.ho", "Nguy\u1ec5n\x07", HIDDEN_IN_SURNAME),  # a control character
    ("tre.ho", "L\u00ea\u2028V\u0103n", HIDDEN_IN_SURNAME),  # line separator
    ("tre.ho", "Nguy\u200d\u1ec5n", HIDDEN_IN_SURNAME),  # zero-width joiner
    ("tre.ho", "\ufeffNguy\u1ec5n", None),  # a leading BOM is trimmed like a space
    ("tre.ho", "Nguyễn-Lê", None),
    (
        "nguoi-yeu-cau.ho_ten",
        "Nguy\u1ec5n Th\u1ecb\u200b Lan",
        "Họ, chữ đệm và tên của bạn có ký tự không hợp lệ (ký tự ẩn hoặc ký tự điều khiển). "
        "Hãy gõ lại.",
    ),
    ("tre.ho", "N" * 51, "Họ của trẻ không được dài quá 50 ký tự. Hãy viết ngắn lại."),
    ("tre.gioi_tinh", "", "Hãy chọn giới tính của trẻ."),
    ("tre.gioi_tinh", "khac", "Hãy chọn giới tính của trẻ trong danh sách."),
    ("tre.dan_toc", "55", "Hãy chọn dân tộc của trẻ trong danh sách."),
    ("tu-vong.gio_mat", "08:30", None),
    ("tu-vong.gio_mat", "", None),
    (
        "tu-vong.gio_mat",
        "24:00",
        "Giờ mất không đúng. Hãy nhập giờ và phút theo dạng 24 giờ, ví dụ 14:30.",
    ),
    ("me.so_dinh_danh", "019198004321", None),
    (
        "me.so_dinh_danh",
        "01919800432",
        "Số định danh cá nhân của mẹ phải gồm đúng 12 chữ số. Hãy kiểm tra lại số in trên "
        "thẻ căn cước hoặc trong ứng dụng VNeID.",
    ),
    (
        "me.so_dinh_danh",
        "003198004321",
        "Số định danh cá nhân của mẹ không đúng: 3 chữ số đầu không phải là mã tỉnh, thành "
        "phố. Hãy kiểm tra lại số in trên thẻ căn cước hoặc trong ứng dụng VNeID.",
    ),
    ("nguoi-yeu-cau.dien_thoai", "0912345678", None),
    ("nguoi-yeu-cau.dien_thoai", "+84 912 345 678", None),
    ("nguoi-yeu-cau.dien_thoai", "0912.345.678", None),
    (
        "nguoi-yeu-cau.dien_thoai",
        "09123",
        "Số điện thoại di động của bạn không đúng. Hãy nhập số di động Việt Nam gồm "
        "10 chữ số, ví dụ 0912 345 678.",
    ),
    (
        "nguoi-yeu-cau.dien_thoai",
        "0912abc678",
        "Số điện thoại di động của bạn không đúng. Hãy nhập số di động Việt Nam gồm "
        "10 chữ số, ví dụ 0912 345 678.",
    ),
    (
        "nguoi-yeu-cau.dien_thoai",
        "0168 123 4567",
        "Số điện thoại di động của bạn là số 11 chữ số cũ. Từ năm 2018 số di động đã chuyển "
        "sang 10 chữ số. Hãy nhập số mới, ví dụ 0912 345 678.",
    ),
    (
        "nguoi-yeu-cau.dien_thoai",
        "024 3825 1234",
        "Số điện thoại di động của bạn không phải số di động Việt Nam. Hãy nhập số di động "
        "bắt đầu bằng 03, 05, 07, 08 hoặc 09.",
    ),
    ("nguoi-yeu-cau.email", "", None),
    ("nguoi-yeu-cau.email", "lan.nguyen@example.vn", None),
    (
        "nguoi-yeu-cau.email",
        "lan@example",
        "Email của bạn không đúng. Hãy nhập địa chỉ email có dạng ten@vidu.vn.",
    ),
    ("ban-sao.so_ban_sao", "0", None),
    ("ban-sao.so_ban_sao", "", None),
    (
        "ban-sao.so_ban_sao",
        "11",
        "Số bản sao trích lục phải từ 0 đến 10. Hãy nhập một số trong khoảng này.",
    ),
    (
        "ban-sao.so_ban_sao",
        "2,5",
        "Số bản sao trích lục chỉ được gồm chữ số. Hãy nhập một số, ví dụ 2.",
    ),
    ("nguoi-yeu-cau.noi_cu_tru_xa", "05665", None),
    (
        "nguoi-yeu-cau.noi_cu_tru_xa",
        "5665",
        "Hãy tìm và chọn xã, phường nơi cư trú của bạn trong danh sách gợi ý.",
    ),
    (
        "nguoi-yeu-cau.noi_cu_tru_xa",
        "99999",
        "Không tìm thấy xã, phường nơi cư trú của bạn đã chọn. Hãy tìm và chọn lại trong "
        "danh sách gợi ý.",
    ),
    ("nguoi-yeu-cau.noi_cu_tru_xa", "", "Hãy chọn xã, phường nơi cư trú của bạn."),
    ("tro-cap-mai-tang.ma_so_bhxh", "", None),
    (
        "tro-cap-mai-tang.ma_so_bhxh",
        "12345",
        "Mã số bảo hiểm xã hội của người mất phải gồm đúng 10 chữ số. Hãy kiểm tra lại.",
    ),
    # Grouped as printed on a card or a book (issue 16): still only digits.
    ("nguoi-nhan-tien.so_tai_khoan", "1903 6677 8899", None),
    ("tro-cap-mai-tang.ma_so_bhxh", "01234-56789", None),
    (
        "nguoi-nhan-tien.so_tai_khoan",
        "12AB5678",
        "Số tài khoản ngân hàng phải gồm từ 6 đến 19 chữ số, không có chữ cái. Hãy kiểm tra lại.",
    ),
    (
        "noi-sinh.co_so_y_te",
        "Bệnh viện",
        "Tên đầy đủ của cơ sở y tế nơi sinh quá ngắn. Hãy ghi đầy đủ, ít nhất 10 ký tự.",
    ),
    ("tre.ho", 5, "Giá trị của họ của trẻ không hợp lệ. Hãy nhập lại."),
    ("tre.ho", None, "Giá trị của họ của trẻ không hợp lệ. Hãy nhập lại."),
]


@pytest.mark.parametrize(("key", "value", "expected"), FIELD_CASES)
def test_one_answer_is_checked_against_its_field(key, value, expected):
    assert validate_field(get_field(key), value, today=TODAY) == expected


def test_today_may_be_given_as_an_iso_string():
    field = get_field("tre.ngay_sinh")
    assert validate_field(field, "2026-01-02", today="2026-01-01")
    assert validate_field(field, "2026-01-01", today="2026-01-01") is None


def test_a_name_typed_with_combining_marks_counts_as_composed_characters():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Dương Khuê Liên")
    field = {**get_field("tre.ho"), "max_length": 30}
    assert len(decomposed) > 30
    assert validate_field(field, decomposed, today=TODAY) is None


# --- pages and cross-field rules ---------------------------------------------

MOTHER_AGE = (
    "Theo ngày sinh đã khai, mẹ {age} tuổi khi sinh trẻ: rất ít khi đúng. "
    "Hãy kiểm tra lại năm sinh của mẹ và ngày sinh của trẻ."
)
MOTHER_AFTER_CHILD = (
    "Ngày sinh của mẹ phải trước ngày sinh của trẻ. Hãy kiểm tra lại hai ngày sinh."
)
MOTHER_ID_YEAR = (
    "Số định danh cá nhân của mẹ không khớp với ngày sinh của mẹ. Hãy kiểm tra lại cả hai."
)
CHECK_CARD = "Hãy kiểm tra lại số in trên thẻ căn cước hoặc trong ứng dụng VNeID."
MOTHER_BORN = valid_birth_answers(TODAY)["me.ngay_sinh"]
FATHER_BORN = valid_birth_answers(TODAY)["cha.ngay_sinh"]
MOTHER_ID_THIS_YEAR = personal_id_for(TODAY - timedelta(days=5), "nu")
DECEASED_BORN = date.fromisoformat(valid_death_answers(TODAY)["nguoi-mat.ngay_sinh"])

SECTION_CASES = [
    # The child is born after the mother and the father.
    ("me", birth(), {}),
    # (born this year, so the ID number's year disagrees too)
    (
        "me",
        birth(**{"me.ngay_sinh": days_ago(1)}),
        {"me.ngay_sinh": MOTHER_AFTER_CHILD, "me.so_dinh_danh": MOTHER_ID_YEAR},
    ),
    (
        "me",
        birth(**{"me.ngay_sinh": days_ago(5), "me.so_dinh_danh": MOTHER_ID_THIS_YEAR}),
        {"me.ngay_sinh": MOTHER_AFTER_CHILD},
    ),
    (
        "cha",
        birth(
            **{
                "cha.ngay_sinh": days_ago(2),
                "cha.so_dinh_danh": personal_id_for(TODAY - timedelta(days=2), "nam"),
            }
        ),
        {
            "cha.ngay_sinh": "Ngày sinh của cha phải trước ngày sinh của trẻ. "
            "Hãy kiểm tra lại hai ngày sinh."
        },
    ),
    # A mother aged under 12 or over 65 at the birth is a typing slip (issue 16).
    *[
        (
            "me",
            birth(
                **{
                    "tre.ngay_sinh": CHILD_BORN.isoformat(),
                    "me.ngay_sinh": mother.isoformat(),
                    "me.so_dinh_danh": personal_id_for(mother, "nu"),
                }
            ),
            {"me.ngay_sinh": MOTHER_AGE.format(age=age) if age is not None else None},
        )
        for mother, age in [
            (years_before(CHILD_BORN, 10), 10),
            (years_before(CHILD_BORN, 12) + timedelta(days=1), 11),
            (years_before(CHILD_BORN, 12), None),  # 12 that very day
            (years_before(CHILD_BORN, 66) + timedelta(days=1), None),  # still 65
            (years_before(CHILD_BORN, 66), 66),
        ]
    ],
    # A rule is skipped while the other date is empty or wrong: its page says so.
    ("me", birth(**{"tre.ngay_sinh": ""}), {}),
    ("me", birth(**{"tre.ngay_sinh": "2026-13-01"}), {}),
    # The personal ID number agrees with the date of birth and the sex.
    (
        "me",
        birth(**{"me.so_dinh_danh": personal_id_for(date(1985, 1, 1), "nu")}),
        {"me.so_dinh_danh": MOTHER_ID_YEAR},
    ),
    (
        "me",
        birth(**{"me.so_dinh_danh": personal_id_for(date.fromisoformat(MOTHER_BORN), "nam")}),
        {
            "me.so_dinh_danh": "Số định danh cá nhân của mẹ không đúng: chữ số thứ tư cho biết "
            "đây là số của nam giới. " + CHECK_CARD
        },
    ),
    (
        "cha",
        birth(**{"cha.so_dinh_danh": personal_id_for(date.fromisoformat(FATHER_BORN), "nu")}),
        {
            "cha.so_dinh_danh": "Số định danh cá nhân của cha không đúng: chữ số thứ tư cho biết "
            "đây là số của nữ giới. " + CHECK_CARD
        },
    ),
    (
        "cha",  # the century digit: born in the 1900s, number says 2000s
        birth(
            **{
                "cha.ngay_sinh": "1999-07-02",
                "cha.so_dinh_danh": personal_id_for(date(2099, 7, 2), "nam"),
            }
        ),
        {
            "cha.so_dinh_danh": "Số định danh cá nhân của cha không khớp với ngày sinh của cha. "
            "Hãy kiểm tra lại cả hai."
        },
    ),
    ("me", birth(**{"me.ngay_sinh": ""}), {"me.ngay_sinh": "Hãy nhập ngày sinh của mẹ."}),
    (
        "nguoi-mat",
        death(**{"nguoi-mat.gioi_tinh": "nu"}),
        {
            "nguoi-mat.so_dinh_danh": "Số định danh cá nhân của người mất không khớp với "
            "giới tính của người mất. Hãy kiểm tra lại cả hai."
        },
    ),
    (
        "nguoi-mat",
        death(
            **{
                "nguoi-mat.gioi_tinh": "nu",
                "nguoi-mat.so_dinh_danh": personal_id_for(DECEASED_BORN, "nu"),
            }
        ),
        {},
    ),
    # The hospital's full name and its commune are both needed.
    ("noi-sinh", birth(), {}),
    ("noi-sinh", birth(**{"noi-sinh.xa": ""}), {"noi-sinh.xa": "Hãy chọn xã, phường nơi sinh."}),
    (
        "noi-sinh",
        birth(**{"noi-sinh.co_so_y_te": ""}),
        {"noi-sinh.co_so_y_te": "Hãy nhập tên đầy đủ của cơ sở y tế nơi sinh."},
    ),
    (
        "noi-sinh",
        birth(**{"noi-sinh.loai": "khac", "noi-sinh.co_so_y_te": ""}),
        {"noi-sinh.dia_chi": "Hãy nhập địa chỉ nơi sinh."},
    ),
    (
        "noi-sinh",
        birth(**{"noi-sinh.loai": "", "noi-sinh.giay_chung_sinh": ""}),
        {
            "noi-sinh.loai": "Hãy chọn nơi trẻ được sinh ra.",
            "noi-sinh.xa": None,
            "noi-sinh.giay_chung_sinh": "Hãy chọn Có nếu trẻ có giấy chứng sinh, "
            "hoặc Không nếu không có.",
        },
    ),
    # Conditional fields: an unknown father, a foreign mother.
    ("cha", {"cha.co_thong_tin": "khong"}, {}),
    ("ket-hon", {"cha.co_thong_tin": "khong"}, {}),
    (
        "ket-hon",
        birth(**{"ket-hon.ngay_dang_ky": ""}),
        {"ket-hon.ngay_dang_ky": "Hãy nhập ngày đăng ký kết hôn."},
    ),
    (
        "ket-hon",
        birth(**{"ket-hon.ngay_dang_ky": "1990-01-01"}),
        {
            "ket-hon.ngay_dang_ky": "Ngày đăng ký kết hôn phải sau ngày sinh của mẹ. "
            "Hãy kiểm tra lại ngày đăng ký kết hôn."
        },
    ),
    (
        "me",
        birth(**{"me.quoc_tich": "KR", "me.dan_toc": "", "me.so_dinh_danh": ""}),
        {"me.giay_to": "Hãy nhập số hộ chiếu hoặc giấy tờ thay thế của mẹ."},
    ),
    (
        "me",
        birth(**{"me.quoc_tich": "khac"}),
        {
            "me.quoc_tich_khac": "Hãy nhập tên quốc tịch của mẹ.",
            "me.giay_to": "Hãy nhập số hộ chiếu hoặc giấy tờ thay thế của mẹ.",
        },
    ),
    # Death: time, place, notice, burial.
    ("tu-vong", death(), {}),
    (
        "tu-vong",
        death(**{"tu-vong.ngay_mat": "1939-01-01"}),
        {
            "tu-vong.ngay_mat": "Ngày mất không được trước ngày sinh của người mất. "
            "Hãy kiểm tra lại ngày mất."
        },
    ),
    ("tu-vong", death(**{"tu-vong.ngay_mat": DECEASED_BORN.isoformat()}), {}),
    ("tu-vong", death(**{"tu-vong.gio_mat": ""}), {}),
    (
        "tu-vong",
        death(
            **{
                "tu-vong.gio_mat": "",
                "tu-vong.noi_mat_loai": "co-so-y-te",
                "tu-vong.noi_mat_co_so": "Bệnh viện Đa khoa Văn Lăng",
            }
        ),
        {
            "tu-vong.gio_mat": "Hãy nhập giờ mất: người mất tại cơ sở y tế thì giấy báo tử "
            "có ghi giờ mất."
        },
    ),
    (
        "bao-tu",
        death(**{"bao-tu.ngay_cap": days_ago(4)}),
        {
            "bao-tu.ngay_cap": "Ngày cấp giấy báo tử không được trước ngày mất. "
            "Hãy kiểm tra lại ngày cấp."
        },
    ),
    (
        "an-tang",
        death(**{"an-tang.ngay_an_tang": days_ago(4)}),
        {
            "an-tang.ngay_an_tang": "Ngày an táng không được trước ngày mất. "
            "Hãy kiểm tra lại ngày an táng."
        },
    ),
    ("xoa-thuong-tru", death(), {}),
    (
        "xoa-thuong-tru",
        death(**{"xoa-thuong-tru.la_chu_ho": "khong"}),
        {
            "xoa-thuong-tru.chu_ho_ho_ten": "Hãy nhập họ, chữ đệm và tên của chủ hộ.",
            "xoa-thuong-tru.chu_ho_so_dinh_danh": "Hãy nhập số định danh cá nhân của chủ hộ.",
            "xoa-thuong-tru.quan_he_voi_chu_ho": "Hãy chọn quan hệ của người mất với chủ hộ.",
        },
    ),
    (
        "nhan-ket-qua",
        {"nhan-ket-qua.hinh_thuc": "buu-chinh"},
        {
            "nhan-ket-qua.nguoi_nhan": "Hãy nhập họ, chữ đệm và tên người nhận kết quả.",
            "nhan-ket-qua.dien_thoai": "Hãy nhập số điện thoại người nhận kết quả.",
            "nhan-ket-qua.xa": "Hãy chọn xã, phường nhận kết quả.",
            "nhan-ket-qua.dia_chi": "Hãy nhập địa chỉ nhận kết quả.",
        },
    ),
    ("nhan-ket-qua", {"nhan-ket-qua.hinh_thuc": "tai-xa"}, {}),
]


@pytest.mark.parametrize(("section_id", "answers", "expected"), SECTION_CASES)
def test_a_page_reports_its_fields_and_its_cross_field_rules(section_id, answers, expected):
    errors = validate_section(section_id, answers, today=TODAY)
    expected = {key: message for key, message in expected.items() if message}
    assert errors == expected


def test_a_child_of_six_cannot_get_the_under_six_health_card():
    answers = birth(**{"tre.ngay_sinh": date(TODAY.year - 6, 1, 1).isoformat()})
    message = (
        "Trẻ đã đủ 6 tuổi nên không được cấp thẻ bảo hiểm y tế trong dịch vụ này. Hãy kiểm "
        "tra lại ngày sinh của trẻ, hoặc bỏ chọn thủ tục cấp thẻ bảo hiểm y tế."
    )
    errors = validate_section(
        "tre", answers, today=TODAY, group_id="khai-sinh", procedure_ids=BIRTH_PROCEDURES
    )
    assert errors == {"tre.ngay_sinh": message}
    without_card = ["dang-ky-khai-sinh", "dang-ky-thuong-tru"]
    assert validate_answers("khai-sinh", without_card, answers, today=TODAY) == {}


def test_visible_fields_follow_the_answers_so_far():
    ids = [f["id"] for f in visible_fields("cha", {"cha.co_thong_tin": "khong"})]
    assert ids == ["co_thong_tin"]
    ids = [f["id"] for f in visible_fields("noi-sinh", {"noi-sinh.loai": "khac"})]
    assert ids == ["loai", "xa", "dia_chi", "giay_chung_sinh"]
    assert visible_fields("ket-hon", {"cha.co_thong_tin": "khong"}) == []
    with pytest.raises(ValueError, match="unknown section"):
        visible_fields("khong-co", {})


# --- whole dossiers ----------------------------------------------------------


@pytest.mark.parametrize(
    "procedures",
    [
        BIRTH_PROCEDURES,
        ["dang-ky-khai-sinh", "dang-ky-thuong-tru"],
        ["dang-ky-khai-sinh", "cap-the-bhyt"],
    ],
)
def test_the_sample_birth_answers_are_valid_for_every_choice(procedures):
    assert validate_answers("khai-sinh", procedures, birth(), today=TODAY) == {}


@pytest.mark.parametrize(
    "procedures",
    [
        ["dang-ky-khai-tu", "xoa-thuong-tru"],
        ["dang-ky-khai-tu", "xoa-thuong-tru", "ho-tro-mai-tang"],
        ["dang-ky-khai-tu", "xoa-thuong-tru", "tro-cap-mai-tang"],
    ],
)
def test_the_sample_death_answers_are_valid_for_two_or_three_procedures(procedures):
    assert validate_answers("khai-tu", procedures, death(), today=TODAY) == {}


def test_a_whole_dossier_reports_every_page_and_bad_keys_and_values():
    answers = birth(
        **{
            "tre.biet_danh": "Bống",
            "hacker": "x",
            "tre.ho": 5,
            "ban-sao.so_ban_sao": 2,
            "noi-sinh.xa": "",
            "bhyt.noi_kcb": "",
        }
    )
    errors = validate_answers("khai-sinh", BIRTH_PROCEDURES, answers, today=TODAY)
    assert errors == {
        "tre.biet_danh": "Trường không có trong biểu mẫu.",
        "hacker": "Trường không có trong biểu mẫu.",
        "tre.ho": "Giá trị của họ của trẻ không hợp lệ. Hãy nhập lại.",
        "ban-sao.so_ban_sao": "Giá trị của số bản sao trích lục không hợp lệ. Hãy nhập lại.",
        "noi-sinh.xa": "Hãy chọn xã, phường nơi sinh.",
        "bhyt.noi_kcb": "Hãy nhập nơi đăng ký khám, chữa bệnh ban đầu.",
    }


def test_a_bad_choice_of_procedures_is_the_only_error_reported():
    errors = validate_answers("khai-sinh", ["dang-ky-khai-sinh"], {"hacker": "x"}, today=TODAY)
    assert errors == {"_selection": TOO_FEW_BIRTH}


def test_answers_to_pages_not_chosen_or_fields_hidden_are_not_errors():
    answers = birth(**{"thuong-tru.xa": "bad", "cha.co_thong_tin": "khong"})
    procedures = ["dang-ky-khai-sinh", "cap-the-bhyt"]
    assert validate_answers("khai-sinh", procedures, answers, today=TODAY) == {}


def test_clean_answers_keeps_only_what_applies_trimmed():
    answers = birth(
        **{
            "tre.ho": "  Trần ",
            "tre.ten": unicodedata.normalize("NFD", "Ánh"),
            "tre.chu_dem": "   ",
            "cha.co_thong_tin": "khong",
            "hacker": "x",
        }
    )
    cleaned = clean_answers("khai-sinh", ["dang-ky-khai-sinh", "cap-the-bhyt"], answers)
    assert cleaned["tre.ho"] == "Trần"
    assert cleaned["tre.ten"] == "Ánh"
    assert "tre.chu_dem" not in cleaned
    assert "hacker" not in cleaned
    assert not any(key.startswith(("cha.ho_ten", "ket-hon.", "thuong-tru.")) for key in cleaned)
    assert cleaned["cha.co_thong_tin"] == "khong"
    assert cleaned["bhyt.noi_kcb"]


@pytest.mark.parametrize(
    "group_id, procedures, answers",
    [
        ("khai-sinh", ["dang-ky-khai-sinh", "cap-the-bhyt"], {"cha.co_thong_tin": "khong"}),
        ("khai-sinh", ["dang-ky-khai-sinh", "cap-the-bhyt"], {"cha.co_thong_tin": "co"}),
        ("khai-sinh", ["cap-the-bhyt", "dang-ky-khai-sinh"], {"tre.ho": "  Lê "}),
        ("khai-tu", list(reversed(DEATH_PROCEDURES[:3])), {}),
        ("khai-tu", DEATH_PROCEDURES[:3], {"nguoi-chet.ho_ten": ""}),
    ],
)
def test_cleaning_with_what_the_check_found_keeps_the_same_answers(group_id, procedures, answers):
    """The submit checks, then cleans with the check's findings of which fields
    apply: the same answers must be kept as by a cleaning on its own, whatever
    the order the procedures come in."""
    base = birth(**answers) if group_id == "khai-sinh" else valid_death_answers(TODAY) | answers
    visibility: dict = {}
    validate_answers(group_id, procedures, base, today=TODAY, visibility=visibility)
    assert visibility  # the check did record what applies
    ordered = sorted(procedures)
    assert clean_answers(group_id, ordered, base, visibility=visibility) == clean_answers(
        group_id, ordered, base
    )


# --- attachments -------------------------------------------------------------


def attachment_ids(group_id, procedures, answers) -> list[str]:
    return [a["id"] for a in attachments_for(group_id, procedures, answers)]


@pytest.mark.parametrize(
    ("group_id", "procedures", "answers", "expected"),
    [
        (
            "khai-sinh",
            BIRTH_PROCEDURES,
            birth(),
            ["to-khai-khai-sinh", "giay-chung-sinh", "giay-chung-nhan-ket-hon", "to-khai-tk1-ts"],
        ),
        (
            "khai-sinh",
            ["dang-ky-khai-sinh", "dang-ky-thuong-tru"],
            birth(**{"noi-sinh.giay_chung_sinh": "khong", "thuong-tru.noi_dang_ky": "khac"}),
            ["to-khai-khai-sinh", "van-ban-lam-chung", "giay-chung-nhan-ket-hon", "to-khai-ct01"],
        ),
        (
            "khai-sinh",
            ["dang-ky-khai-sinh", "cap-the-bhyt"],
            birth(
                **{
                    "thuong-tru.noi_dang_ky": "khac",
                    "cha.co_thong_tin": "khong",
                    "tre.quan_he_nguoi_yeu_cau": "uy-quyen",
                }
            ),
            ["to-khai-khai-sinh", "giay-chung-sinh", "uy-quyen-khai-sinh", "to-khai-tk1-ts"],
        ),
        (
            "khai-tu",
            ["dang-ky-khai-tu", "xoa-thuong-tru"],
            death(),
            ["to-khai-khai-tu", "giay-bao-tu"],
        ),
        (
            "khai-tu",
            DEATH_PROCEDURES,
            death(**{"nguoi-mat.quan_he_nguoi_yeu_cau": "uy-quyen"}),
            [
                "to-khai-khai-tu",
                "giay-bao-tu",
                "uy-quyen-khai-tu",
                "to-khai-tro-cap-mai-tang",
                "to-khai-ho-tro-mai-tang",
            ],
        ),
    ],
)
def test_the_papers_to_upload_follow_the_choice_and_the_answers(
    group_id, procedures, answers, expected
):
    assert attachment_ids(group_id, procedures, answers) == expected


def test_each_attachment_says_which_procedure_needs_it():
    found = attachments_for("khai-tu", DEATH_PROCEDURES, death())
    assert {a["procedure"] for a in found} == {
        "dang-ky-khai-tu",
        "tro-cap-mai-tang",
        "ho-tro-mai-tang",
    }
