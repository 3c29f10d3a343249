"""The one-stop (một cửa) dossier statuses, numbered as national systems use them."""

from enum import IntEnum


class Status(IntEnum):
    SUBMITTED = 1
    ACCEPTED = 2
    NOT_ACCEPTED = 3
    IN_PROCESS = 4
    SUPPLEMENT_REQUESTED = 5
    PAYMENT_REQUESTED = 6
    WITHDRAWN = 7
    STOPPED = 8
    DONE = 9
    RETURNED = 10


LABELS = {
    Status.SUBMITTED: "Mới đăng ký",
    Status.ACCEPTED: "Được tiếp nhận",
    Status.NOT_ACCEPTED: "Không được tiếp nhận",
    Status.IN_PROCESS: "Đang xử lý",
    Status.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung giấy tờ",
    Status.PAYMENT_REQUESTED: "Yêu cầu thực hiện nghĩa vụ tài chính",
    Status.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
    Status.STOPPED: "Dừng xử lý",
    Status.DONE: "Đã xử lý xong",
    Status.RETURNED: "Đã trả kết quả",
}

# What a citizen reads under each status: what it means for them now.
EXPLANATIONS = {
    Status.SUBMITTED: "Hồ sơ đã được gửi đến UBND xã và đang chờ cán bộ tiếp nhận.",
    Status.ACCEPTED: "Cán bộ đã tiếp nhận hồ sơ. Thời hạn giải quyết được tính từ lúc này.",
    Status.NOT_ACCEPTED: "Hồ sơ không được tiếp nhận. Xem lý do và liên hệ cán bộ xã.",
    Status.IN_PROCESS: "Các cơ quan liên thông đang giải quyết hồ sơ.",
    Status.SUPPLEMENT_REQUESTED: "Cần bổ sung giấy tờ. Xem nội dung yêu cầu.",
    Status.PAYMENT_REQUESTED: "Cần nộp phí, lệ phí theo thông báo.",
    Status.WITHDRAWN: "Hồ sơ đã được rút theo yêu cầu của công dân.",
    Status.STOPPED: "Hồ sơ đã dừng xử lý.",
    Status.DONE: "Đã có kết quả. Nhận tại UBND xã hoặc qua bưu chính theo lựa chọn.",
    Status.RETURNED: "Đã trả kết quả. Hồ sơ hoàn tất.",
}


def label(status: int) -> str:
    return LABELS[Status(status)]
