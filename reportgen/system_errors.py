"""What the operating system refused, said in Vietnamese for the clerk.

`describe(exc)` turns an OSError (read-only file system, disk full, permission
denied, name too long...) into one sentence naming the path and what to do. The
console script shows it as an input problem (exit 2): it is the machine's state,
not a defect of the software, and the clerk (or whoever runs the machine) can fix it.
"""

from __future__ import annotations

import errno

# errno -> (what happened, what to do)
_TEXT = {
    errno.EROFS: ("thư mục nằm trên ổ đĩa chỉ cho phép đọc, không ghi được",
                  "chọn thư mục đầu ra ghi được (OUTPUTS=...) hoặc nhờ bộ phận kỹ thuật mở quyền ghi cho ổ đĩa"),
    errno.ENOSPC: ("ổ đĩa đã đầy, không còn chỗ để ghi",
                   "xóa bớt tệp không cần trên ổ đĩa đó hoặc chọn thư mục đầu ra ở ổ đĩa khác (OUTPUTS=...), rồi chạy lại"),
    errno.EDQUOT: ("đã dùng hết dung lượng được cấp trên ổ đĩa",
                   "xóa bớt tệp hoặc nhờ bộ phận kỹ thuật tăng dung lượng, rồi chạy lại"),
    errno.EACCES: ("không có quyền truy cập",
                   "kiểm tra quyền của thư mục và tệp (tệp đang mở trong chương trình khác? thư mục của người khác?) "
                   "hoặc chọn thư mục khác"),
    errno.EPERM: ("hệ điều hành không cho phép thao tác này",
                  "kiểm tra quyền của thư mục và tệp, hoặc chọn thư mục khác"),
    errno.ENAMETOOLONG: ("đường dẫn hoặc tên tệp quá dài",
                         "chọn thư mục có đường dẫn ngắn hơn (ví dụ gần thư mục gốc)"),
    errno.ENOENT: ("không tìm thấy tệp hoặc thư mục",
                   "kiểm tra đường dẫn; thư mục có thể đã bị xóa hoặc đổi tên trong lúc chạy"),
    errno.ENOTDIR: ("một phần của đường dẫn là tệp chứ không phải thư mục",
                    "đổi tên hoặc xóa tệp đó, hoặc chọn thư mục khác"),
    errno.EISDIR: ("đường dẫn là một thư mục, không phải tệp",
                   "đổi tên hoặc xóa thư mục đó, hoặc chọn thư mục khác"),
    errno.EEXIST: ("đã có tệp hoặc thư mục cùng tên",
                   "đổi tên hoặc xóa tệp, thư mục đó rồi chạy lại"),
    errno.EIO: ("lỗi đọc/ghi của ổ đĩa (ổ đĩa hỏng hoặc bị rút ra?)",
                "kiểm tra ổ đĩa (USB, ổ mạng) rồi chạy lại"),
    errno.EMFILE: ("mở quá nhiều tệp cùng lúc", "đóng bớt chương trình rồi chạy lại"),
    errno.ENFILE: ("hệ thống mở quá nhiều tệp cùng lúc", "đóng bớt chương trình rồi chạy lại"),
    errno.EBUSY: ("tệp hoặc thư mục đang được dùng", "đóng chương trình đang dùng nó rồi chạy lại"),
    errno.ETXTBSY: ("tệp đang được dùng", "đóng chương trình đang dùng nó rồi chạy lại"),
    errno.ELOOP: ("đường dẫn có liên kết vòng (symlink trỏ vòng)", "sửa hoặc xóa liên kết đó"),
    errno.EFBIG: ("tệp quá lớn so với ổ đĩa cho phép", "chọn thư mục đầu ra ở ổ đĩa khác"),
    errno.ENOMEM: ("máy không đủ bộ nhớ", "đóng bớt chương trình rồi chạy lại"),
}
_GENERIC = ("hệ điều hành báo lỗi", "kiểm tra đường dẫn và ổ đĩa rồi chạy lại")


def describe(exc: OSError) -> str:
    """One Vietnamese sentence: the path, what happened, what to do."""
    what, todo = _TEXT.get(exc.errno, _GENERIC)
    if exc.errno not in _TEXT and exc.errno is not None:
        what = f"{what} (mã lỗi {errno.errorcode.get(exc.errno, exc.errno)})"
    paths = [p for p in (exc.filename, exc.filename2) if p not in (None, "")]
    where = " → ".join(f"«{_path(p)}»" for p in paths)
    head = f"Không thực hiện được thao tác với {where}: " if where else "Không thực hiện được thao tác với tệp: "
    return f"{head}{what}. Cần: {todo}."


def _path(value) -> str:
    import os

    return os.fsdecode(value) if isinstance(value, (bytes, str)) or hasattr(value, "__fspath__") else str(value)
