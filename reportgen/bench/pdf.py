"""Bench of the PDF renderer (part of `make bench`): render time per page.

1. The sample report: the 6-month report composed from inputs/2024 when the
   pipeline can build it, else the hand-built sample Document of the same size
   (render.pdf_sample, 7 departments).
2. A report whose Phụ lục II has 200 departments (synthetic Document).
3. The year's plan (KẾ HOẠCH) from inputs/2024/plan.yaml, when it composes.

Each is rendered REPEAT times after one warm-up render (fonts and templates
loaded); the best time is reported, with pages and ms per page.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "inputs"
REPEAT = int(os.environ.get("REPORTGEN_BENCH_PDF_REPEAT", "2"))


def _pages(data: bytes) -> int:
    import pypdf
    import io

    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def _sample_report():
    """(label, Document, attachments) of the sample report."""
    from ..render.pdf_sample import sample_document

    try:
        from .. import pipeline
        from ..compose.report import compose_report

        plan, report = pipeline.prepare_report(INPUTS, "6m", None)
        doc = compose_report(plan, report)
        return "báo cáo mẫu 6m (inputs/2024)", doc, {"figures.json": report.figures.to_json().encode("utf-8")}
    except Exception as exc:  # a stage not written yet: fall back to the hand-built one
        reason = type(exc).__name__
        doc = sample_document(7)
        return f"báo cáo mẫu dựng tay, 7 đơn vị (pipeline chưa chạy được: {reason})", doc, {"figures.json": b"{}"}


def _plan():
    try:
        from .. import pipeline
        from ..compose.plan_doc import compose_plan

        year, folder = pipeline.year_folder(INPUTS, None)
        return f"kế hoạch {year}", compose_plan(pipeline.load_year_plan(folder, year)), None
    except Exception as exc:
        print(f"(bỏ qua kế hoạch: {type(exc).__name__})")
        return None


def _time(label: str, doc, attachments) -> None:
    from ..render.pdf import render_pdf

    best = float("inf")
    data = b""
    for _ in range(max(1, REPEAT)):
        start = time.perf_counter()
        data = render_pdf(doc, attachments)
        best = min(best, time.perf_counter() - start)
    pages = _pages(data)
    print(f"{label}: {pages} trang, {best:.2f} s, {1000 * best / pages:.0f} ms/trang, {len(data) / 1024:.0f} KB")


def main() -> int:
    from ..render.pdf import font_in_use, render_pdf
    from ..render.pdf_sample import sample_document

    print(f"Phông chữ: {font_in_use()}")
    render_pdf(sample_document(2))  # warm-up: fontconfig, templates, WeasyPrint caches

    _time(*_sample_report())
    _time("Phụ lục II 200 đơn vị (tổng hợp)", sample_document(200), {"figures.json": b"{}"})
    plan = _plan()
    if plan:
        _time(*plan)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
