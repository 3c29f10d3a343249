"""Catalog data of linked group 1: birth registration, permanent residence
registration and the health-insurance card of a child under 6.

Fields follow the birth declaration (Circular 04/2020/TT-BTP, revised 2024),
the residence form CT01 (Circular 66/2023/TT-BCA) and TK1-TS (Decision
505/QĐ-BHXH), trimmed to what a citizen can type on a phone. Plain data:
``domain.catalog`` fills defaults (``required``, ``key``, ``name``) and
assembles the catalog.
"""

from __future__ import annotations

CO = "co"
KHONG = "khong"
VN = "VN"


# fmt: off
def _when(field: str, value: str) -> dict:
    return {"field": field, "equals": value}


def person_fields(section: str, subject: str, *, controlled_by: dict | None = None) -> list[dict]:
    """Identity and residence of a parent; foreign nationals give a passport
    instead of the personal ID number. ``controlled_by`` hides the whole
    block (used for a father who is not yet known)."""
    nationality = f"{section}.quoc_tich"
    fields = [
        {"id": "ho_ten", "label": "Họ, chữ đệm và tên", "type": "text", "max_length": 100,
         "hint": "Viết có dấu, đúng như trên thẻ căn cước.", "autocomplete": "off",
         "vouched": {"from": "full_name", "change": "fixed"}},
        {"id": "ngay_sinh", "label": "Ngày sinh", "type": "date",
         "hint": "Ví dụ: 27/03/1995.", "vouched": {"from": "birth_date", "change": "fixed"}},
        {"id": "quoc_tich", "label": "Quốc tịch", "type": "select", "options_ref": "quoc-tich",
         "default": VN},
        {"id": "quoc_tich_khac", "label": "Tên quốc tịch", "type": "text", "max_length": 50,
         "when": _when(nationality, "khac")},
        {"id": "dan_toc", "label": "Dân tộc", "type": "select", "options_ref": "dan-toc",
         "when": _when(nationality, VN)},
        {"id": "so_dinh_danh", "label": "Số định danh cá nhân", "type": "personal_id",
         "inputmode": "numeric", "when": _when(nationality, VN),
         "hint": "12 chữ số in trên thẻ căn cước hoặc trong ứng dụng VNeID.",
         "vouched": {"from": "personal_id", "change": "fixed"}},
        {"id": "giay_to", "label": "Số hộ chiếu hoặc giấy tờ thay thế", "type": "text",
         "max_length": 50, "when": {"field": nationality, "not_equals": VN}},
        {"id": "noi_cu_tru_loai", "label": "Loại nơi cư trú", "type": "radio",
         "options_ref": "loai-cu-tru"},
        {"id": "noi_cu_tru_xa", "label": "Xã, phường nơi cư trú", "type": "commune",
         "hint": "Gõ tên xã, phường để tìm, ví dụ: Văn Lăng.",
         "vouched": {"from": "residence_commune", "change": "reason"}},
        {"id": "noi_cu_tru_dia_chi", "label": "Số nhà, đường, thôn, xóm nơi cư trú",
         "name": f"địa chỉ nơi cư trú {subject}",
         "type": "text", "hint": "Ví dụ: Số 12, thôn Làng Mới.",
         "vouched": {"from": "residence_address", "change": "reason"}},
    ]
    if controlled_by:
        for field in fields:
            field.setdefault("when", controlled_by)
    return fields


_CHA_KNOWN = _when("cha.co_thong_tin", CO)

