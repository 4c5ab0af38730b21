"""Writing and reading the files the pipeline makes: one CSV dialect, JSON, atomic replacement of
one file, and of a set of files as one (`replace_set`)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """The one CSV dialect the package publishes: UTF-8, LF, minimal quoting, header first."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def write_atomic(path: Path, content: bytes) -> None:
    """Replace `path` in one step, so that a reader or a crash never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(tmp, 0o644)  # mkstemp makes files private; published files are for everyone
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def json_bytes(data: object) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def read_rows(path: Path) -> list[dict[str, str]]:
    """A CSV the pipeline wrote, as string cells by column name."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def replace_set(root: Path, files: dict[str, bytes], remove: list[str], work: Path) -> None:
    """Replace a set of files under `root` (paths relative to it) and remove others, as one change:
    afterwards the set is all old or all new, and no temporary file is left beside it.

    Every new file is first written in full under `work` (a folder of the same file system
    outside the published set), so a full disk or a failed write leaves the set untouched. Then
    each old file is moved aside into `work` and the new one moved in: renames, which need no
    space. A failure in between moves everything back. A process killed in between leaves a
    journal in `work` that the next call (or `recover`) completes the same way: back to the old set.
    """
    recover(root, work)
    new, old = work / "new", work / "old"
    try:
        for name, content in files.items():
            target = new / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(target, 0o644)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    journal = work / "journal"
    journal.write_text("\n".join([*files, *(f"-{name}" for name in remove)]), encoding="utf-8")
    try:
        for name in [*files, *remove]:
            current = root / name
            if current.exists():
                (old / name).parent.mkdir(parents=True, exist_ok=True)
                os.replace(current, old / name)
            if name in files:
                current.parent.mkdir(parents=True, exist_ok=True)
                os.replace(new / name, current)
    except BaseException:
        recover(root, work)
        raise
    shutil.rmtree(work)


def recover(root: Path, work: Path) -> None:
    """Undo a `replace_set` that stopped half way, from its journal: each file it moved aside
    goes back, each file it added goes, and its work folder is removed."""
    journal = work / "journal"
    if journal.is_file():
        for line in journal.read_text(encoding="utf-8").splitlines():
            name = line.removeprefix("-")
            moved_aside, current = work / "old" / name, root / name
            if moved_aside.exists():
                os.replace(moved_aside, current)
            elif not line.startswith("-") and not (work / "new" / name).exists() and current.exists():
                current.unlink()  # a file the change added (it had no old one), already moved in
    if work.exists():
        shutil.rmtree(work)
