"""Facts typed once: offers to fill a page from answers already given.

Each offer is shown on its page as a button; tapping it copies the listed
answers into that page's fields, where the citizen sees and may change them
(nothing is copied unseen). ``when`` says when the offer applies (the same
condition shape as a field's ``when``, and it may name a field of the same
page: the offer then shows once that field is answered); ``fill`` maps a target
answer key to a source answer key, to a fixed value written as
``{"value": ...}``, or to a value chosen by another answer, written as
``{"from": key, "map": {answer: value}}`` (no value when the answer is not in it).
"""

# fmt: off
_ME_TU_NGUOI_YEU_CAU = {
    "me.ho_ten": "nguoi-yeu-cau.ho_ten",
    "me.so_dinh_danh": "nguoi-yeu-cau.so_dinh_danh",
    "me.noi_cu_tru_xa": "nguoi-yeu-cau.noi_cu_tru_xa",
    "me.noi_cu_tru_dia_chi": "nguoi-yeu-cau.noi_cu_tru_dia_chi",
}


def _swap(mapping: dict, old: str, new: str) -> dict:
    return {key.replace(old, new, 1): value for key, value in mapping.items()}


def _head(parent: str) -> dict:
    return {
        "thuong-tru.chu_ho_ho_ten": f"{parent}.ho_ten",
        "thuong-tru.chu_ho_so_dinh_danh": f"{parent}.so_dinh_danh",
        "thuong-tru.xa": f"{parent}.noi_cu_tru_xa",
        "thuong-tru.dia_chi": f"{parent}.noi_cu_tru_dia_chi",
        "thuong-tru.quan_he_voi_chu_ho": {"value": "con"},
    }


# The result posted to the requester, at the requester's own address.
_POST_TO_ME = {
    "id": "gui-cho-toi", "section": "nhan-ket-qua",
    "label": "Gửi qua bưu chính cho tôi, đến nơi cư trú của tôi",
    "fill": {"nhan-ket-qua.hinh_thuc": {"value": "buu-chinh"},
             "nhan-ket-qua.nguoi_nhan": "nguoi-yeu-cau.ho_ten",
             "nhan-ket-qua.dien_thoai": "nguoi-yeu-cau.dien_thoai",
             "nhan-ket-qua.xa": "nguoi-yeu-cau.noi_cu_tru_xa",
             "nhan-ket-qua.dia_chi": "nguoi-yeu-cau.noi_cu_tru_dia_chi"},
}

FILLS: dict[str, list[dict]] = {
    "khai-sinh": [
        {"id": "me-la-nguoi-yeu-cau", "section": "me",
         "when": {"field": "tre.quan_he_nguoi_yeu_cau", "equals": "me"},
         "label": "Điền thông tin của bạn (bạn là mẹ của trẻ)",
         "fill": _ME_TU_NGUOI_YEU_CAU},
        {"id": "cha-la-nguoi-yeu-cau", "section": "cha",
         "when": {"field": "tre.quan_he_nguoi_yeu_cau", "equals": "cha"},
         "label": "Điền thông tin của bạn (bạn là cha của trẻ)",
         "fill": {"cha.co_thong_tin": {"value": "co"},
                  **_swap(_ME_TU_NGUOI_YEU_CAU, "me.", "cha.")}},
        {"id": "cha-cung-noi-o-me", "section": "cha", "label": "Cha ở cùng nơi cư trú với mẹ",
         "fill": {"cha.co_thong_tin": {"value": "co"},
                  "cha.noi_cu_tru_loai": "me.noi_cu_tru_loai",
                  "cha.noi_cu_tru_xa": "me.noi_cu_tru_xa",
                  "cha.noi_cu_tru_dia_chi": "me.noi_cu_tru_dia_chi"}},
        {"id": "chu-ho-la-cha", "section": "thuong-tru", "label": "Chủ hộ là cha của trẻ",
         "when": {"field": "cha.co_thong_tin", "equals": "co"}, "fill": _head("cha")},
        {"id": "chu-ho-la-me", "section": "thuong-tru", "label": "Chủ hộ là mẹ của trẻ",
         "fill": _head("me")},
        _POST_TO_ME,
    ],
    "khai-tu": [
        # A spouse or child filing: the household they shared is the requester's own.
        {"id": "nguoi-mat-cung-noi-o", "section": "nguoi-mat",
         "when": {"field": "nguoi-mat.quan_he_nguoi_yeu_cau", "in": ["vo-chong", "con"]},
         "label": "Người mất cư trú cùng nơi với tôi",
         "fill": {"nguoi-mat.noi_cu_tru_xa": "nguoi-yeu-cau.noi_cu_tru_xa",
                  "nguoi-mat.noi_cu_tru_dia_chi": "nguoi-yeu-cau.noi_cu_tru_dia_chi"}},
        {"id": "mat-tai-nha", "section": "tu-vong",
         "label": "Người mất mất tại nhà, ở nơi cư trú cuối cùng",
         "fill": {"tu-vong.noi_mat_loai": {"value": "khac"},
                  "tu-vong.noi_mat_xa": "nguoi-mat.noi_cu_tru_xa",
                  "tu-vong.noi_mat_dia_chi": "nguoi-mat.noi_cu_tru_dia_chi"}},
        # A death notice is most often issued the day of the death.
        {"id": "bao-tu-cap-ngay-mat", "section": "bao-tu",
         "label": "Giấy cấp đúng ngày người đó mất",
         "fill": {"bao-tu.ngay_cap": "tu-vong.ngay_mat"}},
        # The deceased's place in the requester's household follows from who the
        # requester is: a spouse's spouse, a child's parent.
        {"id": "chu-ho-la-nguoi-yeu-cau", "section": "xoa-thuong-tru",
         "label": "Chủ hộ là tôi (người đi khai)",
         "fill": {"xoa-thuong-tru.la_chu_ho": {"value": "khong"},
                  "xoa-thuong-tru.chu_ho_ho_ten": "nguoi-yeu-cau.ho_ten",
                  "xoa-thuong-tru.chu_ho_so_dinh_danh": "nguoi-yeu-cau.so_dinh_danh",
                  "xoa-thuong-tru.quan_he_voi_chu_ho": {
                      "from": "nguoi-mat.quan_he_nguoi_yeu_cau",
                      "map": {"vo-chong": "vo-chong", "con": "cha-me", "cha-me": "con",
                              "anh-chi-em": "anh-chi-em"}}}},
        _POST_TO_ME,
    ],
}
# fmt: on
