"""`make archive … SIGNER_CERT=… AGENCY_CERT=…`: the issued PDF/A signed by the
signer, then by the agency, through the command a văn thư runs; the manifest
says who signed and when; `make verify-archive` validates each signature
cryptographically and reports a file changed after signing."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import pki
from conftest import ROOT, SAMPLE_INPUTS, run_cli, tree_snapshot
from reportgen.publish import signing

SIGNER_NAME = "Nguyễn Trung Kiên"
AGENCY_CN = "Ban Quản lý các KCN (thử nghiệm)"
PASSWORD = "mat-khau-thu-9"


def _make(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **env}, stdin=subprocess.DEVNULL, timeout=900)


@pytest.fixture(scope="module")
def pkis(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pki-archive")
    ca = pki.make_ca()
    return {
        "ca": ca,
        "signer": pki.write_p12(folder / "nguoi-ky.p12", pki.issue(ca, SIGNER_NAME), ca, PASSWORD),
        "agency": pki.write_p12(folder / "co-quan.p12", pki.issue(ca, AGENCY_CN), ca, PASSWORD),
        "folder": folder,
    }


@pytest.fixture(scope="module")
def archived(tmp_path_factory, pkis):
    """The sample 6m draft made, then issued and signed through `make archive`."""
    base = tmp_path_factory.mktemp("signed-archive")
    inputs, outputs = base / "inputs", base / "outputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    made = run_cli("report", "--period", "6m", "--inputs", str(inputs), "--outputs", str(outputs))
    assert made.returncode == 0, made.stderr
    proc = _make("archive", "PERIOD=6m", "NUMBER=7", "DATE=2024-06-12", f"INPUTS={inputs}", f"OUTPUTS={outputs}",
                 f"SIGNER_CERT={pkis['signer']}", f"AGENCY_CERT={pkis['agency']}",
                 env={"SIGNER_PASSWORD": PASSWORD, "AGENCY_PASSWORD": PASSWORD})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    folder = outputs / "archive" / "2024"
    return {"inputs": inputs, "outputs": outputs, "folder": folder, "pdf": folder / "007-BC-CCHC-2024-6m.pdf",
            "manifest": json.loads((folder / "manifest.json").read_text(encoding="utf-8")), "proc": proc}


def test_two_valid_signatures_signer_then_agency(archived, pkis):
    checks = signing.verify_pdf(archived["pdf"], trust_roots=[pkis["ca"].cert])
    assert [c.role for c in checks] == ["nguoi_ky", "co_quan"]
    assert all(c.ok and c.trusted for c in checks), [c.summary_vi() for c in checks]
    assert [c.common_name for c in checks] == [SIGNER_NAME, AGENCY_CN]
    assert checks[-1].whole_file and not checks[0].whole_file
    out = subprocess.run(["pdfsig", str(archived["pdf"])], capture_output=True, text=True).stdout
    assert out.count("Signature is Valid.") == 2 and out.count("ETSI.CAdES.detached") == 2


def test_manifest_records_who_signed_and_the_signed_file(archived):
    entry = archived["manifest"]["issues"][0]
    roles = [(s["role"], s["common_name"]) for s in entry["signatures"]]
    assert roles == [("nguoi_ky", SIGNER_NAME), ("co_quan", AGENCY_CN)]
    for record in entry["signatures"]:
        assert record["serial"] and record["signing_time"].endswith("+07:00")
    digest = hashlib.sha256(archived["pdf"].read_bytes()).hexdigest()
    assert entry["files"][archived["pdf"].name] == digest


def test_no_secret_anywhere(archived, pkis):
    proc = archived["proc"]
    assert PASSWORD not in proc.stdout + proc.stderr
    for path in archived["outputs"].rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
            assert path.suffix not in (".p12", ".pfx", ".png"), path  # keys and images are read, never copied


def test_signed_pdf_keeps_every_font_embedded_and_pdfa(archived):
    out = subprocess.run(["pdffonts", str(archived["pdf"])], capture_output=True, text=True).stdout
    rows = [line for line in out.splitlines()[2:] if line.strip()]
    assert rows and all(" yes " in f" {r} " for r in rows), out
    import pikepdf

    with pikepdf.open(archived["pdf"]) as pdf:
        with pdf.open_metadata() as meta:
            assert meta.get("pdfaid:part") in ("2", "3")


def test_verify_archive_validates_each_signature(archived):
    proc = run_cli("verify-archive", "--outputs", str(archived["outputs"]))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert SIGNER_NAME in proc.stdout and AGENCY_CN in proc.stdout
    assert "Traceback" not in proc.stderr and not proc.stderr.strip(), proc.stderr  # pyHanko's logging kept quiet


def test_a_byte_flipped_in_a_signed_range_fails_verify_archive(archived, tmp_path):
    """Even when the manifest's hash is made to match (someone edited both), the
    signatures tell: verify-archive fails naming the file."""
    copy = tmp_path / "outputs"
    shutil.copytree(archived["outputs"], copy)
    pdf = copy / "archive" / "2024" / archived["pdf"].name
    data = bytearray(pdf.read_bytes())
    at = data.index(b"/Type /Page") if b"/Type /Page" in data else len(data) // 3
    data[at + 1] ^= 0x01
    pdf.write_bytes(bytes(data))
    proc = run_cli("verify-archive", "--outputs", str(copy))
    assert proc.returncode != 0 and pdf.name in proc.stdout + proc.stderr

    manifest_path = pdf.parent / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["issues"][0]["files"][pdf.name] = hashlib.sha256(bytes(data)).hexdigest()
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    proc = run_cli("verify-archive", "--outputs", str(copy))
    assert proc.returncode != 0, proc.stdout
    assert pdf.name in proc.stdout + proc.stderr
    assert "thay đổi" in proc.stdout + proc.stderr or "không" in proc.stdout + proc.stderr


def test_wrong_password_is_refused_and_nothing_archived(archived, pkis):
    before = tree_snapshot(archived["outputs"])
    proc = run_cli("archive", "--period", "q3", "--number", "9", "--date", "2024-09-12",
                   "--inputs", str(archived["inputs"]), "--outputs", str(archived["outputs"]),
                   "--signer-cert", str(pkis["signer"]), env={"SIGNER_PASSWORD": "sai-mat-khau"})
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "nguoi-ky.p12" in proc.stderr
    assert "sai-mat-khau" not in proc.stdout + proc.stderr
    assert tree_snapshot(archived["outputs"]) == before


def test_no_password_and_no_terminal_is_an_error_not_a_hang(archived, pkis):
    env = {k: v for k, v in os.environ.items() if k not in ("SIGNER_PASSWORD", "AGENCY_PASSWORD")}
    proc = subprocess.run(
        ["python", "-m", "reportgen.cli", "archive", "--period", "q3", "--number", "9", "--date", "2024-09-12",
         "--inputs", str(archived["inputs"]), "--outputs", str(archived["outputs"]),
         "--agency-cert", str(pkis["agency"])],
        cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
        env={**env, "PATH": f"{Path(os.sys.executable).parent}:{env.get('PATH', '')}"},
    )
    assert proc.returncode == 2, proc.stderr
    assert "AGENCY_PASSWORD" in proc.stderr


def test_signer_on_a_softhsm_token_through_the_cli(tmp_path, pkis):
    token = pki.make_softhsm_token(tmp_path / "hsm", pki.issue(pkis["ca"], SIGNER_NAME), label="token-archive")
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    made = run_cli("report", "--period", "q3", "--inputs", str(inputs), "--outputs", str(outputs))
    assert made.returncode == 0, made.stderr
    uri = f"pkcs11:token={token.label};object={token.key_label}?module-path={token.module}"
    proc = run_cli("archive", "--period", "q3", "--number", "45", "--date", "2024-09-12",
                   "--inputs", str(inputs), "--outputs", str(outputs), "--signer-cert", uri,
                   "--agency-cert", str(pkis["agency"]),
                   env={**token.env, "SIGNER_PASSWORD": token.pin, "AGENCY_PASSWORD": PASSWORD})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pdf = outputs / "archive" / "2024" / "045-BC-CCHC-2024-q3.pdf"
    checks = signing.verify_pdf(pdf, trust_roots=[pkis["ca"].cert])
    assert [c.role for c in checks] == ["nguoi_ky", "co_quan"] and all(c.ok and c.trusted for c in checks)
    assert token.pin not in proc.stdout + proc.stderr


def _pem(path: Path, *certs) -> Path:
    from cryptography.hazmat.primitives.serialization import Encoding

    path.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in certs))
    return path


def test_verify_archive_with_a_trust_list_checks_the_chain(archived, pkis, tmp_path):
    """TRUST=<root certificates>: each signature's certificate must lead to one of
    them; a bundle of several roots is read whole."""
    other = pki.make_ca("CA khác")
    bundle = _pem(tmp_path / "goc.pem", other.cert, pkis["ca"].cert)
    proc = _make("verify-archive", f"OUTPUTS={archived['outputs']}", f"TRUST={bundle}", env={})
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert out.count("chứng thư số dẫn tới chứng thư gốc tin cậy") == 2
    assert "chưa kiểm tra nguồn gốc" not in out

    stranger = _pem(tmp_path / "la.pem", other.cert)
    proc = run_cli("verify-archive", "--outputs", str(archived["outputs"]), "--trust", str(stranger))
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "không thuộc tổ chức cung cấp dịch vụ tin cậy" in out and archived["pdf"].name in out
    assert "Traceback" not in out


def test_verify_archive_without_a_trust_list_says_the_chain_is_unchecked(archived):
    proc = run_cli("verify-archive", "--outputs", str(archived["outputs"]))
    assert proc.returncode == 0
    assert "chưa kiểm tra nguồn gốc các chứng thư số" in proc.stdout and "TRUST=" in proc.stdout


def test_an_unreadable_trust_file_is_a_clear_error(archived, tmp_path):
    junk = tmp_path / "goc.pem"
    junk.write_text("không phải chứng thư", encoding="utf-8")
    for path in (junk, tmp_path / "khong-co.pem"):
        proc = run_cli("verify-archive", "--outputs", str(archived["outputs"]), "--trust", str(path))
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert path.name in proc.stderr and "TRUST=" in proc.stderr
        assert "Traceback" not in proc.stderr
