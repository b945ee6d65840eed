"""Intake bench: time and peak memory of reading big dossier logs.

Each measurement runs in a fresh subprocess; peak memory is the child's own VmHWM
(/proc/self/status; resource.getrusage's ru_maxrss survives execve, so it would
report the parent's peak after generating the data; tracemalloc does not see
Arrow buffers):
- pyarrow alone parsing the 1,000,000-row CSV (the yardstick),
- intake of that CSV (read_dossiers: parse, validate, build the DataFrame),
- intake of a 100,000-row .xlsx log.
Target: CSV intake within about 2x pyarrow's own parse. The machine may be busy:
the pyarrow and intake runs alternate and the best of RUNS of each is compared.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

CSV_ROWS = 1_000_000
XLSX_ROWS = 100_000
RUNS = 3

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, path = sys.argv[1], Path(sys.argv[2])
t0 = time.perf_counter()
if mode == "pyarrow":
    import pyarrow.csv as pacsv
    rows = pacsv.read_csv(path).num_rows
else:
    from reportgen.diagnostics import Diagnostics
    from reportgen.intake.dossiers import read_dossiers
    from reportgen.plan import load_plan
    plan = load_plan(Path(sys.argv[3]))
    t0 = time.perf_counter()
    diag = Diagnostics()
    rows = len(read_dossiers([(path, path.name)], plan, diag))
    assert not diag.errors, diag.errors[:3]
seconds = time.perf_counter() - t0
try:
    with open("/proc/self/status") as fh:
        peak_mb = next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:")) / 1024
except (OSError, StopIteration):
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rows": rows, "peak_mb": peak_mb}))
"""


def _measure(mode: str, path: Path, plan_path: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", _CHILD, mode, str(path), str(plan_path)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    from ..plan import load_plan
    from .data import write_dossier_csv, write_dossier_xlsx

    plan_path = Path(__file__).resolve().parents[2] / "inputs" / "2024" / "plan.yaml"
    plan = load_plan(plan_path)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = write_dossier_csv(Path(tmp) / "log.csv", CSV_ROWS, plan)
        xlsx_path = write_dossier_xlsx(Path(tmp) / "log.xlsx", XLSX_ROWS, plan)
        bases, csv_runs = [], []
        for _ in range(RUNS):  # alternating, so that both see the same load
            bases.append(_measure("pyarrow", csv_path, plan_path))
            csv_runs.append(_measure("intake", csv_path, plan_path))
        base = min(bases, key=lambda r: r["seconds"])
        csv_run = min(csv_runs, key=lambda r: r["seconds"])
        xlsx_run = _measure("intake", xlsx_path, plan_path)
    ratio = csv_run["seconds"] / base["seconds"]
    print(f"pyarrow.csv.read_csv, {CSV_ROWS:,} dòng: {base['seconds']:.2f} s, đỉnh bộ nhớ {base['peak_mb']:.0f} MB")
    print(f"intake CSV,  {csv_run['rows']:,} dòng: {csv_run['seconds']:.2f} s, đỉnh bộ nhớ {csv_run['peak_mb']:.0f} MB"
          f" ({ratio:.1f}× pyarrow; mục tiêu ≤ ~2×)")
    print(f"intake xlsx, {xlsx_run['rows']:,} dòng: {xlsx_run['seconds']:.2f} s, đỉnh bộ nhớ {xlsx_run['peak_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
