"""Bench of the PDF renderer (part of `make bench`): render time per page.

1. The sample report: the 6-month report composed from inputs/2024.
2. The same report for an agency of 200 departments: the sample plan with 200
   departments and figures for each, so Phụ lục II runs over several landscape
   pages.
3. The year's plan (KẾ HOẠCH) from inputs/2024/plan.yaml.

Each is rendered REPEAT times after one warm-up render (fonts and templates
loaded); the best time is reported, with pages and ms per page.
"""

from __future__ import annotations

import io
import os
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "inputs"
REPEAT = int(os.environ.get("REPORTGEN_BENCH_PDF_REPEAT", "2"))
MANY = 200  # departments of the large report


def _pages(data: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def _sample():
    """(plan, PeriodReport) of the 6-month sample report."""
    from .. import pipeline

    return pipeline.prepare_report(INPUTS, "6m", None)


def _many_departments(plan, report, count: int):
    """The sample plan and figures with `count` departments, each with the
    dossier statistics of one of the sample's departments."""
    from ..plan import Plan

    data = plan.model_dump()
    extra = [{"code": f"DV{i:03d}", "name": f"Đơn vị trực thuộc số {i} (Khu công nghiệp Đại An mở rộng)"}
             for i in range(len(plan.departments) + 1, count + 1)]
    data["departments"] = data["departments"] + extra
    many = Plan.model_validate(data)
    current = report.figures.current
    stats = list(current.tthc_by_department.values())
    by_department = {code: stats[i % len(stats)] for i, code in enumerate(many.department_codes)}
    figures = replace(report.figures, current=replace(current, tthc_by_department=by_department))
    return many, replace(report, figures=figures)


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
    from .. import pipeline
    from ..compose.plan_doc import compose_plan
    from ..compose.report import compose_report
    from ..render.pdf import font_in_use, render_pdf

    print(f"Phông chữ: {font_in_use()}")
    plan, report = _sample()
    doc = compose_report(plan, report)
    figures = {"figures.json": report.figures.to_json().encode("utf-8")}
    render_pdf(doc, figures)  # warm-up: fontconfig, templates, WeasyPrint caches

    _time("báo cáo mẫu 6m (inputs/2024)", doc, figures)
    many_plan, many_report = _many_departments(plan, report, MANY)
    _time(f"báo cáo, Phụ lục II {MANY} đơn vị", compose_report(many_plan, many_report), figures)
    year, folder = pipeline.year_folder(INPUTS, None)
    _time(f"kế hoạch {year}", compose_plan(pipeline.load_year_plan(folder, year)), None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