SECTIONS: dict[str, dict] = {
    "tre": {
        "title": "Thông tin của trẻ",
        "subject": "của trẻ",
        "intro": "Ghi đúng như bạn muốn in trong giấy khai sinh của trẻ.",
        "fields": [
            {"id": "quan_he_nguoi_yeu_cau", "label": "Bạn là gì của trẻ?",
             "name": "quan hệ của bạn với trẻ", "type": "radio",
             "options_ref": "quan-he-voi-tre"},
            {"id": "ho", "label": "Họ", "type": "text", "max_length": 50,
             "hint": "Ví dụ: Nguyễn.", "autocomplete": "off"},
            {"id": "chu_dem", "label": "Chữ đệm", "type": "text", "max_length": 50,
             "required": False, "hint": "Ví dụ: Thị Minh. Để trống nếu trẻ không có chữ đệm.",
             "autocomplete": "off"},
            {"id": "ten", "label": "Tên", "type": "text", "max_length": 50,
             "hint": "Ví dụ: An.", "autocomplete": "off"},
            {"id": "ngay_sinh", "label": "Ngày sinh", "type": "date",
             "hint": "Ghi theo giấy chứng sinh, ví dụ: 20/11/2026."},
            {"id": "gioi_tinh", "label": "Giới tính", "type": "radio",
             "options_ref": "gioi-tinh"},
            {"id": "quoc_tich", "label": "Quốc tịch", "type": "select",
             "options_ref": "quoc-tich", "default": VN},
            {"id": "quoc_tich_khac", "label": "Tên quốc tịch", "type": "text",
             "max_length": 50, "when": _when("tre.quoc_tich", "khac")},
            {"id": "dan_toc", "label": "Dân tộc", "type": "select", "options_ref": "dan-toc",
             "when": _when("tre.quoc_tich", VN),
             "hint": "Theo dân tộc của cha hoặc của mẹ, theo thỏa thuận của cha mẹ."},
            {"id": "que_quan", "label": "Quê quán", "type": "text",
             "hint": "Theo quê quán của cha hoặc của mẹ, theo thỏa thuận của cha mẹ. "
             "Ví dụ: xã Văn Lăng, tỉnh Thái Nguyên."},
        ],
    },
    "noi-sinh": {
        "title": "Nơi sinh của trẻ",
        "intro": "Ghi đầy đủ tên và địa chỉ nơi trẻ được sinh ra. Cán bộ hộ tịch đối chiếu "
        "với giấy chứng sinh; thiếu tên hoặc địa chỉ, hồ sơ sẽ bị trả lại.",
        "fields": [
            {"id": "loai", "label": "Trẻ được sinh ra ở đâu?", "name": "nơi trẻ được sinh ra",
             "type": "radio", "options": [
                 {"value": "co-so-y-te",
                  "label": "Tại bệnh viện, trạm y tế hoặc cơ sở y tế khác"},
                 {"value": "khac",
                  "label": "Ở nhà, trên đường đến cơ sở y tế hoặc nơi khác"},
             ]},
            {"id": "co_so_y_te", "label": "Tên đầy đủ của cơ sở y tế",
             "name": "tên đầy đủ của cơ sở y tế nơi sinh", "type": "text", "min_length": 10,
             "when": _when("noi-sinh.loai", "co-so-y-te"),
             "hint": "Ghi tên đầy đủ, không viết tắt, ví dụ: Bệnh viện Trung ương Thái "
             "Nguyên, phường Phan Đình Phùng, tỉnh Thái Nguyên. Chọn xã, phường của cơ sở "
             "y tế ở ô bên dưới."},
            {"id": "xa", "label": "Xã, phường nơi sinh", "name": "xã, phường nơi sinh",
             "type": "commune",
             "hint": "Xã, phường nơi có cơ sở y tế hoặc nơi trẻ được sinh ra. Gõ tên để tìm."},
            {"id": "dia_chi_co_so", "label": "Số nhà, đường của cơ sở y tế",
             "name": "địa chỉ của cơ sở y tế nơi sinh", "type": "text", "required": False,
             "when": _when("noi-sinh.loai", "co-so-y-te"),
             "hint": "Ví dụ: Số 10, đường Lương Ngọc Quyến."},
            {"id": "dia_chi", "label": "Địa chỉ nơi sinh: số nhà, thôn, xóm",
             "name": "địa chỉ nơi sinh", "type": "text",
             "when": _when("noi-sinh.loai", "khac"),
             "hint": "Ví dụ: Số 12, thôn Làng Mới."},
            {"id": "giay_chung_sinh", "label": "Trẻ có giấy chứng sinh không?",
             "name": "việc trẻ có giấy chứng sinh hay không", "type": "radio",
             "messages": {"required_choice": "Hãy chọn Có nếu trẻ có giấy chứng sinh, "
                          "hoặc Không nếu không có."},
             "hint": "Nếu không có, bạn cần nộp văn bản xác nhận của người làm chứng "
             "hoặc giấy cam đoan về việc sinh.",
             "options": [
                 {"value": CO, "label": "Có, giấy chứng sinh do cơ sở y tế cấp"},
                 {"value": KHONG, "label": "Không có giấy chứng sinh"},
             ]},
        ],
    },
    "me": {
        "title": "Thông tin của mẹ",
        "subject": "của mẹ",
        # The fields marked "vouched" are the e-ID's only when the requester
        # is this parent (domain.vneid).
        "vouched_if": _when("tre.quan_he_nguoi_yeu_cau", "me"),
        "fields": person_fields("me", "của mẹ"),
    },
    "cha": {
        "title": "Thông tin của cha",
        "subject": "của cha",
        "vouched_if": _when("tre.quan_he_nguoi_yeu_cau", "cha"),
        "fields": [
            {"id": "co_thong_tin", "label": "Đã xác định được cha của trẻ chưa?",
             "name": "việc đã xác định được cha của trẻ hay chưa", "type": "radio",
             "messages": {"required_choice": "Hãy chọn Có nếu khai thông tin của cha, "
                          "hoặc Chưa nếu chưa xác định được cha."},
             "options": [
                 {"value": CO, "label": "Có, tôi khai thông tin của cha"},
                 {"value": KHONG, "label": "Chưa xác định được cha (phần về cha để trống)"},
             ]},
            *person_fields("cha", "của cha", controlled_by=_CHA_KNOWN),
        ],
    },
    "ket-hon": {
        "title": "Đăng ký kết hôn của cha mẹ",
        "intro": "Nếu cha mẹ đã đăng ký kết hôn tại Việt Nam, cán bộ tra cứu được "
        "trong cơ sở dữ liệu hộ tịch.",
        "fields": [
            {"id": "da_ket_hon", "label": "Cha và mẹ của trẻ đã đăng ký kết hôn chưa?",
             "name": "việc cha mẹ đã đăng ký kết hôn hay chưa", "type": "radio",
             "when": _CHA_KNOWN,
             "messages": {"required_choice": "Hãy chọn cha mẹ của trẻ đã hay chưa "
                          "đăng ký kết hôn."},
             "options": [
                 {"value": CO, "label": "Đã đăng ký kết hôn"},
                 {"value": KHONG, "label": "Chưa đăng ký kết hôn"},
             ]},
            {"id": "ngay_dang_ky", "label": "Ngày đăng ký kết hôn",
             "name": "ngày đăng ký kết hôn", "type": "date",
             "when": _when("ket-hon.da_ket_hon", CO)},
            {"id": "noi_dang_ky", "label": "Nơi đăng ký kết hôn", "name": "nơi đăng ký kết hôn",
             "type": "text", "when": _when("ket-hon.da_ket_hon", CO),
             "hint": "Ghi cơ quan đã đăng ký, ví dụ: UBND xã Văn Lăng, tỉnh Thái Nguyên."},
            {"id": "so", "label": "Số giấy chứng nhận kết hôn",
             "name": "số giấy chứng nhận kết hôn", "type": "text", "max_length": 30,
             "required": False, "when": _when("ket-hon.da_ket_hon", CO)},
            {"id": "quyen_so", "label": "Quyển số", "name": "quyển số đăng ký kết hôn",
             "type": "text", "max_length": 30, "required": False,
             "when": _when("ket-hon.da_ket_hon", CO)},
        ],
    },
    "thuong-tru": {
        "title": "Đăng ký thường trú cho trẻ",
        "intro": "Trẻ thường được đăng ký thường trú cùng nơi với cha, mẹ. "
        "Chủ hộ nơi trẻ đăng ký phải đồng ý.",
        "fields": [
            {"id": "noi_dang_ky", "label": "Trẻ sẽ đăng ký thường trú ở đâu?",
             "name": "nơi trẻ sẽ đăng ký thường trú", "type": "radio", "options": [
                 {"value": "cung-cha-me", "label": "Cùng nơi thường trú của cha, mẹ"},
                 {"value": "khac", "label": "Nơi khác, ví dụ nhà ông bà"},
             ]},
            {"id": "xa", "label": "Xã, phường nơi đăng ký thường trú",
             "name": "xã, phường nơi đăng ký thường trú", "type": "commune"},
            {"id": "dia_chi", "label": "Số nhà, đường, thôn, xóm nơi đăng ký thường trú",
             "name": "địa chỉ nơi đăng ký thường trú", "type": "text",
             "hint": "Ví dụ: Số 12, thôn Làng Mới."},
            {"id": "chu_ho_ho_ten", "label": "Họ, chữ đệm và tên của chủ hộ",
             "name": "họ, chữ đệm và tên của chủ hộ", "type": "text", "max_length": 100},
            {"id": "chu_ho_so_dinh_danh", "label": "Số định danh cá nhân của chủ hộ",
             "name": "số định danh cá nhân của chủ hộ", "type": "personal_id",
             "inputmode": "numeric"},
            {"id": "quan_he_voi_chu_ho", "label": "Trẻ là gì của chủ hộ?",
             "name": "quan hệ của trẻ với chủ hộ", "type": "select",
             "options_ref": "quan-he-tre-voi-chu-ho"},
        ],
    },
    "bhyt": {
        "title": "Thẻ bảo hiểm y tế của trẻ",
        "intro": "Trẻ dưới 6 tuổi được cấp thẻ bảo hiểm y tế miễn phí, có giá trị "
        "đến khi trẻ đủ 72 tháng tuổi.",
        "fields": [
            {"id": "noi_kcb", "label": "Nơi đăng ký khám, chữa bệnh ban đầu",
             "name": "nơi đăng ký khám, chữa bệnh ban đầu", "type": "text",
             "hint": "Trạm y tế, phòng khám hoặc bệnh viện gần nhà, "
             "ví dụ: Trạm y tế xã Văn Lăng."},
        ],
    },
}

