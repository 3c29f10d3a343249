"""The one procedure catalog: groups, procedures, form pages, rules, options.

Plain JSON-serialisable data. The server validates answers with it
(``domain.validation``) and the browser gets the same data from
:func:`catalog_json` (``static/js/rules.js``), so a form is defined once.
Group data lives in ``catalog_birth`` and ``catalog_death``; this module holds
what both groups share and fills the defaults every field gets (``key``,
``name``, ``required``, date bounds, length limits), so that the JSON the
browser reads is explicit.

Answers are a flat dict ``{"section.field": "value"}``.
"""

from __future__ import annotations

import copy

from domain import agencies, catalog_birth, catalog_death, plausibility
from domain.catalog_fills import FILLS
from domain.personal_id import PROVINCE_BIRTH_CODES

VERSION = "2026-12-02.4"

NOT_BEFORE = "1900-01-01"
DEFAULT_MAX_LENGTH = {"text": 200, "textarea": 1000, "email": 254}
FIELD_TYPES = (
    "text", "textarea", "date", "time", "radio", "select", "personal_id", "phone",
    "email", "integer", "commune", "checkbox",
)  # fmt: skip
RULE_TYPES = (
    "age_between", "date_after", "date_before", "date_not_after", "date_not_before",
    "personal_id_matches", "required_if", "younger_than_years",
)  # fmt: skip

# The agencies' names are data (data/agencies.toml, domain.agencies).
AGENCIES = agencies.AGENCIES

# Fees that are not one procedure's own. Amounts are the catalog's, to be
# confirmed by the province: the postal fee is the post office's tariff.
FEES = {
    "copy": {
        "amount": 8000,
        "text": "Phí cấp bản sao trích lục hộ tịch: 8.000 đồng một bản (Thông tư "
        "281/2016/TT-BTC). Bản chính được cấp miễn phí.",
    },
    "postal": {
        "amount": 25000,
        "text": "Cước bưu chính công ích tạm tính 25.000 đồng một lần gửi, bạn trả cho "
        "bưu điện khi nhận kết quả. Mức cước thực tế theo bảng giá của bưu điện.",
    },
}

LEVELS = {
    "toan-trinh": "Toàn trình: nộp hồ sơ, nộp phí và nhận kết quả trực tuyến hoặc qua bưu chính",
    "mot-phan": "Một phần: nộp hồ sơ trực tuyến, nộp phí và nhận kết quả tại UBND xã",
}

