"""Catalog data of linked group 2: death registration, removal of permanent
residence, funeral allowance (social insurance) and funeral cost support
(social protection).

Fields follow the death declaration (Circular 04/2020/TT-BTP), the residence
removal and the funeral allowance/support declarations, trimmed to what a
citizen can type on a phone. Plain data: ``domain.catalog`` fills defaults
and assembles the catalog.
"""

from __future__ import annotations

CO = "co"
KHONG = "khong"
VN = "VN"

# Processing times of these steps were not found in the reference sources;
# the values below are the catalog's, to be confirmed by each agency.
_NOT_FOUND = (
    "Không tìm thấy thời hạn trong tài liệu tham khảo; giá trị tạm của danh mục, "
    "cần cơ quan giải quyết xác nhận."
)


# fmt: off
def _when(field: str, value: str) -> dict:
    return {"field": field, "equals": value}


SECTIONS: dict[str, dict] = {
    "nguoi-mat": {
        "title": "Thông tin người đã mất",
        "subject": "của người mất",
        "fields": [
            {"id": "quan_he_nguoi_yeu_cau", "label": "Bạn là gì của người đã mất?",
             "name": "quan hệ của bạn với người mất", "type": "select",
             "options_ref": "quan-he-voi-nguoi-mat"},
            {"id": "ho_ten", "label": "Họ, chữ đệm và tên", "type": "text", "max_length": 100,
             "autocomplete": "off"},
            {"id": "ngay_sinh", "label": "Ngày sinh", "type": "date",
             "hint": "Ghi theo thẻ căn cước của người mất, ví dụ: 15/08/1940."},
            {"id": "gioi_tinh", "label": "Giới tính", "type": "radio",
             "options_ref": "gioi-tinh"},
            {"id": "quoc_tich", "label": "Quốc tịch", "type": "select",
             "options_ref": "quoc-tich", "default": VN},
            {"id": "quoc_tich_khac", "label": "Tên quốc tịch", "type": "text",
             "max_length": 50, "when": _when("nguoi-mat.quoc_tich", "khac")},
            {"id": "dan_toc", "label": "Dân tộc", "type": "select", "options_ref": "dan-toc",
             "when": _when("nguoi-mat.quoc_tich", VN)},
            {"id": "so_dinh_danh", "label": "Số định danh cá nhân", "type": "personal_id",
             "inputmode": "numeric", "when": _when("nguoi-mat.quoc_tich", VN),
             "hint": "12 chữ số in trên thẻ căn cước của người mất."},
            {"id": "giay_to", "label": "Số hộ chiếu hoặc giấy tờ thay thế", "type": "text",
             "max_length": 50, "when": {"field": "nguoi-mat.quoc_tich", "not_equals": VN}},
            {"id": "noi_cu_tru_xa", "label": "Xã, phường nơi cư trú cuối cùng",
             "type": "commune", "hint": "Gõ tên xã, phường để tìm, ví dụ: Văn Lăng."},
            {"id": "noi_cu_tru_dia_chi", "label": "Số nhà, đường, thôn, xóm nơi cư trú cuối cùng",
             "name": "địa chỉ nơi cư trú cuối cùng của người mất", "type": "text",
             "hint": "Ví dụ: Số 12, thôn Làng Mới."},
        ],
    },
    "tu-vong": {
        "title": "Thời gian, nơi mất và nguyên nhân",
        "intro": "Ghi theo giấy báo tử hoặc giấy tờ thay thế giấy báo tử.",
        "fields": [
            {"id": "ngay_mat", "label": "Ngày mất", "name": "ngày mất", "type": "date"},
            {"id": "gio_mat", "label": "Giờ mất", "name": "giờ mất", "type": "time",
             "required": False,
             "hint": "Dạng 24 giờ, ví dụ 14:30. Bắt buộc nếu người mất tại cơ sở y tế."},
            {"id": "noi_mat_loai", "label": "Người đó mất ở đâu?", "name": "nơi mất",
             "type": "radio", "options": [
                 {"value": "co-so-y-te", "label": "Tại bệnh viện, cơ sở y tế"},
                 {"value": "khac", "label": "Tại nhà hoặc nơi khác"},
             ]},
            {"id": "noi_mat_co_so", "label": "Tên đầy đủ của cơ sở y tế",
             "name": "tên đầy đủ của cơ sở y tế nơi mất", "type": "text", "min_length": 10,
             "when": _when("tu-vong.noi_mat_loai", "co-so-y-te"),
             "hint": "Không viết tắt, ví dụ: Bệnh viện Trung ương Thái Nguyên."},
            {"id": "noi_mat_xa", "label": "Xã, phường nơi mất", "name": "xã, phường nơi mất",
             "type": "commune", "hint": "Gõ tên xã, phường để tìm."},
            {"id": "noi_mat_dia_chi", "label": "Địa chỉ nơi mất: số nhà, thôn, xóm",
             "name": "địa chỉ nơi mất", "type": "text",
             "when": _when("tu-vong.noi_mat_loai", "khac"),
             "hint": "Ví dụ: Số 12, thôn Làng Mới."},
            {"id": "nguyen_nhan", "label": "Nguyên nhân mất", "name": "nguyên nhân mất",
             "type": "text", "hint": "Ghi theo giấy báo tử, ví dụ: bệnh già."},
        ],
    },
    "bao-tu": {
        "title": "Giấy báo tử",
        "intro": "Giấy báo tử, hoặc giấy tờ thay thế giấy báo tử, là giấy bắt buộc "
        "để đăng ký khai tử. Bạn sẽ chụp và tải giấy này lên ở bước sau.",
        "fields": [
            {"id": "loai", "label": "Bạn có loại giấy nào?", "name": "loại giấy báo tử",
             "type": "radio", "options": [
                 {"value": "co-so-y-te",
                  "label": "Giấy báo tử do bệnh viện, cơ sở y tế cấp"},
                 {"value": "ubnd-xa",
                  "label": "Giấy báo tử do UBND xã, phường nơi người đó mất cấp"},
                 {"value": "cong-an",
                  "label": "Văn bản xác nhận của công an hoặc kết quả giám định pháp y "
                  "(tai nạn, mất đột ngột, có nghi vấn)"},
                 {"value": "toa-an",
                  "label": "Bản án, quyết định của Tòa án tuyên bố người đó đã chết"},
                 {"value": "khac", "label": "Giấy tờ khác thay giấy báo tử"},
             ]},
            {"id": "so", "label": "Số giấy", "name": "số giấy báo tử", "type": "text",
             "max_length": 30, "required": False},
            {"id": "ngay_cap", "label": "Ngày cấp", "name": "ngày cấp giấy báo tử",
             "type": "date"},
            {"id": "noi_cap", "label": "Cơ quan cấp", "name": "cơ quan cấp giấy báo tử",
             "type": "text",
             "hint": "Ví dụ: Bệnh viện Trung ương Thái Nguyên, hoặc UBND xã Văn Lăng."},
        ],
    },
    "xoa-thuong-tru": {
        "title": "Xóa đăng ký thường trú",
        "intro": "Công an xã xóa đăng ký thường trú của người đã mất tại nơi cư trú "
        "bạn đã khai.",
        "fields": [
            {"id": "la_chu_ho", "label": "Người mất có phải là chủ hộ không?",
             "name": "việc người mất có phải là chủ hộ hay không", "type": "radio",
             "messages": {"required_choice": "Hãy chọn Có nếu người mất là chủ hộ, "
                          "hoặc Không nếu không phải."},
             "options": [
                 {"value": CO, "label": "Có"},
                 {"value": KHONG, "label": "Không"},
             ]},
            {"id": "chu_ho_ho_ten", "label": "Họ, chữ đệm và tên của chủ hộ",
             "name": "họ, chữ đệm và tên của chủ hộ", "type": "text", "max_length": 100,
             "when": _when("xoa-thuong-tru.la_chu_ho", KHONG)},
            {"id": "chu_ho_so_dinh_danh", "label": "Số định danh cá nhân của chủ hộ",
             "name": "số định danh cá nhân của chủ hộ", "type": "personal_id",
             "inputmode": "numeric", "when": _when("xoa-thuong-tru.la_chu_ho", KHONG)},
            {"id": "quan_he_voi_chu_ho", "label": "Người mất là gì của chủ hộ?",
             "name": "quan hệ của người mất với chủ hộ", "type": "select",
             "options_ref": "quan-he-voi-chu-ho",
             "when": _when("xoa-thuong-tru.la_chu_ho", KHONG)},
        ],
    },
    "an-tang": {
        "title": "An táng",
        "fields": [
            {"id": "ngay_an_tang", "label": "Ngày an táng hoặc hỏa táng", "name": "ngày an táng",
             "type": "date"},
            {"id": "noi_an_tang", "label": "Nơi an táng hoặc hỏa táng", "name": "nơi an táng",
             "type": "text", "hint": "Ví dụ: Nghĩa trang nhân dân xã Văn Lăng."},
        ],
    },
    "tro-cap-mai-tang": {
        "title": "Trợ cấp mai táng của bảo hiểm xã hội",
        "fields": [
            {"id": "doi_tuong", "label": "Người mất thuộc trường hợp nào?",
             "name": "trường hợp hưởng trợ cấp mai táng", "type": "radio",
             "messages": {"required_choice": "Hãy chọn trường hợp của người mất để được "
                          "trợ cấp mai táng."},
             "options": [
                 {"value": "dang-dong", "label": "Đang đóng bảo hiểm xã hội"},
                 {"value": "bao-luu",
                  "label": "Đã đóng bảo hiểm xã hội, đang bảo lưu thời gian đóng"},
                 {"value": "luong-huu", "label": "Đang hưởng lương hưu"},
                 {"value": "tro-cap-hang-thang",
                  "label": "Đang hưởng trợ cấp bảo hiểm xã hội hằng tháng "
                  "(tai nạn lao động, bệnh nghề nghiệp...)"},
             ]},
            {"id": "ma_so_bhxh", "label": "Mã số bảo hiểm xã hội của người mất",
             "name": "mã số bảo hiểm xã hội của người mất", "type": "text", "required": False,
             "digits": [10, 10], "inputmode": "numeric",
             "hint": "10 chữ số trên sổ bảo hiểm xã hội hoặc thẻ bảo hiểm y tế. "
             "Để trống nếu không biết."},
        ],
    },
    "ho-tro-mai-tang": {
        "title": "Hỗ trợ chi phí mai táng",
        "fields": [
            {"id": "doi_tuong", "label": "Người mất thuộc đối tượng nào?",
             "name": "đối tượng được hỗ trợ chi phí mai táng", "type": "radio",
             "options": [
                 {"value": "tro-cap-xa-hoi",
                  "label": "Đang hưởng trợ cấp xã hội hằng tháng (người cao tuổi, "
                  "người khuyết tật, trẻ em mồ côi...)"},
                 {"value": "ho-ngheo", "label": "Thuộc hộ nghèo hoặc hộ cận nghèo"},
                 {"value": "nguoi-co-cong",
                  "label": "Người có công với cách mạng hoặc thân nhân đang hưởng trợ cấp"},
                 {"value": "khac", "label": "Trường hợp khác theo quy định"},
             ]},
        ],
    },
    "nguoi-nhan-tien": {
        "title": "Người nhận tiền mai táng",
        "subject": "của người nhận",
        "fields": [
            {"id": "nguoi_nhan", "label": "Ai sẽ nhận tiền mai táng?",
             "name": "người nhận tiền mai táng", "type": "radio", "options": [
                 {"value": "ban-than", "label": "Tôi (người đi khai)"},
                 {"value": "nguoi-khac", "label": "Người khác đã lo mai táng"},
             ]},
            {"id": "ho_ten", "label": "Họ, chữ đệm và tên của người nhận", "type": "text",
             "name": "họ, chữ đệm và tên của người nhận", "max_length": 100,
             "when": _when("nguoi-nhan-tien.nguoi_nhan", "nguoi-khac")},
            {"id": "so_dinh_danh", "label": "Số định danh cá nhân của người nhận",
             "name": "số định danh cá nhân của người nhận", "type": "personal_id",
             "inputmode": "numeric",
             "when": _when("nguoi-nhan-tien.nguoi_nhan", "nguoi-khac")},
            {"id": "quan_he", "label": "Người nhận là gì của người mất?",
             "name": "quan hệ của người nhận với người mất", "type": "select",
             "options_ref": "quan-he-voi-nguoi-mat",
             "when": _when("nguoi-nhan-tien.nguoi_nhan", "nguoi-khac")},
            {"id": "hinh_thuc", "label": "Nhận tiền bằng cách nào?", "name": "cách nhận tiền",
             "type": "radio", "options": [
                 {"value": "tai-khoan",
                  "label": "Chuyển khoản vào tài khoản ngân hàng của người nhận"},
                 {"value": "tien-mat", "label": "Nhận tiền mặt"},
             ]},
            {"id": "so_tai_khoan", "label": "Số tài khoản", "name": "số tài khoản ngân hàng",
             "type": "text", "digits": [6, 19], "inputmode": "numeric",
             "when": _when("nguoi-nhan-tien.hinh_thuc", "tai-khoan"),
             "hint": "Tài khoản phải đứng tên người nhận."},
            {"id": "ngan_hang", "label": "Tên ngân hàng", "name": "tên ngân hàng",
             "type": "text", "max_length": 100,
             "when": _when("nguoi-nhan-tien.hinh_thuc", "tai-khoan"),
             "hint": "Ví dụ: Agribank, Vietcombank."},
        ],
    },
}