OPTIONS: dict[str, list[dict]] = {
    "quan-he-voi-tre": [
        {"value": "me", "label": "Mẹ"},
        {"value": "cha", "label": "Cha"},
        {"value": "ong-ba", "label": "Ông hoặc bà"},
        {"value": "nguoi-than", "label": "Người thân khác (anh, chị, cô, dì, chú, bác...)"},
        {"value": "uy-quyen", "label": "Người được cha, mẹ ủy quyền"},
    ],
    "quan-he-tre-voi-chu-ho": [
        {"value": "con", "label": "Con"},
        {"value": "chau", "label": "Cháu"},
        {"value": "em", "label": "Em"},
        {"value": "khac", "label": "Quan hệ khác"},
    ],
}

_FREE_ON_TIME = "Miễn lệ phí khi đăng ký đúng hạn (Luật Hộ tịch, Điều 11). "
_POSTAGE = "Nếu nhận kết quả qua bưu chính, bạn trả cước bưu chính."

PROCEDURES: dict[str, dict] = {
    "dang-ky-khai-sinh": {
        "title": "Đăng ký khai sinh",
        "summary": "Cấp giấy khai sinh và số định danh cá nhân cho trẻ.",
        "for": "Mọi trẻ sinh ra chưa được đăng ký khai sinh; nên làm trong 60 ngày kể từ "
        "ngày sinh.",
        "agency": "tu-phap",
        "level": "toan-trinh",
        "fee": {"amount": 0, "text": _FREE_ON_TIME + _POSTAGE},
        "processing": {"working_days": 0,
                       "text": "Trong ngày làm việc; hồ sơ nhận sau 15 giờ được giải quyết "
                       "trong ngày làm việc tiếp theo."},
        "legal_basis": "Luật Hộ tịch 2014; Thông tư 04/2020/TT-BTP; Nghị định 63/2024/NĐ-CP",
        "sections": ["nguoi-yeu-cau", "tre", "noi-sinh", "me", "cha", "ket-hon", "ban-sao"],
        "attachments": [
            {"id": "to-khai-khai-sinh", "title": "Tờ khai đăng ký khai sinh đã ký",
             "form": "khai-sinh",
             "hint": "Ghi đủ tờ khai, ký và ghi rõ họ tên, rồi chụp rõ cả tờ khai.",
             "required": True, "max_pages": 2},
            {"id": "giay-chung-sinh", "title": "Giấy chứng sinh",
             "hint": "Chụp bản chính giấy chứng sinh do cơ sở y tế cấp, rõ chữ và dấu đỏ.",
             "required": True, "max_pages": 2, "when": _when("noi-sinh.giay_chung_sinh", CO)},
            {"id": "van-ban-lam-chung",
             "title": "Văn bản xác nhận của người làm chứng hoặc giấy cam đoan về việc sinh",
             "hint": "Khi không có giấy chứng sinh: văn bản của người làm chứng xác nhận việc "
             "sinh; nếu không có người làm chứng, giấy cam đoan của bạn. Chụp rõ chữ ký.",
             "required": True, "max_pages": 4,
             "when": _when("noi-sinh.giay_chung_sinh", KHONG)},
            {"id": "giay-chung-nhan-ket-hon", "title": "Giấy chứng nhận kết hôn của cha mẹ",
             "hint": "Không bắt buộc: cán bộ tra cứu được nếu cha mẹ kết hôn tại Việt Nam. "
             "Nếu có sẵn, hãy chụp để hồ sơ được xử lý nhanh hơn.",
             "required": False, "max_pages": 2, "when": _when("ket-hon.da_ket_hon", CO)},
            {"id": "uy-quyen-khai-sinh", "title": "Văn bản ủy quyền đi đăng ký khai sinh",
             "hint": "Văn bản cha hoặc mẹ ủy quyền cho bạn, có chứng thực. Chụp rõ cả văn bản.",
             "required": True, "max_pages": 4,
             "when": _when("tre.quan_he_nguoi_yeu_cau", "uy-quyen")},
        ],
    },
    "dang-ky-thuong-tru": {
        "title": "Đăng ký thường trú",
        "summary": "Đăng ký nơi thường trú cho trẻ sau khi có giấy khai sinh.",
        "for": "Chọn khi trẻ sẽ đăng ký thường trú: cùng cha, mẹ, hoặc ở nơi khác có chủ hộ "
        "đồng ý.",
        "agency": "cong-an",
        "level": "toan-trinh",
        "fee": {"amount": 0,
                "text": "Miễn lệ phí đăng ký cư trú cho trẻ em (Thông tư 75/2022/TT-BTC)."},
        "processing": {"working_days": 2, "working_days_if_verified": 5,
                       "text": "Tối đa 2 ngày làm việc; 5 ngày làm việc nếu cần xác minh."},
        "legal_basis": "Luật Cư trú 2020; Thông tư 66/2023/TT-BCA; Nghị định 63/2024/NĐ-CP",
        "sections": ["nguoi-yeu-cau", "tre", "thuong-tru"],
        "attachments": [
            {"id": "to-khai-ct01",
             "title": "Tờ khai thay đổi thông tin cư trú (mẫu CT01) đã ký", "form": "ct01",
             "hint": "Cần khi trẻ không đăng ký thường trú cùng cha, mẹ. Chủ hộ nơi đăng ký "
             "ghi ý kiến đồng ý và ký vào tờ khai. Chụp rõ cả tờ khai.",
             "required": True, "max_pages": 2, "when": _when("thuong-tru.noi_dang_ky", "khac")},
        ],
    },
    "cap-the-bhyt": {
        "title": "Cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi",
        "summary": "Thẻ bảo hiểm y tế miễn phí cho trẻ dưới 6 tuổi.",
        "for": "Chọn khi trẻ chưa đủ 6 tuổi và chưa có thẻ bảo hiểm y tế.",
        "agency": "bhxh",
        "level": "toan-trinh",
        "fee": {"amount": 0,
                "text": "Không mất phí: ngân sách nhà nước đóng bảo hiểm y tế "
                "cho trẻ dưới 6 tuổi."},
        "processing": {"working_days": 2, "text": "Tối đa 2 ngày làm việc."},
        "legal_basis": "Luật Bảo hiểm y tế; Quyết định 505/QĐ-BHXH; Nghị định 63/2024/NĐ-CP",
        "sections": ["nguoi-yeu-cau", "tre", "bhyt"],
        "attachments": [
            {"id": "to-khai-tk1-ts",
             "title": "Tờ khai tham gia, điều chỉnh thông tin BHXH, BHYT (mẫu TK1-TS) đã ký",
             "form": "tk1-ts",
             "hint": "Cha, mẹ hoặc người giám hộ ghi tờ khai cho trẻ (họ tên trẻ viết chữ in "
             "hoa) và ký. Chụp rõ cả tờ khai.",
             "required": True, "max_pages": 2},
        ],
    },
}

