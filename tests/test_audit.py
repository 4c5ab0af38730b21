"""docs/AUDIT.md is what the audit's files give, and every finding has one resolution."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import audit_report  # noqa: E402


def test_the_audit_page_is_current() -> None:
    assert (ROOT / "docs" / "AUDIT.md").read_text(encoding="utf-8") == audit_report.report(), (
        "docs/AUDIT.md is stale: run python scripts/audit_report.py"
    )


def test_every_finding_is_resolved() -> None:
    assert audit_report.unresolved() == []


def test_a_finding_without_a_resolution_is_caught(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "audit"
    shutil.copytree(ROOT / "docs" / "audit", folder)
    path = folder / "iob-2025-samen-sterker.resolution.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line for line in lines if not line.startswith("iob-001,")) + "\n", encoding="utf-8")
    monkeypatch.setattr(audit_report, "AUDIT", folder)
    assert audit_report.unresolved() == ["iob-2025-samen-sterker: finding iob-001 has 0 resolutions"]
    assert "| iob-001 | wrong_classification |" in audit_report.report() and "**unresolved**" in audit_report.report()
