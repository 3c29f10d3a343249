"""Complete, valid answers for each linked group, for tests at every level.

Fictional people in Xã Văn Lăng (commune 05665, Thái Nguyên). Dates are
relative to ``today`` (default: the app clock's Vietnam day) so the answers stay valid:
the child was born 5 days ago, the death was 3 days ago. Personal ID numbers
are built to agree with each person's date of birth and sex.
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.clock import today_vn

COMMUNE = "05665"
PHONE = "0912345678"
ADDRESS = "Số 12, thôn Làng Mới"

BIRTH_PROCEDURES = ["dang-ky-khai-sinh", "dang-ky-thuong-tru", "cap-the-bhyt"]
DEATH_PROCEDURES = ["dang-ky-khai-tu", "xoa-thuong-tru", "tro-cap-mai-tang", "ho-tro-mai-tang"]


def personal_id_for(birth: date, sex: str, serial: str = "001234", province: str = "019") -> str:
    """A 12-digit personal ID number agreeing with this date of birth and sex."""
    century_index = (birth.year // 100 - 19) % 5  # 1900s 0, 2000s 1, ... 1800s 4
    digit = century_index * 2 + (1 if sex == "nu" else 0)
    return f"{province}{digit}{birth.year % 100:02d}{serial}"


def mother_birth(today: date) -> date:
    return date(today.year - 28, 3, 15)


def father_birth(today: date) -> date:
    return date(today.year - 30, 7, 2)


def valid_birth_answers(today: date | None = None) -> dict[str, str]:
    """Every page of group 1 (all three procedures), valid for ``today``."""
    today = today or today_vn()
    mother, father = mother_birth(today), father_birth(today)
    mother_id = personal_id_for(mother, "nu", "004321")
    father_id = personal_id_for(father, "nam", "005678")
    return {
        "nguoi-yeu-cau.ho_ten": "Nguyễn Thị Lan",
        "nguoi-yeu-cau.so_dinh_danh": mother_id,
        "nguoi-yeu-cau.dien_thoai": PHONE,
        "nguoi-yeu-cau.noi_cu_tru_xa": COMMUNE,
        "nguoi-yeu-cau.noi_cu_tru_dia_chi": ADDRESS,
        "tre.quan_he_nguoi_yeu_cau": "me",
        "tre.ho": "Trần",
        "tre.chu_dem": "Minh",
        "tre.ten": "An",
        "tre.ngay_sinh": (today - timedelta(days=5)).isoformat(),
        "tre.gioi_tinh": "nam",
        "tre.quoc_tich": "VN",
        "tre.dan_toc": "01",
        "tre.que_quan": "xã Văn Lăng, tỉnh Thái Nguyên",
        "noi-sinh.loai": "co-so-y-te",
        "noi-sinh.co_so_y_te": "Trạm Y tế xã Văn Lăng",
        "noi-sinh.xa": COMMUNE,
        "noi-sinh.giay_chung_sinh": "co",
        "me.ho_ten": "Nguyễn Thị Lan",
        "me.ngay_sinh": mother.isoformat(),
        "me.quoc_tich": "VN",
        "me.dan_toc": "01",
        "me.so_dinh_danh": mother_id,
        "me.noi_cu_tru_loai": "thuong-tru",
        "me.noi_cu_tru_xa": COMMUNE,
        "me.noi_cu_tru_dia_chi": ADDRESS,
        "cha.co_thong_tin": "co",
        "cha.ho_ten": "Trần Văn Hùng",
        "cha.ngay_sinh": father.isoformat(),
        "cha.quoc_tich": "VN",
        "cha.dan_toc": "01",
        "cha.so_dinh_danh": father_id,
        "cha.noi_cu_tru_loai": "thuong-tru",
        "cha.noi_cu_tru_xa": COMMUNE,
        "cha.noi_cu_tru_dia_chi": ADDRESS,
        "ket-hon.da_ket_hon": "co",
        "ket-hon.ngay_dang_ky": date(today.year - 3, 5, 20).isoformat(),
        "ket-hon.noi_dang_ky": "UBND xã Văn Lăng, tỉnh Thái Nguyên",
        "ban-sao.so_ban_sao": "1",
        "thuong-tru.noi_dang_ky": "cung-cha-me",
        "thuong-tru.xa": COMMUNE,
        "thuong-tru.dia_chi": ADDRESS,
        "thuong-tru.chu_ho_ho_ten": "Trần Văn Hùng",
        "thuong-tru.chu_ho_so_dinh_danh": father_id,
        "thuong-tru.quan_he_voi_chu_ho": "con",
        "bhyt.noi_kcb": "Trạm y tế xã Văn Lăng",
        "nhan-ket-qua.hinh_thuc": "buu-chinh",
        "nhan-ket-qua.nguoi_nhan": "Nguyễn Thị Lan",
        "nhan-ket-qua.dien_thoai": PHONE,
        "nhan-ket-qua.xa": COMMUNE,
        "nhan-ket-qua.dia_chi": ADDRESS,
    }


def valid_death_answers(today: date | None = None) -> dict[str, str]:
    """Every page of group 2 (all four procedures), valid for ``today``."""
    today = today or today_vn()
    died = today - timedelta(days=3)
    requester_birth = date(1975, 4, 10)
    deceased_birth = date(1940, 8, 15)
    return {
        "nguoi-yeu-cau.ho_ten": "Lê Văn Bình",
        "nguoi-yeu-cau.so_dinh_danh": personal_id_for(requester_birth, "nam", "002468"),
        "nguoi-yeu-cau.dien_thoai": PHONE,
        "nguoi-yeu-cau.noi_cu_tru_xa": COMMUNE,
        "nguoi-yeu-cau.noi_cu_tru_dia_chi": ADDRESS,
        "nguoi-mat.quan_he_nguoi_yeu_cau": "con",
        "nguoi-mat.ho_ten": "Lê Văn Cường",
        "nguoi-mat.ngay_sinh": deceased_birth.isoformat(),
        "nguoi-mat.gioi_tinh": "nam",
        "nguoi-mat.quoc_tich": "VN",
        "nguoi-mat.dan_toc": "01",
        "nguoi-mat.so_dinh_danh": personal_id_for(deceased_birth, "nam", "013579"),
        "nguoi-mat.noi_cu_tru_xa": COMMUNE,
        "nguoi-mat.noi_cu_tru_dia_chi": ADDRESS,
        "tu-vong.ngay_mat": died.isoformat(),
        "tu-vong.gio_mat": "08:30",
        "tu-vong.noi_mat_loai": "khac",
        "tu-vong.noi_mat_xa": COMMUNE,
        "tu-vong.noi_mat_dia_chi": ADDRESS,
        "tu-vong.nguyen_nhan": "Bệnh già",
        "bao-tu.loai": "ubnd-xa",
        "bao-tu.so": "12",
        "bao-tu.ngay_cap": died.isoformat(),
        "bao-tu.noi_cap": "UBND xã Văn Lăng",
        "ban-sao.so_ban_sao": "2",
        "xoa-thuong-tru.la_chu_ho": "co",
        "an-tang.ngay_an_tang": (died + timedelta(days=2)).isoformat(),
        "an-tang.noi_an_tang": "Nghĩa trang nhân dân xã Văn Lăng",
        "tro-cap-mai-tang.doi_tuong": "luong-huu",
        "ho-tro-mai-tang.doi_tuong": "nguoi-co-cong",
        "nguoi-nhan-tien.nguoi_nhan": "ban-than",
        "nguoi-nhan-tien.hinh_thuc": "tai-khoan",
        "nguoi-nhan-tien.so_tai_khoan": "1234567890123",
        "nguoi-nhan-tien.ngan_hang": "Agribank",
        "nhan-ket-qua.hinh_thuc": "tai-xa",
    }
