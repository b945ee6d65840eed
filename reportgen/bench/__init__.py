"""`make bench`: speed and memory figures of each stage, printed (not timed tests).

Each stage keeps its own module here with a `main()` that prints its figures;
they run in the order of BENCHES. A module not written yet is reported, not fatal.
"""

from __future__ import annotations

import importlib
import os
import sys

BENCHES = ("intake", "aggregate", "review", "pdf", "web")


def main() -> int:
    os.environ.setdefault("REPORTGEN_QUIET", "1")  # the figures, not the stage progress lines
    status = 0
    for name in BENCHES:
        print(f"\n=== bench: {name} ===", flush=True)
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                print(f"(chưa có: {name})")
                status = 1
                continue
            raise
        status |= module.main() or 0
    return status


if __name__ == "__main__":
    sys.exit(main())