# Error message templates, shared word for word with static/js/rules.js.
# {name}: the field's name in a sentence ("ngày sinh của mẹ"); {Name}: the same
# starting with a capital letter.
_CHECK_ID = "Hãy kiểm tra lại số in trên thẻ căn cước hoặc trong ứng dụng VNeID."
MESSAGES = {
    "required": "Hãy nhập {name}.",
    "required_choice": "Hãy chọn {name}.",
    "too_long": "{Name} không được dài quá {max} ký tự. Hãy viết ngắn lại.",
    "text_hidden": "{Name} có ký tự không hợp lệ (ký tự ẩn hoặc ký tự điều khiển). Hãy gõ lại.",
    "too_short": "{Name} quá ngắn. Hãy ghi đầy đủ, ít nhất {min} ký tự.",
    "date_invalid": "{Name} không đúng. Hãy nhập ngày có thật theo dạng ngày/tháng/năm, "
    "ví dụ 27/03/2026.",
    "date_future": "{Name} không được sau hôm nay. Hãy kiểm tra lại {name}.",
    "date_too_early": "{Name} không được trước ngày {min}. Hãy kiểm tra lại năm.",
    "time_invalid": "{Name} không đúng. Hãy nhập giờ và phút theo dạng 24 giờ, ví dụ 14:30.",
    "choice_invalid": "Hãy chọn {name} trong danh sách.",
    "personal_id_format": "{Name} phải gồm đúng 12 chữ số. " + _CHECK_ID,
    "personal_id_province": "{Name} không đúng: 3 chữ số đầu không phải là mã tỉnh, "
    "thành phố. " + _CHECK_ID,
    "personal_id_mismatch": "{Name} không khớp với {other}. Hãy kiểm tra lại cả hai.",
    "personal_id_sex": "{Name} không đúng: chữ số thứ tư cho biết đây là số của {sex}. "
    + _CHECK_ID,
    "phone_invalid": "{Name} không đúng. Hãy nhập số di động Việt Nam gồm 10 chữ số, "
    "ví dụ 0912 345 678.",
    "phone_old": "{Name} là số 11 chữ số cũ. Từ năm 2018 số di động đã chuyển sang "
    "10 chữ số. Hãy nhập số mới, ví dụ 0912 345 678.",
    "phone_not_mobile": "{Name} không phải số di động Việt Nam. Hãy nhập số di động "
    "bắt đầu bằng 03, 05, 07, 08 hoặc 09.",
    "email_invalid": "{Name} không đúng. Hãy nhập địa chỉ email có dạng ten@vidu.vn.",
    "integer_invalid": "{Name} chỉ được gồm chữ số. Hãy nhập một số, ví dụ 2.",
    "integer_range": "{Name} phải từ {min} đến {max}. Hãy nhập một số trong khoảng này.",
    "digits_invalid": "{Name} phải gồm từ {min} đến {max} chữ số, không có chữ cái. "
    "Hãy kiểm tra lại.",
    "digits_exact": "{Name} phải gồm đúng {min} chữ số. Hãy kiểm tra lại.",
    "commune_invalid": "Hãy tìm và chọn {name} trong danh sách gợi ý.",
    "commune_unknown": "Không tìm thấy {name} đã chọn. Hãy tìm và chọn lại trong danh sách gợi ý.",
    "not_string": "Giá trị của {name} không hợp lệ. Hãy nhập lại.",
    "name_no_diacritics": plausibility.NO_DIACRITICS,
    "unknown_field": "Trường không có trong biểu mẫu.",
    "selection_unknown_group": "Không có nhóm thủ tục này. Hãy chọn lại nhóm thủ tục liên thông.",
    "selection_unknown_procedure": "Có thủ tục không thuộc nhóm đã chọn. Hãy chọn lại các thủ tục.",
    "selection_duplicate": "Mỗi thủ tục chỉ được chọn một lần. Hãy chọn lại các thủ tục.",
    "selection_required": "Hãy chọn thủ tục {title}: đây là thủ tục bắt buộc của nhóm "
    "liên thông này.",
    "selection_too_few": "Hãy chọn thêm thủ tục: dịch vụ liên thông gồm từ {min} đến {max} "
    "thủ tục.",
    "selection_too_many": "Hãy bỏ bớt thủ tục: dịch vụ liên thông gồm từ {min} đến {max} thủ tục.",
}

SEX_WORDS = {"nam": "nam giới", "nu": "nữ giới"}

_ETHNIC_GROUPS = (
    "Kinh", "Tày", "Thái", "Hoa", "Khmer", "Mường", "Nùng", "Mông", "Dao", "Gia Rai",
    "Ngái", "Ê Đê", "Ba Na", "Xơ Đăng", "Sán Chay", "Cơ Ho", "Chăm", "Sán Dìu", "Hrê",
    "Ra Glai", "Mnông", "Xtiêng", "Bru - Vân Kiều", "Thổ", "Giáy", "Cơ Tu", "Giẻ Triêng",
    "Mạ", "Khơ Mú", "Co", "Tà Ôi", "Chơ Ro", "Kháng", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào",
    "La Chí", "La Ha", "Phù Lá", "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn",
    "Cờ Lao", "Cống", "Bố Y", "Si La", "Pu Péo", "Rơ Măm", "Brâu", "Ơ Đu",
)  # fmt: skip

OPTIONS: dict[str, list[dict]] = {
    # Values are the two-digit codes of the statistics office's list (Kinh 01 ... Ơ Đu 54);
    # check them against the receiving systems' code list before integrating.
    "dan-toc": [
        {"value": f"{number:02d}", "label": name}
        for number, name in enumerate(_ETHNIC_GROUPS, start=1)
    ],
    "quoc-tich": [
        {"value": "VN", "label": "Việt Nam"},
        {"value": "CN", "label": "Trung Quốc"},
        {"value": "KR", "label": "Hàn Quốc"},
        {"value": "JP", "label": "Nhật Bản"},
        {"value": "TW", "label": "Đài Loan (Trung Quốc)"},
        {"value": "LA", "label": "Lào"},
        {"value": "KH", "label": "Campuchia"},
        {"value": "TH", "label": "Thái Lan"},
        {"value": "US", "label": "Hoa Kỳ"},
        {"value": "FR", "label": "Pháp"},
        {"value": "AU", "label": "Úc"},
        {"value": "khac", "label": "Quốc tịch khác"},
    ],
    "gioi-tinh": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}],
    "loai-cu-tru": [
        {"value": "thuong-tru", "label": "Thường trú"},
        {"value": "tam-tru", "label": "Tạm trú"},
        {"value": "noi-o-hien-tai", "label": "Nơi ở hiện tại (không có thường trú, tạm trú)"},
    ],
    **catalog_birth.OPTIONS,
    **catalog_death.OPTIONS,
}

