"""`make repro` publishes nothing the documents contradict, and says loudly when what it
published is not the registered version (issue 21, points 7 and 8)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, edit, env, snapshot

sys.path.insert(0, str(ROOT / "scripts"))
import registry  # noqa: E402

SOURCES = ROOT.parent / "shared" / "sources"
FIGURES = "data/raw/iob-2025-samen-sterker/financial_figures.csv"


def make_repro(repo: Path, sources: Path) -> subprocess.CompletedProcess:
    """The real `make repro` in a copy, with this checkout's environment (-o: its stamp counts as
    installed, so make installs nothing)."""
    (repo / ".venv").symlink_to(ROOT / ".venv")
    return subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "repro", f"SOURCES={sources}"],
        cwd=repo,
        env=env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.skipif(not SOURCES.is_dir(), reason="the text layers are not beside this clone (make test says so)")
def test_a_quote_the_document_does_not_have_stops_make_repro_before_publishing(built_repo: Path) -> None:
    # still contains its printed words ('€ 1,5 miljard'), so every stage passes; only the document can tell
    edit(built_repo / FIGURES, "Als financiële maatregel wordt voorgesteld om", "Als financiële maatregel is besloten om")
    before = snapshot(built_repo)
    result = make_repro(built_repo, SOURCES)
    assert result.returncode != 0, result.stdout
    assert f"{FIGURES}, line 2, field 'quote': not in the text layer of iob-2025-samen-sterker" in result.stderr, result.stderr
    assert "nothing was published" in result.stderr
    assert snapshot(built_repo) == before


def test_without_the_text_layers_make_repro_says_the_quotes_were_not_verified(built_repo: Path, tmp_path: Path) -> None:
    (built_repo / "data" / "sources.csv").unlink()  # so that a stage (publish) runs again
    result = make_repro(built_repo, tmp_path / "no-such-folder")
    assert result.returncode == 0, result.stderr
    assert "publish: " in result.stdout  # the stage's own summary
    # DVC's hints for its developers are not shown to a reader reproducing the package
    assert "dvc push" not in result.stdout + result.stderr and "git add" not in result.stdout + result.stderr
    assert "make repro: quotes NOT verified against the documents (no text layers in" in result.stdout
    assert "published files: byte for byte those of version" in result.stdout


def test_published_files_that_are_not_their_version_are_named_loudly(built_repo: Path) -> None:
    same, _ = registry.published_report(built_repo)
    assert same
    checks = built_repo / "data" / "checks.csv"
    edit(checks, "pass", "pass ", 1)
    same, text = registry.published_report(built_repo)
    assert not same
    assert "make repro: 1 published file(s) differ from version" in text
    assert "checks: the entry says" in text
    assert "a CHANGELOG.md entry listing every changed value with its locator" in text
