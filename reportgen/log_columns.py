"""The columns of a dossier log as the contract names them: below the plan, which
maps a system's own headers to these names (dossier_columns)."""

# Canonical dossier columns. Dates are datetime64[ns] at midnight (NaT for a blank
# `returned`); coded values are categoricals with the codes below; flags are bool.
DOSSIER_COLUMNS = {
    "id": "Mã hồ sơ",
    "department": "Đơn vị",
    "procedure": "Thủ tục",
    "field": "Lĩnh vực",
    "received": "Ngày tiếp nhận",
    "due": "Hạn xử lý",
    "returned": "Ngày trả kết quả",
    "channel": "Hình thức nộp",  # online / direct / postal
    "fee": "Phí, lệ phí",  # bool
    "online_payment": "Thanh toán trực tuyến",  # bool (blank -> False)
    "digitized": "Số hóa",  # bool
    "reused": "Tái sử dụng dữ liệu",  # bool
    "rating": "Đánh giá",  # very_satisfied / satisfied / dissatisfied / <NA>
}
CHANNELS = {"online": "Trực tuyến", "direct": "Trực tiếp", "postal": "Bưu chính"}
# The optional status column of dossier-exports.md. In the frame it becomes
# `status` (the status as written, compared ignoring case and spaces: a category
# per spelling, <NA> when blank or when the log had none) and `withdrawn` (bool:
# withdrawn or cancelled, left out of every figure; all False without a status).
STATUS_COLUMN = "Trạng thái"
# Every column a dossier log may carry, by contract name (plan.yaml's
# dossier_columns maps these names to a system's own headers).
LOG_COLUMNS = {**DOSSIER_COLUMNS, "status": STATUS_COLUMN}