_POSTAL = {"field": "nhan-ket-qua.hinh_thuc", "equals": "buu-chinh"}

# fmt: off
SHARED_SECTIONS: dict[str, dict] = {
    "nguoi-yeu-cau": {
        "title": "Thông tin của bạn",
        "subject": "của bạn",
        "intro": "Bạn là người yêu cầu (người đi đăng ký). Cán bộ liên hệ với bạn qua số "
        "điện thoại này khi cần.",
        "fields": [
            {"id": "ho_ten", "label": "Họ, chữ đệm và tên", "type": "text", "max_length": 100,
             "autocomplete": "name", "hint": "Viết có dấu, đúng như trên thẻ căn cước.",
             "vouched": {"from": "full_name", "change": "fixed"}},
            {"id": "so_dinh_danh", "label": "Số định danh cá nhân", "type": "personal_id",
             "inputmode": "numeric", "prefill": "account.personal_id",
             "hint": "12 chữ số in trên thẻ căn cước hoặc trong ứng dụng VNeID.",
             "vouched": {"from": "personal_id", "change": "fixed"}},
            {"id": "dien_thoai", "label": "Số điện thoại di động", "type": "phone",
             "autocomplete": "tel", "inputmode": "tel", "prefill": "account.phone",
             "hint": "Để nhận tin nhắn về hồ sơ, ví dụ 0912 345 678.",
             "vouched": {"from": "phone", "change": "reason"}},
            {"id": "email", "label": "Email", "type": "email", "required": False,
             "autocomplete": "email", "inputmode": "email",
             "hint": "Để nhận thông báo về hồ sơ qua email."},
            {"id": "noi_cu_tru_xa", "label": "Xã, phường nơi cư trú", "type": "commune",
             "hint": "Gõ tên xã, phường để tìm, ví dụ: Văn Lăng.",
             "vouched": {"from": "residence_commune", "change": "reason"}},
            {"id": "noi_cu_tru_dia_chi", "label": "Số nhà, đường, thôn, xóm nơi cư trú",
             "name": "địa chỉ nơi cư trú của bạn", "type": "text",
             "autocomplete": "address-line1", "hint": "Ví dụ: Số 12, thôn Làng Mới.",
             "vouched": {"from": "residence_address", "change": "reason"}},
            # Asked only when a value VNeID vouched for, whose rule is
            # "reason", was changed (domain.vneid); the office reads it.
            {"id": "ly_do_sua", "label": "Lý do sửa thông tin lấy từ VNeID",
             "name": "lý do sửa thông tin lấy từ VNeID", "type": "textarea",
             "required": False, "max_length": 300, "vouched_reason": True,
             "hint": "Ví dụ: tôi đã đổi số điện thoại; tôi đã chuyển nơi ở."},
        ],
    },
    "ban-sao": {
        "title": "Bản sao trích lục",
        "intro": "Bản chính được cấp miễn phí. Bản sao dùng khi làm các giấy tờ khác.",
        "fields": [
            {"id": "so_ban_sao", "label": "Số bản sao trích lục cần cấp",
             "name": "số bản sao trích lục", "type": "integer", "required": False,
             "min": 0, "max": 10, "inputmode": "numeric",
             "hint": "Ngoài bản chính. Để trống nếu không cần bản sao."},
        ],
    },
    "nhan-ket-qua": {
        "title": "Cách nhận kết quả",
        "intro": "Bạn nhận giấy tờ kết quả tại UBND xã, hoặc qua bưu chính công ích "
        "(bưu điện giao tận nơi, bạn trả cước).",
        "fields": [
            {"id": "hinh_thuc", "label": "Bạn muốn nhận kết quả thế nào?",
             "name": "cách nhận kết quả", "type": "radio",
             "hint": "Nhận tại xã: miễn phí. Qua bưu chính: cước tạm tính "
             f"{FEES['postal']['amount']:,} đồng".replace(",", ".")
             + ", trả cho bưu điện khi nhận.",
             "options": [
                 {"value": "tai-xa", "label": "Nhận tại Bộ phận một cửa của UBND xã"},
                 {"value": "buu-chinh",
                  "label": "Gửi qua bưu chính công ích đến địa chỉ của tôi (tôi trả cước)"},
             ]},
            {"id": "nguoi_nhan", "label": "Họ, chữ đệm và tên người nhận",
             "name": "họ, chữ đệm và tên người nhận kết quả", "type": "text",
             "max_length": 100, "autocomplete": "name", "when": _POSTAL},
            {"id": "dien_thoai", "label": "Số điện thoại người nhận",
             "name": "số điện thoại người nhận kết quả", "type": "phone",
             "autocomplete": "tel", "inputmode": "tel", "prefill": "account.phone",
             "when": _POSTAL},
            {"id": "xa", "label": "Xã, phường nhận kết quả", "name": "xã, phường nhận kết quả",
             "type": "commune", "when": _POSTAL},
            {"id": "dia_chi", "label": "Số nhà, đường, thôn, xóm nhận kết quả",
             "name": "địa chỉ nhận kết quả", "type": "text", "autocomplete": "address-line1",
             "when": _POSTAL},
        ],
    },
}
# fmt: on


