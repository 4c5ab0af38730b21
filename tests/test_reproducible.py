"""The committed outputs are exactly what the pipeline makes from the committed inputs."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT, copy_repo, dvc_repro, run, snapshot


def stale_outputs(repo: Path, scratch: Path) -> list[str]:
    """Rebuild a clone-like copy of `repo` from scratch; list the files that come out different."""
    rebuilt = copy_repo(repo, scratch)
    result = dvc_repro(rebuilt)
    assert result.returncode == 0, result.stderr
    status = run(["dvc", "status"], rebuilt)
    assert "up to date" in status.stdout, status.stdout
    expected = {**snapshot(repo), "dvc.lock": (repo / "dvc.lock").read_bytes()}
    actual = {**snapshot(rebuilt), "dvc.lock": (rebuilt / "dvc.lock").read_bytes()}
    return sorted(name for name in expected.keys() | actual.keys() if expected.get(name) != actual.get(name))


def test_committed_outputs_are_what_the_pipeline_makes(tmp_path: Path) -> None:
    assert stale_outputs(ROOT, tmp_path / "rebuilt") == []


def test_raw_change_without_rebuild_is_detected(repo: Path, tmp_path: Path) -> None:
    raw = repo / "data/raw/reference/parties.csv"
    raw.write_text(raw.read_text(encoding="utf-8").replace("Party for Freedom", "Freedom Party"), encoding="utf-8")
    assert stale_outputs(repo, tmp_path / "rebuilt") == ["data/parties.csv", "datapackage.json", "dvc.lock"]


def test_hand_edited_output_is_detected(repo: Path, tmp_path: Path) -> None:
    published = repo / "data/parties.csv"
    published.write_bytes(published.read_bytes().replace(b"Volt Netherlands", b"Volt NL"))
    assert stale_outputs(repo, tmp_path / "rebuilt") == ["data/parties.csv"]
