"""Shared test helpers: throw-away copies of the repository and running the pipeline in them."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Everything the pipeline publishes; a failed run must leave these byte-identical.
PUBLISHED_GLOBS = ("data/*.csv", "datapackage.json", "reports/*.md", "reports/figures/*.png", "metadata/*")


def tracked_files(root: Path) -> list[str]:
    """Files a clone would have: tracked ones plus new ones git does not ignore."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root, check=True, capture_output=True, text=True,
    ).stdout
    return [name for name in out.split("\0") if name and (root / name).is_file()]


def copy_repo(source: Path, target: Path) -> Path:
    """A clone-like copy of the working tree (no build/, no .venv), as a git repository."""
    for name in tracked_files(source):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target / name)
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    subprocess.run(["git", "add", "-A"], cwd=target, check=True)
    return target


def env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "DVC_NO_ANALYTICS": "1"}


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env(), capture_output=True, text=True, timeout=600)


def dvc_repro(repo: Path) -> subprocess.CompletedProcess:
    return run(["dvc", "repro"], repo)


def snapshot(repo: Path) -> dict[str, bytes]:
    """The published files and their bytes."""
    return {
        path.relative_to(repo).as_posix(): path.read_bytes()
        for pattern in PUBLISHED_GLOBS
        for path in sorted(repo.glob(pattern))
    }


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A fresh copy of this repository to break things in."""
    return copy_repo(ROOT, tmp_path / "repo")


def line_of(path: Path, key: str) -> int:
    """Line number (1-based) of the record whose first cell is `key`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.split(",", 1)[0] == key:
            return number
    raise AssertionError(f"{key} not in {path}")


def set_cell(path: Path, key: str, field: str, value: str) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    target = next(row for row in rows if next(iter(row.values())) == key)
    target[field] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def fails_cleanly(repo: Path, expected: list[str]) -> str:
    before = snapshot(repo)
    result = dvc_repro(repo)
    assert result.returncode != 0, result.stdout
    for text in expected:
        assert text in result.stderr, result.stderr
    assert snapshot(repo) == before, "a failed run changed published files"
    return result.stderr


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a file of a broken copy; the text must be there."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture(scope="session")
def release(tmp_path_factory) -> tuple[Path, Path]:
    """One release built from a fresh clone of the working tree, shared by the tests that read it."""
    from test_release import committed_copy

    repo = committed_copy(tmp_path_factory.mktemp("release"))
    result = run([str(BIN / "python"), "scripts/release.py"], repo)
    assert result.returncode == 0, result.stderr
    return repo, next((repo / "dist").glob("*.zip"))


def in_second_entries(repo: Path, folder: str, marker: str, old: str, new: str) -> None:
    """The same change in the independent second entries (second_*.csv) of a source: in every
    line that contains `marker`, `old` becomes `new`. For a broken copy in which the document
    itself says something else, so that a later check, not the double entry, is what fails."""
    changed = 0
    for path in sorted((repo / folder).glob("second_*.csv")):
        lines = path.read_text(encoding="utf-8").split("\n")
        for number, line in enumerate(lines):
            if marker in line and old in line:
                lines[number] = line.replace(old, new)
                changed += 1
        path.write_text("\n".join(lines), encoding="utf-8")
    assert changed, f"{marker!r} with {old!r} is in no second entry of {folder}"
