"""The `reportgen` console script; the Makefile's targets are thin wrappers over it.

Every error a clerk can cause is printed in Vietnamese on stderr, without a
traceback, and the exit status is non-zero. REPORTGEN_DEBUG=1 shows tracebacks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from . import console, pipeline
from .diagnostics import ReportgenError, UsageError
from .periods import require_period

EXIT_INPUT = 2
EXIT_BUG = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own errors, in Vietnamese framing
        self.print_usage(sys.stderr)
        print(f"LỖI: tham số không hợp lệ: {message}", file=sys.stderr)
        sys.exit(EXIT_INPUT)


def _ascii_digits(text) -> bool:
    """Only 0-9: str.isdigit() also accepts '²' or '٣', which int() then refuses
    or reads as another number."""
    return str(text).isascii() and str(text).isdigit()


def _year(text: str | None) -> int | None:
    if text in (None, ""):
        return None
    if not _ascii_digits(text):
        raise UsageError(f"Năm «{text}» không hợp lệ (tham số --year, YEAR=...). "
                         "Cần một năm bốn chữ số, ví dụ YEAR=2024.")
    return int(text)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"Ngày «{text}» không hợp lệ. Cần dạng YYYY-MM-DD, ví dụ DATE=2024-06-12.")


def _number(text: str) -> int:
    if not _ascii_digits(text) or int(text) < 1:
        raise UsageError(f"Số văn bản «{text}» không hợp lệ (tham số --number, NUMBER=...). "
                         "Cần một số nguyên dương, ví dụ NUMBER=45.")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="reportgen", description="Báo cáo định kỳ cải cách hành chính (CCHC).")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(p, period=True):
        if period:
            p.add_argument("--period", required=True, help="q1, 6m, q3, year (quy1, 6t, quy3, nam)")
        p.add_argument("--year", default=None, help="mặc định: năm mới nhất có plan.yaml")
        p.add_argument("--inputs", default="inputs", type=Path)
        p.add_argument("--outputs", default="outputs", type=Path)

    common(sub.add_parser("report", help="dự thảo báo cáo của một kỳ"))
    common(sub.add_parser("forms", help="mẫu biểu trống cho các phòng, đơn vị"))
    common(sub.add_parser("plan", help="kế hoạch CCHC của năm"), period=False)
    archive = sub.add_parser("archive", help="phát hành báo cáo: điền số, ngày và lưu trữ")
    common(archive)
    archive.add_argument("--number", required=True)
    archive.add_argument("--date", required=True)
    archive.add_argument("--draft", default=None, type=Path,
                         help="dự thảo đã sửa (.docx); mặc định: dự thảo trong OUTPUTS")
    archive.add_argument("--allow-changed-inputs", action="store_true",
                         help="phát hành dự thảo dù dữ liệu đầu vào đã thay đổi (ghi vào sổ lưu trữ)")
    archive.add_argument("--signer-cert", default=None,
                         help="chứng thư số của người ký: tệp .p12/.pfx hoặc 'pkcs11:token=…;object=…?module-path=…' "
                              "(mật khẩu, mã PIN: biến môi trường SIGNER_PASSWORD hoặc nhập khi được hỏi)")
    archive.add_argument("--agency-cert", default=None,
                         help="chứng thư số của cơ quan (mật khẩu, mã PIN: AGENCY_PASSWORD hoặc nhập khi được hỏi)")
    check = sub.add_parser("check", help="kiểm tra dự thảo đã sửa trước khi trình ký")
    common(check)
    check.add_argument("--draft", default=None, type=Path, help="dự thảo đã sửa (.docx)")
    verify = sub.add_parser("verify-archive", help="kiểm tra các tệp lưu trữ theo manifest")
    verify.add_argument("--outputs", default="outputs", type=Path)
    verify.add_argument("--repair", action="store_true",
                        help="hoàn tất hoặc hủy lần phát hành bị dừng giữa chừng rồi kiểm tra")
    verify.add_argument("--trust", default=None, type=Path,
                        help="tệp chứng thư số gốc tin cậy (.pem, .crt, .cer): kiểm tra cả nguồn gốc chứng thư số")
    sub.add_parser("bench", help="đo tốc độ và bộ nhớ")
    serve = sub.add_parser("serve", help="trang nhận báo cáo của các phòng, đơn vị trên mạng nội bộ")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", default="8000")
    serve.add_argument("--inputs", default="inputs", type=Path)
    serve.add_argument("--outputs", default="outputs", type=Path)
    links = sub.add_parser("links", help="đường dẫn riêng của từng phòng, đơn vị và của Văn phòng")
    links.add_argument("--year", default=None, help="mặc định: năm mới nhất có plan.yaml")
    links.add_argument("--inputs", default="inputs", type=Path)
    links.add_argument("--base-url", default="", help="ví dụ http://192.168.1.10:8000")
    links.add_argument("--renew", default="", help="mã cần cấp lại, cách nhau bởi dấu phẩy (hoặc ALL)")
    return parser


def _font_notice() -> str:
    """Which font the PDF is set in, said in the run's output (never a silent fallback)."""
    from .render.pdf import font_in_use

    family = font_in_use()
    if "times new roman" in family.lower():
        return f"Phông chữ PDF: {family}."
    return f"Phông chữ PDF: {family} (cùng kích thước với Times New Roman, vì máy chưa cài Times New Roman)."


