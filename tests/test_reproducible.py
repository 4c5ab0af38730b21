"""The committed outputs are exactly what the pipeline makes from the committed inputs."""

from __future__ import annotations

from pathlib import Path

from conftest import BIN, ROOT, dvc_repro, edit, run, snapshot, stages_in_process


def published(repo: Path) -> dict[str, bytes]:
    return {**snapshot(repo), "dvc.lock": (repo / "dvc.lock").read_bytes()}


def stale_outputs(expected: dict[str, bytes], rebuilt: Path) -> list[str]:
    """The files of `rebuilt`, after a real `dvc repro`, that differ from `expected`."""
    result = dvc_repro(rebuilt)
    assert result.returncode == 0, result.stderr
    status = run(["dvc", "status"], rebuilt)
    assert "up to date" in status.stdout, status.stdout
    actual = published(rebuilt)
    return sorted(name for name in expected.keys() | actual.keys() if expected.get(name) != actual.get(name))


def test_committed_outputs_are_what_the_pipeline_makes(built) -> None:
    """A clone-like copy rebuilt from nothing by `dvc repro --force` (the session's `built` copy)."""
    repo, outcome = built
    assert outcome["returncode"] == 0, outcome["stderr"]
    assert "up to date" in outcome["status"], outcome["status"]
    expected, actual = published(ROOT), published(repo)
    assert sorted(name for name in expected.keys() | actual.keys() if expected.get(name) != actual.get(name)) == []


def test_raw_change_without_rebuild_is_detected(built_repo: Path) -> None:
    """A raw change in a built copy: DVC sees that `tidy` (and so everything after it) must rerun,
    and the stages make published files that differ from the committed ones. The stages run in
    tests/stage_server.py rather than under a real `dvc repro`, which the session's from-scratch
    build, the killed runs of tests/test_safety.py and the archive's `make repro` run already."""
    raw = built_repo / "data/raw/reference/parties.csv"
    raw.write_text(raw.read_text(encoding="utf-8").replace("Party for Freedom", "Freedom Party"), encoding="utf-8")
    status = run(["dvc", "status"], built_repo)
    assert "tidy:\n\tchanged deps:\n\t\tmodified:           data/raw" in status.stdout, status.stdout
    expected = snapshot(ROOT)
    result = stages_in_process(built_repo)
    assert result.returncode == 0, result.stderr
    actual = snapshot(built_repo)
    assert sorted(name for name in expected.keys() | actual.keys() if expected.get(name) != actual.get(name)) == [
        "data/parties.csv",
        "datapackage.json",
    ]


def test_hand_edited_output_is_detected(built_repo: Path) -> None:
    """A hand-edited published file does not survive `dvc repro`: what the pipeline makes differs."""
    path = built_repo / "data/parties.csv"
    path.write_bytes(path.read_bytes().replace(b"Volt Netherlands", b"Volt NL"))
    assert stale_outputs(published(built_repo), built_repo) == ["data/parties.csv"]


def test_the_report_draws_again_exactly_the_charts_whose_tables_changed(built_repo: Path) -> None:
    """build/report-cache keeps each chart under a key of the code, the libraries and the staged
    tables it is drawn from: a changed table is a new key for its charts alone."""
    edit(built_repo / "build/tidy/fair_shares.csv", ",1,1%,1.04,", ",1,1%,9.04,")  # the fair-shares chart's data
    edit(built_repo / "build/tidy/claims.csv", "Duitsland (77%)", "Duitsland (77 %)")  # no chart's data
    result = run([str(BIN / "python"), "-m", "pipelines.stages.report"], built_repo)
    assert result.returncode == 0, result.stderr
    assert "7 charts (1 drawn, 6 from build/report-cache)" in result.stdout, result.stdout
    changed = sorted(
        path.name
        for path in (built_repo / "build/report/figures").glob("*.png")
        if path.read_bytes() != (ROOT / "reports/figures" / path.name).read_bytes()
    )
    assert changed == ["fair_shares.png"]