RULES: list[dict] = [
    {"id": "me-sinh-truoc-tre", "type": "date_before", "field": "me.ngay_sinh",
     "other": "tre.ngay_sinh",
     "message": "Ngày sinh của mẹ phải trước ngày sinh của trẻ. Hãy kiểm tra lại hai ngày sinh."},
    {"id": "cha-sinh-truoc-tre", "type": "date_before", "field": "cha.ngay_sinh",
     "other": "tre.ngay_sinh",
     "message": "Ngày sinh của cha phải trước ngày sinh của trẻ. Hãy kiểm tra lại hai ngày sinh."},
    {"id": "tuoi-me-khi-sinh", "type": "age_between", "field": "me.ngay_sinh",
     "other": "tre.ngay_sinh", "min_years": 12, "max_years": 65,
     "message": "Theo ngày sinh đã khai, mẹ {age} tuổi khi sinh trẻ: rất ít khi đúng. "
     "Hãy kiểm tra lại năm sinh của mẹ và ngày sinh của trẻ."},
    {"id": "me-dinh-danh", "type": "personal_id_matches", "field": "me.so_dinh_danh",
     "birth": "me.ngay_sinh", "sex": "nu"},
    {"id": "cha-dinh-danh", "type": "personal_id_matches", "field": "cha.so_dinh_danh",
     "birth": "cha.ngay_sinh", "sex": "nam"},
    {"id": "ket-hon-sau-sinh-me", "type": "date_after", "field": "ket-hon.ngay_dang_ky",
     "other": "me.ngay_sinh",
     "message": "Ngày đăng ký kết hôn phải sau ngày sinh của mẹ. "
     "Hãy kiểm tra lại ngày đăng ký kết hôn."},
    {"id": "ket-hon-sau-sinh-cha", "type": "date_after", "field": "ket-hon.ngay_dang_ky",
     "other": "cha.ngay_sinh",
     "message": "Ngày đăng ký kết hôn phải sau ngày sinh của cha. "
     "Hãy kiểm tra lại ngày đăng ký kết hôn."},
    {"id": "tre-duoi-6-tuoi", "type": "younger_than_years", "field": "tre.ngay_sinh",
     "years": 6, "procedures": ["cap-the-bhyt"],
     "message": "Trẻ đã đủ 6 tuổi nên không được cấp thẻ bảo hiểm y tế trong dịch vụ này. "
     "Hãy kiểm tra lại ngày sinh của trẻ, hoặc bỏ chọn thủ tục cấp thẻ bảo hiểm y tế."},
]