def _run(args) -> int:
    if args.command == "report":
        from .publish.review import summary_lines

        # the review's worker process first: forked before the display's thread starts
        with pipeline.review_worker() as worker, console.progress(pipeline.STAGES):
            plan, report = pipeline.prepare_report(args.inputs, require_period(args.period), _year(args.year))
            written = pipeline.write_report(args.outputs, plan, report, worker)
        _print_written(written)
        console.print_lines(summary_lines(plan, report), title="Cần xem trước khi trình ký:")
        return 0
    elif args.command == "forms":
        written = pipeline.run_forms(args.inputs, args.outputs, require_period(args.period), _year(args.year))
    elif args.command == "plan":
        written = pipeline.run_plan(args.inputs, args.outputs, _year(args.year))
    elif args.command == "archive":
        number, date = _number(args.number), _date(args.date)
        with console.progress(pipeline.STAGES):
            written = pipeline.run_archive(
                args.inputs, args.outputs, require_period(args.period), _year(args.year),
                number=number, date=date, draft=args.draft, allow_changed_inputs=args.allow_changed_inputs,
                signer_cert=args.signer_cert, agency_cert=args.agency_cert,
            )
        _print_written(written)
        pdf = next((p for p in written if p.suffix == ".pdf"), None)
        if pdf is not None:
            from .publish.office import embedded_fonts

            print(f"Phông chữ PDF phát hành (LibreOffice, đã nhúng): {', '.join(embedded_fonts(pdf.read_bytes()))}.",
                  file=sys.stderr)
        return 0
    elif args.command == "check":
        period, year = require_period(args.period), _year(args.year)
        with console.progress(pipeline.STAGES[:3]):
            result = pipeline.run_check(args.inputs, args.outputs, period, year, draft=args.draft)
        warnings = len(result.hand) + len(result.inputs_lines()) + len(result.elements)
        print("Kết quả: " + (f"{warnings} điểm cần xem (cảnh báo), không có lỗi." if warnings
                             else "không có gì cần sửa."))
        return 0
    elif args.command == "verify-archive":
        from .publish.archive import verify_archive

        roots = None
        if args.trust is not None:
            from .publish.signing import read_trust_roots

            roots = read_trust_roots(args.trust)
        signed = []

        def check_pdf(path, entry):
            signed.append(bool(entry.get("signatures")))
            return pipeline.signature_problems(path, entry, roots)

        code = verify_archive(args.outputs, repair=args.repair, check_pdf=check_pdf)
        if roots is None and any(signed):
            print("Lưu ý: chưa kiểm tra nguồn gốc các chứng thư số (chuỗi chứng thư đến tổ chức chứng thực tin "
                  "cậy); để kiểm tra, thêm TRUST=<tệp chứng thư số gốc> (ví dụ make verify-archive TRUST=goc.pem).")
        return code
    elif args.command == "serve":
        from .web.app import serve

        return serve(args.inputs, args.outputs, host=args.host, port=args.port)
    elif args.command == "links":
        from .web.tokens import print_links

        return print_links(args.inputs, _year(args.year), args.base_url, args.renew)
    elif args.command == "bench":
        from .bench import main as bench_main

        return bench_main()
    else:  # pragma: no cover - argparse refuses unknown commands
        return EXIT_INPUT
    _print_written(written)
    return 0


def _print_written(paths) -> None:
    for path in paths:
        print(console.visible(f"Đã ghi: {path}"))


def _outputs_note() -> str:
    """What is true about OUTPUTS when a run stops: nothing changed, or which
    sets were published before the failure (each set is whole, publish.files)."""
    from .publish.files import published_paths

    done = published_paths()
    if not done:
        return "Không có tệp nào được ghi hoặc thay đổi."
    shown = ", ".join(f"«{p}»" for p in done[:6]) + (f" và {len(done) - 6} tệp khác" if len(done) > 6 else "")
    return (f"Các tệp sau đã được ghi đầy đủ trước khi lỗi xảy ra: {shown}. "
            "Các tệp khác không thay đổi.")


def _print_errors(messages: list[str]) -> None:
    print(f"LỖI ({len(messages)}):" if len(messages) > 1 else "LỖI:", file=sys.stderr)
    for message in messages:
        # control characters from a file (an escape sequence in a cell) are
        # shown as text, never sent to the terminal
        print(f"  - {console.visible(message)}", file=sys.stderr)
    print(console.visible(_outputs_note()), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .publish.files import forget_published

    forget_published()
    try:
        status = _run(args)
        if status == 0 and args.command in ("report", "plan"):
            print(_font_notice(), file=sys.stderr)  # said once the PDF is written
        return status
    except ReportgenError as exc:
        _print_errors(exc.messages())
        return EXIT_INPUT
    except OSError as exc:
        # the machine said no (read-only, disk full, permission denied, name too
        # long): the clerk or the machine's keeper can fix it, not a bug
        if os.environ.get("REPORTGEN_DEBUG"):
            raise
        from .system_errors import describe

        _print_errors([describe(exc)])
        return EXIT_INPUT
    except KeyboardInterrupt:
        print(console.visible(f"Đã dừng theo yêu cầu. {_outputs_note()}"), file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not the clerk's fault: no traceback for them
        if os.environ.get("REPORTGEN_DEBUG"):
            raise
        print(
            console.visible(
                f"LỖI CHƯƠNG TRÌNH: {type(exc).__name__}: {exc}\n"
                f"Đây là lỗi của phần mềm, không phải của dữ liệu. {_outputs_note()} "
                "Chạy lại với REPORTGEN_DEBUG=1 để xem chi tiết và gửi cho bộ phận kỹ thuật.",
                keep_newlines=True,
            ),
            file=sys.stderr,
        )
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
