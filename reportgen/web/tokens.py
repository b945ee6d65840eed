"""Links of the collection page (`make links`): one per department of the plan
and one for the Văn phòng (VP).

A link is `BASE_URL/l/<token>`; the token is 32 characters of [A-Za-z0-9_-],
printed once and stored only as its SHA-256 (register.py). `make links` prints
a line `CODE URL` for every account that has no link yet (or is renewed with
RENEW=CODE); accounts that already have a link are listed on stderr, without
URL, since their token is not known any more.

When the plan has a department coded VP (the Văn phòng itself), the Văn phòng's
link is also that department's link: the Văn phòng page sends its workbooks
too, and a single `VP` line avoids two links with the same code.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import UsageError
from ..plan import Plan
from .register import DEPARTMENT, OFFICE, Register

OFFICE_CODE = "VP"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
LINK_PREFIX = "/l/"


@dataclass(frozen=True)
class Account:
    code: str
    role: str  # register.OFFICE or register.DEPARTMENT
    name: str


def accounts(plan: Plan) -> list[Account]:
    """The accounts of a year's plan, in the plan's department order; the
    Văn phòng's at VP's place when VP is a department, else last."""
    out = []
    for dept in plan.departments:
        if dept.code == OFFICE_CODE:
            out.append(Account(OFFICE_CODE, OFFICE, dept.name))
        else:
            out.append(Account(dept.code, DEPARTMENT, dept.name))
    if not any(a.role == OFFICE for a in out):
        out.append(Account(OFFICE_CODE, OFFICE, "Văn phòng"))
    return out


def link_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{LINK_PREFIX}{token}"


def make_links(register: Register, plan: Plan, base_url: str, renew: list[str] | None = None) -> tuple[list[str], list[str]]:
    """(lines `CODE URL` of new links, notes for the clerk). Accounts without a
    link get one; `renew` codes get a new one and their old link stops working."""
    known = accounts(plan)
    codes = {a.code for a in known}
    renew = [c.strip() for c in (renew or []) if c.strip()]
    if any(c.upper() in ("ALL", "TATCA", "TẤTCẢ") for c in renew):
        renew = sorted(codes)
    unknown = [c for c in renew if c not in codes]
    if unknown:
        raise UsageError(
            f"Không có phòng, đơn vị mã «{', '.join(unknown)}» trong kế hoạch năm {plan.year}. "
            f"Các mã có thể cấp lại: {', '.join(a.code for a in known)} (hoặc RENEW=ALL)."
        )
    lines, notes = [], []
    for account in known:
        token = register.issue(account.code, account.role, renew=account.code in renew)
        if token is None:
            notes.append(f"{account.code}: đã có đường dẫn (cấp lại bằng RENEW={account.code}).")
        else:
            lines.append(f"{account.code} {link_url(base_url, token)}")
            if account.code in renew:
                notes.append(f"{account.code}: đã cấp đường dẫn mới, đường dẫn cũ không còn dùng được.")
    return lines, notes


def register_for(inputs: Path) -> Register:
    if not Path(inputs).is_dir():
        raise UsageError(f"Không có thư mục dữ liệu «{inputs}».")
    return Register(inputs)


def lan_address() -> str:
    """This machine's address on the office network (no packet is sent)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.255.255.255", 1))
            return sock.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def print_links(inputs: Path, year: int | None, base_url: str, renew: str) -> int:
    """`reportgen links`: the new links on stdout (`CODE URL`), notes on stderr."""
    from ..pipeline import load_year_plan, year_folder

    year, folder = year_folder(inputs, year)
    plan = load_year_plan(folder, year)
    base_url = base_url.strip() or "http://127.0.0.1:8000"
    if "//0.0.0.0" in base_url:  # HOST=0.0.0.0: the links need this machine's address on the network
        base_url = base_url.replace("//0.0.0.0", f"//{lan_address()}")
    lines, notes = make_links(register_for(inputs), plan, base_url, renew.split(","))
    for line in lines:
        print(line)
    for note in notes:
        print(note, file=sys.stderr)
    if lines:
        print("Mỗi đường dẫn chỉ in ra một lần: gửi ngay cho từng phòng, đơn vị.", file=sys.stderr)
    return 0