OPTIONS: dict[str, list[dict]] = {
    "quan-he-voi-nguoi-mat": [
        {"value": "vo-chong", "label": "Vợ hoặc chồng"},
        {"value": "con", "label": "Con"},
        {"value": "cha-me", "label": "Cha hoặc mẹ"},
        {"value": "anh-chi-em", "label": "Anh, chị hoặc em"},
        {"value": "chau", "label": "Cháu"},
        {"value": "nguoi-than", "label": "Người thân khác"},
        {"value": "uy-quyen", "label": "Người được người thân ủy quyền"},
        {"value": "khac",
         "label": "Người khác có trách nhiệm (chủ nhà nơi người đó mất, đại diện cơ quan)"},
    ],
    "quan-he-voi-chu-ho": [
        {"value": "vo-chong", "label": "Vợ hoặc chồng"},
        {"value": "con", "label": "Con"},
        {"value": "cha-me", "label": "Cha hoặc mẹ"},
        {"value": "ong-ba", "label": "Ông hoặc bà"},
        {"value": "anh-chi-em", "label": "Anh, chị hoặc em"},
        {"value": "chau", "label": "Cháu"},
        {"value": "khac", "label": "Quan hệ khác"},
    ],
}

_SAME_DAY = (
    "Trong ngày làm việc; hồ sơ nhận sau 15 giờ được giải quyết trong ngày làm việc tiếp theo."
)

