"""The register of the collection page: links (tokens, as hashes only) and every
upload (who sent what, when, through which link, accepted or refused and why).

SQLite next to the inputs (`INPUTS/.reportgen-register.sqlite`), stdlib sqlite3,
WAL journal so pages read while an upload commits. The schema's version is
`PRAGMA user_version`; `MIGRATIONS[i]` brings version i to i+1, run in one
transaction at open. An upload's entry is written only after its file is in
place (store.py), so a crash never leaves an entry without its file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..digest import sha256_bytes

REGISTER_NAME = ".reportgen-register.sqlite"
OFFICE = "office"
DEPARTMENT = "department"

MIGRATIONS = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE links (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,           -- department code, or the office's code (VP)
        role TEXT NOT NULL,              -- 'office' or 'department'
        token_hash TEXT NOT NULL UNIQUE, -- sha256 of the token (never the token itself)
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE INDEX links_account ON links(account, role);
    CREATE TABLE uploads (
        id INTEGER PRIMARY KEY,
        received_at TEXT NOT NULL,       -- UTC, ISO 8601
        link_id INTEGER NOT NULL REFERENCES links(id),
        account TEXT NOT NULL,
        year INTEGER NOT NULL,
        kind TEXT NOT NULL,              -- 'submission' or 'tthc'
        original_name TEXT NOT NULL,     -- as sent by the browser, shown, never used as a path
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        accepted INTEGER NOT NULL,
        stored_as TEXT,                  -- path relative to INPUTS/<year>/ when accepted
        department TEXT,
        period TEXT,
        sent_on TEXT,
        reasons TEXT NOT NULL DEFAULT '[]'  -- JSON list of the messages shown
    );
    CREATE INDEX uploads_year ON uploads(year, account);
    """,
)


def now_utc() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def new_token() -> str:
    """32 characters of [A-Za-z0-9_-] (192 random bits)."""
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return sha256_bytes(token.encode("utf-8"))


@dataclass(frozen=True)
class Link:
    id: int
    account: str
    role: str


@dataclass(frozen=True)
class Upload:
    id: int
    received_at: dt.datetime
    account: str
    year: int
    kind: str
    original_name: str
    size: int
    sha256: str
    accepted: bool
    stored_as: str | None
    department: str | None
    period: str | None
    sent_on: dt.date | None
    reasons: list[str]


class Register:
    """One SQLite file; a connection per call (sqlite3 connections are not shared
    across the server's threads)."""

    def __init__(self, inputs: Path):
        self.path = Path(inputs) / REGISTER_NAME
        Path(inputs).mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            self._migrate(db)

    @contextlib.contextmanager
    def _connect(self):
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            yield db
        finally:
            db.close()

    @contextlib.contextmanager
    def _transaction(self):
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _migrate(self, db) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for i in range(version, len(MIGRATIONS)):
                for statement in MIGRATIONS[i].split(";\n"):  # no ";" at a line end inside a statement
                    if statement.strip():
                        db.execute(statement)
            if version < len(MIGRATIONS):
                db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    # ------------------------------------------------------------- secrets

    def secret(self) -> str:
        """The server's own secret (CSRF tokens), made once and kept: forms
        shown before a restart still post after it."""
        with self._transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key='secret'").fetchone()
            if row:
                return row[0]
            value = secrets.token_urlsafe(32)
            db.execute("INSERT INTO meta(key, value) VALUES ('secret', ?)", (value,))
            return value

    # --------------------------------------------------------------- links

    def has_link(self, account: str, role: str) -> bool:
        with self._connect() as db:
            return db.execute("SELECT 1 FROM links WHERE account=? AND role=? AND revoked_at IS NULL",
                              (account, role)).fetchone() is not None

    def issue(self, account: str, role: str, *, renew: bool = False) -> str | None:
        """A new token for the account when it has none (or `renew`: the old one
        is revoked); None when it already has one. The token is returned once."""
        token = new_token()
        with self._transaction() as db:
            active = db.execute("SELECT id FROM links WHERE account=? AND role=? AND revoked_at IS NULL",
                                (account, role)).fetchall()
            if active and not renew:
                return None
            db.execute("UPDATE links SET revoked_at=? WHERE account=? AND role=? AND revoked_at IS NULL",
                       (now_utc(), account, role))
            db.execute("INSERT INTO links(account, role, token_hash, created_at) VALUES (?, ?, ?, ?)",
                       (account, role, token_hash(token), now_utc()))
        return token

    def find(self, token: str) -> Link | None:
        """The active link of a token, or None (unknown, revoked, malformed)."""
        with self._connect() as db:
            row = db.execute("SELECT id, account, role FROM links WHERE token_hash=? AND revoked_at IS NULL",
                             (token_hash(token),)).fetchone()
        return Link(*row) if row else None

    # ------------------------------------------------------------- uploads

    def record(self, *, link: Link, year: int, kind: str, original_name: str, size: int, sha256: str,
               accepted: bool, stored_as: str | None = None, department: str | None = None,
               period: str | None = None, sent_on: dt.date | None = None,
               reasons: list[str] = (), received_at: str | None = None) -> int:
        with self._transaction() as db:
            cur = db.execute(
                "INSERT INTO uploads(received_at, link_id, account, year, kind, original_name, size, sha256, "
                "accepted, stored_as, department, period, sent_on, reasons) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (received_at or now_utc(), link.id, link.account, year, kind, original_name, size, sha256,
                 int(accepted), stored_as, department, period, sent_on.isoformat() if sent_on else None,
                 json.dumps(list(reasons), ensure_ascii=False)))
            return cur.lastrowid

    def uploads(self, year: int, *, account: str | None = None) -> list[Upload]:
        query = "SELECT * FROM uploads WHERE year=?"
        args: list = [year]
        if account is not None:
            query += " AND account=?"
            args.append(account)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY id", args).fetchall()
        return [_upload(r) for r in rows]


def _upload(row) -> Upload:
    (id_, received_at, _link, account, year, kind, name, size, sha, accepted, stored_as, dept, period,
     sent_on, reasons) = row
    return Upload(id_, dt.datetime.fromisoformat(received_at), account, year, kind, name, size, sha,
                  bool(accepted), stored_as, dept, period, dt.date.fromisoformat(sent_on) if sent_on else None,
                  json.loads(reasons))