_NAME_PARTS = ("ho", "chu_dem", "ten", "nguoi_nhan")


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _complete_field(section_id: str, section: dict, field: dict) -> dict:
    field = dict(field)
    field["key"] = f"{section_id}.{field['id']}"
    field.setdefault("required", True)
    if "name" not in field:
        subject = section.get("subject")
        label = lower_first(field["label"])
        field["name"] = f"{label} {subject}" if subject else label
    # Names of people get the gentle "no diacritics?" warning (domain.plausibility).
    if field["type"] == "text" and (field["id"].endswith("ho_ten") or field["id"] in _NAME_PARTS):
        field.setdefault("person_name", True)
    if field["type"] == "date":
        field.setdefault("not_future", True)
        field.setdefault("not_before", NOT_BEFORE)
    if field["type"] in DEFAULT_MAX_LENGTH:
        field.setdefault("max_length", DEFAULT_MAX_LENGTH[field["type"]])
    return field


def _build() -> dict:
    raw_sections = {**SHARED_SECTIONS, **catalog_birth.SECTIONS, **catalog_death.SECTIONS}
    sections = {}
    for section_id, section in raw_sections.items():
        fields = [_complete_field(section_id, section, field) for field in section["fields"]]
        sections[section_id] = {"id": section_id, **section, "fields": fields}

    procedures = {}
    for procedure_id, procedure in {
        **catalog_birth.PROCEDURES,
        **catalog_death.PROCEDURES,
    }.items():
        attachments = [
            {**attachment, "procedure": procedure_id} for attachment in procedure["attachments"]
        ]
        procedures[procedure_id] = {"id": procedure_id, **procedure, "attachments": attachments}

    return {
        "version": VERSION,
        "agencies": AGENCIES,
        "fees": FEES,
        "levels": LEVELS,
        "groups": [
            {**group, "fills": FILLS.get(group["id"], [])}
            for group in (catalog_birth.GROUP, catalog_death.GROUP)
        ],
        "procedures": procedures,
        "sections": sections,
        "rules": [*catalog_birth.RULES, *catalog_death.RULES],
        "options": OPTIONS,
        "messages": MESSAGES,
        "sex_words": SEX_WORDS,
        "unmarked_syllables": list(plausibility.UNMARKED_SYLLABLES),
        "personal_id_provinces": sorted(PROVINCE_BIRTH_CODES),
    }


CATALOG: dict = _build()


def catalog_json() -> dict:
    """The catalog as served to the browser: a fresh deep copy, safe to mutate."""
    return copy.deepcopy(CATALOG)


def get_group(group_id: str) -> dict | None:
    return next((group for group in CATALOG["groups"] if group["id"] == group_id), None)


def _index_fields(catalog: dict) -> dict[str, dict]:
    index: dict[str, dict] = {}
    for section_id, section in catalog["sections"].items():
        for field in section["fields"]:
            index.setdefault(f"{section_id}.{field['id']}", field)
    return index


# Validating a dossier looks fields up some two hundred times (each answer,
# each "when", each rule): a dict, not a walk over the section's fields.
_FIELDS = _index_fields(CATALOG)


def get_field(key: str) -> dict | None:
    """The field for an answer key such as "me.ngay_sinh", or None."""
    return _FIELDS.get(key)


def field_options(field: dict) -> list[dict]:
    """The options of a radio or select field, inline or from ``options_ref``."""
    if "options" in field:
        return field["options"]
    return CATALOG["options"].get(field.get("options_ref", ""), [])