PROCEDURES: dict[str, dict] = {
    "dang-ky-khai-tu": {
        "title": "Đăng ký khai tử",
        "summary": "Cấp trích lục khai tử.",
        "for": "Người thân của người đã mất, hoặc người được ủy quyền; nên làm trong 15 "
        "ngày kể từ ngày mất.",
        "agency": "tu-phap",
        "level": "toan-trinh",
        "fee": {"amount": 0,
                "text": "Miễn lệ phí khi đăng ký đúng hạn (Luật Hộ tịch, Điều 11). "
                "Nếu nhận kết quả qua bưu chính, bạn trả cước bưu chính."},
        "processing": {"working_days": 0, "text": _SAME_DAY},
        "legal_basis": "Luật Hộ tịch 2014; Thông tư 04/2020/TT-BTP; Nghị định 63/2024/NĐ-CP",
        "sections": ["nguoi-yeu-cau", "nguoi-mat", "tu-vong", "bao-tu", "ban-sao"],
        "attachments": [
            {"id": "to-khai-khai-tu", "title": "Tờ khai đăng ký khai tử đã ký",
             "form": "khai-tu",
             "hint": "Ghi đủ tờ khai, ký và ghi rõ họ tên, rồi chụp rõ cả tờ khai.",
             "required": True, "max_pages": 2},
            {"id": "giay-bao-tu", "title": "Giấy báo tử hoặc giấy tờ thay thế giấy báo tử",
             "hint": "Chụp bản chính loại giấy bạn đã chọn ở mục Giấy báo tử, rõ chữ và dấu đỏ.",
             "required": True, "max_pages": 4},
            {"id": "uy-quyen-khai-tu", "title": "Văn bản ủy quyền đi đăng ký khai tử",
             "hint": "Văn bản người thân của người mất ủy quyền cho bạn, có chứng thực.",
             "required": True, "max_pages": 4,
             "when": _when("nguoi-mat.quan_he_nguoi_yeu_cau", "uy-quyen")},
        ],
    },
    "xoa-thuong-tru": {
        "title": "Xóa đăng ký thường trú",
        "summary": "Xóa tên người đã mất khỏi nơi thường trú.",
        "for": "Chọn khi người mất có đăng ký thường trú.",
        "agency": "cong-an",
        "level": "toan-trinh",
        "fee": {"amount": 0, "text": "Không thu lệ phí."},
        "processing": {"working_days": 2, "text": "Tối đa 2 ngày làm việc.",
                       "source": _NOT_FOUND},
        "legal_basis": "Luật Cư trú 2020; Nghị định 63/2024/NĐ-CP",
        "sections": ["nguoi-yeu-cau", "nguoi-mat", "xoa-thuong-tru"],
        "attachments": [],
    },
    "tro-cap-mai-tang": {
        "title": "Trợ cấp mai táng",
        "summary": "Cho thân nhân của người đang đóng bảo hiểm xã hội, đang bảo lưu thời gian "
        "đóng hoặc đang hưởng lương hưu, trợ cấp bảo hiểm xã hội hằng tháng.",
        "for": "Chọn khi người mất đang đóng hoặc đang bảo lưu thời gian đóng bảo hiểm xã "
        "hội, hoặc đang hưởng lương hưu, trợ cấp bảo hiểm xã hội hằng tháng.",
        "agency": "bhxh",
        "level": "toan-trinh",
        "fee": {"amount": 0, "text": "Không mất phí."},
        "processing": {"working_days": 5, "text": "Tối đa 5 ngày làm việc.",
                       "source": _NOT_FOUND},
        "legal_basis": "Luật Bảo hiểm xã hội; Nghị định 63/2024/NĐ-CP",
        "sections": ["nguoi-yeu-cau", "nguoi-mat", "an-tang", "tro-cap-mai-tang",
                     "nguoi-nhan-tien"],
        "attachments": [
            {"id": "to-khai-tro-cap-mai-tang",
             "title": "Tờ khai của thân nhân đề nghị hưởng trợ cấp mai táng đã ký",
             "form": "tro-cap-mai-tang",
             "hint": "Theo mẫu của cơ quan bảo hiểm xã hội. Ghi đủ, ký và chụp rõ cả tờ khai.",
             "required": True, "max_pages": 2},
        ],
    },
    "ho-tro-mai-tang": {
        "title": "Hỗ trợ chi phí mai táng",
        "summary": "Cho người lo mai táng đối tượng bảo trợ xã hội, người thuộc hộ nghèo, "
        "cận nghèo hoặc đối tượng chính sách không hưởng trợ cấp mai táng "
        "của bảo hiểm xã hội.",
        "for": "Chọn khi người mất hưởng trợ cấp xã hội hằng tháng, thuộc hộ nghèo, cận "
        "nghèo hoặc là người có công, và không được hưởng trợ cấp mai táng của bảo hiểm "
        "xã hội.",
        "agency": "ldtbxh",
        "level": "mot-phan",
        "fee": {"amount": 0, "text": "Không mất phí."},
        "processing": {"working_days": 5, "text": "Tối đa 5 ngày làm việc.",
                       "source": "Thủ tục hỗ trợ chi phí mai táng khi làm riêng: "
                       "5 ngày làm việc."},
        "legal_basis": "Nghị định 20/2021/NĐ-CP; Nghị định 63/2024/NĐ-CP",
        "sections": ["nguoi-yeu-cau", "nguoi-mat", "an-tang", "ho-tro-mai-tang",
                     "nguoi-nhan-tien"],
        "attachments": [
            {"id": "to-khai-ho-tro-mai-tang",
             "title": "Tờ khai đề nghị hỗ trợ chi phí mai táng đã ký",
             "form": "ho-tro-mai-tang",
             "hint": "Theo mẫu ban hành kèm Nghị định 20/2021/NĐ-CP. Ghi đủ, ký và chụp rõ "
             "cả tờ khai.",
             "required": True, "max_pages": 2},
        ],
    },
}