GROUP: dict = {
    "id": "khai-sinh",
    "title": "Liên thông khai sinh",
    "description": "Đăng ký khai sinh – Đăng ký thường trú – Cấp thẻ BHYT cho trẻ dưới 6 tuổi",
    "procedures": ["dang-ky-khai-sinh", "dang-ky-thuong-tru", "cap-the-bhyt"],
    "required": ["dang-ky-khai-sinh"],
    "min": 2,
    "max": 3,
    "total_time": "3 ngày làm việc (5 ngày làm việc nếu phải xác minh nơi thường trú).",
    # The promised date (services.dossiers.submission.plan_deadlines): the latest
    # of the chosen procedures' own dates, each linked procedure counted after
    # the registration; the chain's legal total only binds when all of it is chosen.
    "deadline": {
        "rule": "Ngày hẹn trả kết quả là ngày muộn nhất của các thủ tục bạn chọn: đăng ký "
        "khai sinh trong ngày làm việc, mỗi thủ tục liên thông tính thêm thời hạn của "
        "thủ tục đó; chọn đủ ba thủ tục thì cả chuỗi là 3 ngày làm việc.",
        "chain": ["dang-ky-khai-sinh", "dang-ky-thuong-tru", "cap-the-bhyt"],
        "chain_working_days": 3,
    },
    # Pages in order; sections_for() keeps those the chosen procedures need.
    "sections": ["nguoi-yeu-cau", "tre", "noi-sinh", "me", "cha", "ket-hon", "ban-sao",
                 "thuong-tru", "bhyt", "nhan-ket-qua"],
    "always_sections": ["nhan-ket-qua"],
    # Procedures that may not be chosen together; none in this group.
    "exclusive": [],
}
# fmt: on
