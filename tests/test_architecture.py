"""Data flows one way: no module of reportgen/ imports a higher stage.

Every `import` and `from … import` of every module under reportgen/ (inside
functions too) is read with ast and resolved to the reportgen module it names.
The rule is by top-level name (`reportgen.<name>`, a module or a package), so a
new module inside an existing package (publish/signing.py, render/charts.py,
intake/workbook.py) needs no change here; a new top-level name does: add it to
STAGES at its place.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "reportgen"

# The stages, lowest first. A module may import its own top-level package and
# anything of a lower rank or the same rank; never a higher one.
STAGES = (
    ("__init__", "diagnostics", "digest", "resources", "vi_format", "periods", "areas", "console", "log_columns", "text_controls", "system_errors"),
    ("plan",),
    ("records", "figures"),
    ("intake",),
    ("aggregate",),
    ("compose",),
    ("render", "forms"),
    ("publish",),
    ("pipeline",),
    ("cli", "web", "bench"),
)
RANK = {name: rank for rank, names in enumerate(STAGES) for name in names}

# Imported by nothing else: the console script. (The web page sits beside it at
# the top: `reportgen serve` starts it, and the bench loads it; nothing below
# the top rank may import it.)
ENTRY_POINTS = {"cli"}

# Known exceptions, each to be removed by the change named: (importer, imported).
# The test fails when one is no longer needed, so the list only shrinks.
PENDING: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every reportgen module `path` imports, absolute ("reportgen.compose.model")."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if node.module is None:  # from .. import vi_format: each name is a module
                found |= {f"{target}.{alias.name}" for alias in node.names}
            else:
                found.add(target)
    return {m for m in found if m == "reportgen" or m.startswith("reportgen.")}


def top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def edges() -> set[tuple[str, str]]:
    return {(module_name(path), target) for path in modules() for target in imported_modules(path)}


def test_every_top_level_name_has_a_stage():
    names = {top(module_name(path)) for path in modules()}
    unknown = sorted(names - set(RANK))
    assert not unknown, f"add these to STAGES in tests/test_architecture.py at their place: {unknown}"


def test_no_import_from_a_lower_stage_to_a_higher_one():
    upward = []
    for importer, imported in sorted(edges()):
        a, b = top(importer), top(imported)
        if a == b or (importer, imported) in PENDING:
            continue
        if b in ENTRY_POINTS:
            upward.append(f"{importer} imports {imported}: nothing imports an entry point")
        elif RANK.get(b, -1) > RANK.get(a, -1):
            upward.append(f"{importer} ({a}) imports {imported} ({b}), a higher stage")
    assert not upward, "\n".join(upward)


def test_pending_exceptions_are_still_needed():
    gone = sorted(PENDING - edges())
    assert not gone, f"remove from PENDING in tests/test_architecture.py (the import is gone): {gone}"


@pytest.mark.parametrize("source,expected", [
    ("from ..pipeline import run", {"reportgen.pipeline"}),
    ("from .. import vi_format, plan", {"reportgen.vi_format", "reportgen.plan"}),
    ("from . import fonts", {"reportgen.render.fonts"}),
    ("def f():\n    import reportgen.cli\n", {"reportgen.cli"}),
    ("import numpy\nfrom pathlib import Path", set()),
])
def test_imports_are_resolved(tmp_path, monkeypatch, source, expected):
    """The walker itself: relative imports from a module of reportgen/render/."""
    fake = PACKAGE / "render" / "_architecture_probe.py"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    assert imported_modules(fake) == expected