RULES: list[dict] = [
    {"id": "nguoi-mat-dinh-danh", "type": "personal_id_matches",
     "field": "nguoi-mat.so_dinh_danh", "birth": "nguoi-mat.ngay_sinh",
     "sex": {"field": "nguoi-mat.gioi_tinh"}},
    {"id": "mat-sau-sinh", "type": "date_not_before", "field": "tu-vong.ngay_mat",
     "other": "nguoi-mat.ngay_sinh",
     "message": "Ngày mất không được trước ngày sinh của người mất. "
     "Hãy kiểm tra lại ngày mất."},
    {"id": "gio-mat-tai-co-so-y-te", "type": "required_if", "field": "tu-vong.gio_mat",
     "when": _when("tu-vong.noi_mat_loai", "co-so-y-te"),
     "message": "Hãy nhập giờ mất: người mất tại cơ sở y tế thì giấy báo tử có ghi giờ mất."},
    {"id": "bao-tu-sau-ngay-mat", "type": "date_not_before", "field": "bao-tu.ngay_cap",
     "other": "tu-vong.ngay_mat",
     "message": "Ngày cấp giấy báo tử không được trước ngày mất. Hãy kiểm tra lại ngày cấp."},
    {"id": "an-tang-sau-ngay-mat", "type": "date_not_before", "field": "an-tang.ngay_an_tang",
     "other": "tu-vong.ngay_mat",
     "message": "Ngày an táng không được trước ngày mất. Hãy kiểm tra lại ngày an táng."},
]

