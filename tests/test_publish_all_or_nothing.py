"""The published set changes as one (issue 21, point 6): a failure at any write of `publish`, a
full disk or a kill leaves the complete old set or the complete new set, and no temporary file.

lib/files.replace_set does the change; these tests fail it at every one of its writes and
renames, and kill it (no clean-up code runs) at every one, on a small set of files; the last
test fails the real `publish` stage half way in a built copy."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest
from conftest import BIN, env

from pipelines.lib import files

OLD = {"data/a.csv": b"a,old\n", "data/b.csv": b"b,old\n", "reports/stale.svg": b"<svg/>", "datapackage.json": b"{old}"}
NEW = {"data/a.csv": b"a,new\n", "data/b.csv": b"b,new\n", "reports/new.svg": b"<svg>new</svg>", "datapackage.json": b"{new}"}
REMOVE = ["reports/stale.svg"]


def lay(root: Path, content: dict[str, bytes]) -> None:
    for name, data in content.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


def state(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class Killed(BaseException):
    """Stands for a kill: nothing after it runs, not even clean-up code."""


class Failing:
    """The `os` of lib/files (only there: a build running in another thread of the test process
    must not see it), whose replace, fsync and chmod fail at the `at`-th call of any of them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, at: int, error: BaseException) -> None:
        self.calls, self.at, self.error = 0, at, error
        monkeypatch.setattr(files, "os", self)

    def __getattr__(self, name: str):
        real = getattr(os, name)
        return self.wrap(real) if name in ("replace", "fsync", "chmod") else real

    def wrap(self, real):
        def call(*args, **kwargs):
            self.calls += 1
            if self.calls == self.at:
                raise self.error
            return real(*args, **kwargs)

        return call


def count_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    root, work = tmp_path / "count", tmp_path / "count-work"
    lay(root, OLD)
    with monkeypatch.context() as patch:
        counter = Failing(patch, at=0, error=RuntimeError())
        files.replace_set(root, NEW, REMOVE, work)
    assert state(root) == {**{k: v for k, v in OLD.items() if k not in REMOVE}, **NEW}
    return counter.calls


def test_a_full_change_replaces_the_set_and_leaves_no_work_files(tmp_path: Path) -> None:
    root, work = tmp_path / "root", tmp_path / "work"
    lay(root, OLD)
    files.replace_set(root, NEW, REMOVE, work)
    assert state(root) == NEW
    assert not work.exists()


def test_a_failure_at_every_write_leaves_the_old_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writes = count_writes(tmp_path, monkeypatch)
    assert writes >= 2 * len(NEW) + len(REMOVE)  # every file written, then every rename counted
    for at in range(1, writes + 1):
        root, work = tmp_path / f"root{at}", tmp_path / f"work{at}"
        lay(root, OLD)
        with monkeypatch.context() as patch:
            Failing(patch, at, OSError(errno.ENOSPC, "No space left on device"))
            with pytest.raises(OSError, match="No space left"):
                files.replace_set(root, NEW, REMOVE, work)
        assert state(root) == OLD, f"failure at write {at} left a mixed set"
        assert not work.exists(), f"failure at write {at} left temporary files"


def test_a_kill_at_every_write_is_undone_by_the_next_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writes = count_writes(tmp_path, monkeypatch)
    for at in range(1, writes + 1):
        root, work = tmp_path / f"root{at}", tmp_path / f"work{at}"
        lay(root, OLD)
        with monkeypatch.context() as patch:
            Failing(patch, at, Killed())
            patch.setattr(files, "recover", lambda root, work: None)  # a killed process cleans up nothing
            patch.setattr(files.shutil, "rmtree", lambda *a, **k: None)
            with pytest.raises(Killed):
                files.replace_set(root, NEW, REMOVE, work)
        files.recover(root, work)  # what the next `publish` does first
        assert state(root) == OLD, f"a kill at write {at}: the next run did not restore the old set"
        assert not work.exists()
        files.replace_set(root, NEW, REMOVE, work)  # and that run then publishes the new set
        assert state(root) == NEW


PUBLISH_FAILING_AT = """
import os, sys
from pipelines.lib import files
real, calls = os.replace, [0]
def replace(*args):
    calls[0] += 1
    if calls[0] == int(sys.argv[1]):
        raise OSError(28, "No space left on device")
    return real(*args)
os.replace = replace  # its own process: nothing else runs in it
from pipelines.stages import publish
publish.main()
"""


def published(repo: Path) -> dict[str, bytes]:
    paths = [repo / "datapackage.json", *(repo / "data").glob("*.csv"), *(repo / "reports").rglob("*"), *(repo / "metadata").rglob("*")]
    return {p.relative_to(repo).as_posix(): p.read_bytes() for p in paths if p.is_file()}


def test_the_publish_stage_failing_half_way_leaves_the_published_set(built_repo: Path) -> None:
    """A changed table staged, then publish fails at its 20th rename: data/, the descriptor,
    reports/ and metadata/ are as before, and build/publishing/ is gone."""
    before = published(built_repo)
    checks = built_repo / "build" / "checks.csv"
    checks.write_bytes(checks.read_bytes().replace(b" equal", b" EQUAL", 1))  # a new data/checks.csv to publish
    assert checks.read_bytes() != before["data/checks.csv"]
    result = subprocess.run(
        [str(BIN / "python"), "-c", PUBLISH_FAILING_AT, "20"], cwd=built_repo, env=env(), capture_output=True, text=True
    )
    assert result.returncode != 0 and "No space left on device" in result.stderr, result.stderr
    assert published(built_repo) == before
    assert not (built_repo / "build" / "publishing").exists()
    assert not [p for p in built_repo.rglob("*.tmp")], "temporary files left"
