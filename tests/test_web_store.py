"""The register and the atomic store, without a server: migrations by
PRAGMA user_version, tokens only as hashes, a store that fails half-way leaves
nothing, temporary files of a killed server are removed at the next start."""

from __future__ import annotations

import os
import sqlite3

import pytest

from reportgen.web import store as store_module
from reportgen.web.register import MIGRATIONS, REGISTER_NAME, Register, token_hash
from reportgen.web.store import clean_stale, store


def test_register_migrates_once_and_keeps_its_secret(tmp_path):
    first = Register(tmp_path)
    secret = first.secret()
    token = first.issue("QLDT", "department")
    again = Register(tmp_path)  # a restart: no migration runs twice, nothing is lost
    assert again.secret() == secret
    assert again.find(token).account == "QLDT" and again.find(token + "x") is None
    assert again.issue("QLDT", "department") is None  # has a link: not printed again
    with sqlite3.connect(tmp_path / REGISTER_NAME) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        stored = [r[0] for r in db.execute("SELECT token_hash FROM links")]
    assert stored == [token_hash(token)] and token not in stored


def test_store_never_replaces_and_leaves_nothing_when_it_fails(tmp_path, monkeypatch):
    folder = tmp_path / "submissions"
    path = store(folder, "a.xlsx", b"one")
    assert path.read_bytes() == b"one"
    with pytest.raises(FileExistsError):
        store(folder, "a.xlsx", b"two")
    assert path.read_bytes() == b"one" and sorted(os.listdir(folder)) == ["a.xlsx"]

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(store_module.os, "link", crash)
    with pytest.raises(OSError):
        store(folder, "b.xlsx", b"three")
    assert sorted(os.listdir(folder)) == ["a.xlsx"]


def test_temporary_files_of_a_killed_server_are_removed(tmp_path):
    year = tmp_path / "2024"
    (year / "submissions").mkdir(parents=True)
    (year / "submissions" / ".QLDT_6m.xlsx.abc123.reportgen-tmp").write_bytes(b"half")
    (year / "submissions" / "kept.xlsx").write_bytes(b"whole")
    clean_stale(year)
    assert os.listdir(year / "submissions") == ["kept.xlsx"]