GROUP: dict = {
    "id": "khai-tu",
    "title": "Liên thông khai tử",
    "description": "Đăng ký khai tử – Xóa đăng ký thường trú – Trợ cấp mai táng, "
    "hỗ trợ chi phí mai táng",
    "procedures": ["dang-ky-khai-tu", "xoa-thuong-tru", "tro-cap-mai-tang", "ho-tro-mai-tang"],
    "required": ["dang-ky-khai-tu"],
    "min": 2,
    "max": 3,  # of four: the two funeral procedures exclude each other
    "total_time": "Đăng ký khai tử trong ngày làm việc; các thủ tục khác theo thời hạn của "
    "từng thủ tục, tối đa 5 ngày làm việc.",
    # No total for the chain was found: the promised date is the latest of the
    # chosen procedures' own dates (5 working days only when a funeral one is chosen).
    "deadline": {
        "rule": "Ngày hẹn trả kết quả là ngày muộn nhất của các thủ tục bạn chọn: đăng ký "
        "khai tử trong ngày làm việc, mỗi thủ tục liên thông tính thêm thời hạn của "
        "thủ tục đó (xóa thường trú 2 ngày, trợ cấp hoặc hỗ trợ mai táng 5 ngày làm việc).",
        "chain": [],
        "chain_working_days": None,
    },
    "sections": ["nguoi-yeu-cau", "nguoi-mat", "tu-vong", "bao-tu", "ban-sao",
                 "xoa-thuong-tru", "an-tang", "tro-cap-mai-tang", "ho-tro-mai-tang",
                 "nguoi-nhan-tien", "nhan-ket-qua"],
    "always_sections": ["nhan-ket-qua"],
    # Procedures that may not be chosen together, and why (the support's own
    # text: it is for those without the social-insurance allowance).
    "exclusive": [
        {"procedures": ["tro-cap-mai-tang", "ho-tro-mai-tang"],
         "message": "Chỉ chọn một trong hai: Trợ cấp mai táng hoặc Hỗ trợ chi phí mai táng. "
         "Hỗ trợ chi phí mai táng chỉ dành cho người không được hưởng trợ cấp mai táng của "
         "bảo hiểm xã hội. Hãy bỏ chọn một trong hai thủ tục."},
    ],
}
# fmt: on
