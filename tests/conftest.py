"""Shared test helpers: throw-away copies of the repository and running the pipeline in them."""

from __future__ import annotations

import compileall
import csv
import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Everything the pipeline publishes; a failed run must leave these byte-identical.
PUBLISHED_GLOBS = ("data/*.csv", "datapackage.json", "reports/*.md", "reports/figures/*.png", "metadata/*")


def tracked_files(root: Path) -> list[str]:
    """Files a clone would have: tracked ones plus new ones git does not ignore."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
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
    return {path.relative_to(repo).as_posix(): path.read_bytes() for pattern in PUBLISHED_GLOBS for path in sorted(repo.glob(pattern))}


def shared(tmp_path_factory: pytest.TempPathFactory, name: str, make) -> Path:
    """A folder made once per test run, by whichever pytest-xdist worker gets there first;
    the others wait for it. `make(folder)` builds it. Tests copy it; they never change it."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the workers' common base folder
    folder, done = root / f"shared-{name}", root / f"shared-{name}.done"
    with FileLock(str(root / f"shared-{name}.lock")):
        if not done.is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            done.write_text(json.dumps(make(folder)), encoding="utf-8")
    return folder


def clone_tree(source: Path, target: Path) -> Path:
    """A private copy of a shared tree (its git repository and build/ included), by cp -a: it
    copies the 1,000 files of a copy in 0.04 s of CPU where shutil.copytree took 0.11 s (a run
    makes about 90 copies)."""
    subprocess.run(["cp", "-a", "--", str(source), str(target)], check=True, capture_output=True)
    return target


# The clean copy, once made: the stage server validates it once (tests/stage_server.py).
_CLEAN: list[Path] = []


def compiled_copy(folder: Path) -> dict:
    """A clone-like copy with the bytecode of its `pipelines` written, as the first run in a
    clone writes it: each broken copy made from it imports `pipelines` from its own files, and
    without this every one compiled its 31 modules again (0.14 s of each of about 80 copies; the
    bytecode stays valid in a copy, which keeps the files' times, and a test that edits a module
    gets that module compiled again)."""
    compileall.compile_dir(copy_repo(ROOT, folder / "repo") / "pipelines", quiet=1)
    return {}


@pytest.fixture(scope="session")
def clean_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One clone-like copy of the working tree (no build/), made once per run."""
    _CLEAN[:] = [shared(tmp_path_factory, "clean", compiled_copy) / "repo"]
    return _CLEAN[0]


def build_offline(folder: Path) -> dict:
    """A clone-like copy rebuilt from nothing by a real `dvc repro --force` (every stage, publish
    included), with the network blocked."""
    repo = copy_repo(ROOT, folder / "repo")
    offline = {**env(), "PYTHONPATH": f"{ROOT / 'tests' / 'offline'}{os.pathsep}{env().get('PYTHONPATH', '')}"}
    offline["RECORD_DEFERRED"] = str(folder / "deferred.json")
    result = subprocess.run(["dvc", "repro", "--force"], cwd=repo, env=offline, capture_output=True, text=True, timeout=600)
    status = run(["dvc", "status"], repo)
    return {"returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr, "status": status.stdout}


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """One copy of the working tree built from scratch by `dvc repro --force` (offline), made once per
    run, with what dvc printed; broken copies that need a real `dvc repro` start from it, so
    dvc reruns only the stages downstream of what they break."""
    folder = shared(tmp_path_factory, "built", build_offline)
    return folder / "repo", json.loads((folder.parent / f"{folder.name}.done").read_text(encoding="utf-8"))


# The throw-away copies live in memory where the machine has room for them. A run makes about 90
# copies of the repository (770 MB, 75,000 files): on this machine's disk, writing them cost 23 s of
# system time, and pytest's removal of an older run's copies at the end of the next run (it keeps
# three) 13-21 s of waiting after the last test. In a RAM file system (/dev/shm, tmpfs) the same
# run took 156 s instead of 180 s (pytest -n 2, system time 55 s to 32 s), and removing its copies
# 1.3 s. Needs 2 GB free there (a container's default /dev/shm is 64 MB); else pytest's own place.
# --basetemp given on the command line wins. The folder is one per checkout: pytest empties it as
# a run starts, and it is removed after a run that passes (a failed run's copies stay, to look at).
RAM_DISK = Path("/dev/shm")
RAM_NEEDED = 2 * 1024**3
_RAM_BASETEMP = pytest.StashKey[Path | None]()


def ram_basetemp() -> Path | None:
    try:
        free = os.statvfs(RAM_DISK)
    except OSError:
        return None
    if free.f_bavail * free.f_frsize < RAM_NEEDED or not os.access(RAM_DISK, os.W_OK):
        return None
    return RAM_DISK / f"pytest-{os.getuid()}-{hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]}"


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Before pytest makes its temporary folders: in memory when there is room (pytest-xdist's
    workers are given a folder inside the controller's)."""
    if config.option.basetemp is None and not os.environ.get("PYTEST_XDIST_WORKER"):
        config.option.basetemp = ram_basetemp()
        config.stash[_RAM_BASETEMP] = config.option.basetemp


_PREFETCH: list[threading.Thread] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order the files for two pytest-xdist workers (make test: --dist loadfile
    --no-loadscope-reorder hands them out in this order; xdist's own order, most tests first,
    put two files that need the release first, and both workers waited for it): the fault
    injection first (the longest, it keeps both cores busy), the files with the most broken
    copies, the tests of the from-scratch build and then of the release, which
    pytest_collection_finish has started building in the background meanwhile, and the short
    files last, to fill the end. Stable: the order within a file stays as written."""
    tests: dict[Path, list[set[str]]] = {}
    for item in items:
        tests.setdefault(item.path, []).append(set(getattr(item, "fixturenames", ())))

    def place(path: Path) -> tuple[int, int]:
        fixtures = tests[path]
        copies = sum("repo" in names for names in fixtures)
        if path.name == "test_mutations.py":
            return 0, 0
        if any("release" in names for names in fixtures):
            return 3, -sum("release" in names for names in fixtures)
        if any("built" in names for names in fixtures):
            return 2, 0
        return (1, -copies) if copies >= 5 else (4, 0)

    order = {path: place(path) for path in tests}
    items.sort(key=lambda item: order[item.path])


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the shared from-scratch build (and the release made from it) in the background as
    soon as the tests are collected, when any collected test needs them: the tests that need
    them then wait less or not at all, and no pytest-xdist worker sits idle waiting for the
    other to build them. Under xdist every worker starts one; the lock in shared() makes one build
    and the other wait. A failure is left to the fixture, which builds again and reports it."""
    needed = {name for item in session.items for name in getattr(item, "fixturenames", ())}
    if "built" not in needed or session.config.option.collectonly:
        return
    factory = session.config._tmp_path_factory  # type: ignore[attr-defined]  # what the tmp_path_factory fixture returns
    # made here, not first in the thread: pytest empties a worker's base folder when it first
    # makes it, and two threads making it at once would empty it under each other
    factory.getbasetemp()

    def build() -> None:
        try:
            built = shared(factory, "built", build_offline) / "repo"
            if "release" in needed:
                shared(factory, "release", lambda folder: build_release(folder, built))
        except Exception:  # the fixture builds again and reports it
            pass

    _PREFETCH.append(threading.Thread(target=build, name="prefetch-shared-builds"))
    _PREFETCH[-1].start()


@pytest.hookimpl(trylast=True)  # after the session's fixtures are torn down
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for thread in _PREFETCH:
        thread.join()
    folder = session.config.stash.get(_RAM_BASETEMP, None)
    if folder is not None and exitstatus == 0:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def repo(clean_copy: Path, tmp_path: Path) -> Path:
    """A fresh copy of this repository to break things in (not built: no build/)."""
    return clone_tree(clean_copy, tmp_path / "repo")


@pytest.fixture
def built_repo(built: tuple[Path, dict], tmp_path: Path) -> Path:
    """A fresh copy of this repository with build/ as `dvc repro` left it."""
    return clone_tree(built[0], tmp_path / "repo")


_SERVER: list[socket.socket] = []  # this worker's connection to the stage server
_STARTED: list[subprocess.Popen] = []  # the stage server, if this worker started it
_BASE: list[Path] = []  # the folder the pytest-xdist workers share (tmp_path_factory's)


def stage_server() -> socket.socket:
    """A connection to the run's one stage server (tests/stage_server.py), started by the first
    pytest-xdist worker that needs it: it imports the libraries and learns the clean copy once
    for both workers. A worker that finds none (not started yet, or stopped after the other
    worker left) starts one."""
    if _SERVER:
        return _SERVER[0]
    base = _BASE[0]
    path = base / "stage-server.sock"
    with FileLock(str(base / "stage-server.lock")):
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            connection.connect(str(path))
        except (FileNotFoundError, ConnectionRefusedError):
            path.unlink(missing_ok=True)
            clients = os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")
            server = subprocess.Popen(
                [str(BIN / "python"), str(ROOT / "tests" / "stage_server.py"), str(path), clients, *map(str, _CLEAN)],
                cwd=ROOT,
                env=env(),
                stdout=subprocess.PIPE,
                text=True,
                start_new_session=True,  # not in the worker's process group: a signal to the worker leaves it to the other
            )
            assert json.loads(server.stdout.readline()) == {"ready": True}  # type: ignore[union-attr]  # stdout=PIPE
            _STARTED.append(server)
            connection.connect(str(path))
    _SERVER.append(connection)
    return connection


def stages_in_process(repo: Path) -> subprocess.CompletedProcess:
    """What `dvc repro` does in a fresh copy (every stage in order until one fails, each as
    `python -m pipelines.<stage>`), in a child of tests/stage_server.py, which has imported
    the libraries once. Its stdout and stderr are the stages' own."""
    server = stage_server()
    out, err = repo.parent / f"{repo.name}.stdout", repo.parent / f"{repo.name}.stderr"
    server.sendall((json.dumps({"repo": str(repo), "stdout": str(out), "stderr": str(err)}) + "\n").encode())
    answer = b""
    while not answer.endswith(b"\n"):
        chunk = server.recv(4096)
        assert chunk, "the stage server stopped"
        answer += chunk
    return subprocess.CompletedProcess(
        ["stages", str(repo)], json.loads(answer)["returncode"], out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8")
    )


@pytest.fixture(scope="session", autouse=True)
def _stage_server_base(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.getbasetemp()
    _BASE[:] = [root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root]
    yield
    for connection in _SERVER:
        connection.close()  # the server stops when every worker has left
    for server in _STARTED:
        server.wait(timeout=600)  # so that its CPU time counts as this run's (make bench measures it)


def line_of(path: Path, key: str) -> int:
    """Line number (1-based) of the record whose first cell is `key`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.split(",", 1)[0] == key:
            return number
    raise AssertionError(f"{key} not in {path}")


def set_cell(path: Path, key: str, field: str, value: str, both_entries: bool = True) -> None:
    """Set a cell of the record whose first cell is `key`. With `both_entries`, the same cell of
    its field-level second entry (data/raw/<source>/second_entry/) too: a test of a later check
    types the value as two readers would who both misread it, so that the double entry agrees
    and the check under test is reached; a test of the double entry changes one entry only."""
    _set_one(path, key, field, value)
    second = path.parent / "second_entry" / path.name
    if both_entries and second.is_file():
        header = next(csv.reader(io.StringIO(second.read_text(encoding="utf-8"))))
        if field in header and any(line.split(",", 1)[0] == key for line in second.read_text(encoding="utf-8").splitlines()):
            _set_one(second, key, field, value)


def _set_one(path: Path, key: str, field: str, value: str) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    target = next(row for row in rows if next(iter(row.values())) == key)
    target[field] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def fails_cleanly(repo: Path, expected: list[str]) -> str:
    """The stages stop on the broken copy with every `expected` text in their stderr, and the
    published files stay byte-identical. The stages run as a fresh copy's `dvc repro` runs
    them, without starting Python for each (tests/stage_server.py); tests/test_reproducible.py
    and tests/test_safety.py run the real `dvc repro`."""
    before = snapshot(repo)
    result = stages_in_process(repo)
    assert result.returncode != 0, result.stdout
    for text in expected:
        assert text in result.stderr, result.stderr
    assert snapshot(repo) == before, "a failed run changed published files"
    return result.stderr


def edit(path: Path, old: str, new: str, count: int = 1, both_entries: bool = True) -> None:
    """Replace text in a file of a broken copy; the text must be there. With `both_entries`, also
    in the file's field-level second entry where the same text is there (see set_cell)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    second = path.parent / "second_entry" / path.name
    if both_entries and second.is_file() and old in (theirs := second.read_text(encoding="utf-8")):
        second.write_text(theirs.replace(old, new, count), encoding="utf-8")
    sidecar = path.parent / "second_entry" / path.name.replace(".meta.yaml", ".meta.csv")
    if both_entries and path.name.endswith(".meta.yaml") and sidecar.is_file():
        _second_sidecar_as(path, sidecar)


def _second_sidecar_as(path: Path, sidecar: Path) -> None:
    """A sidecar's second entry made to say what the (edited) sidecar says, where it still reads."""
    from pipelines.lib.field_entry import EnteredFile, first_rows
    from pipelines.lib.raw import InputError

    try:
        rows = first_rows(EnteredFile(path, ("locator", "path"), ""))
    except InputError:
        return  # a sidecar that no longer reads: tidy says so first
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["locator", "path", "value"])
    writer.writerows([row.cells["locator"], row.cells["path"], row.cells["value"]] for row in rows)
    sidecar.write_text(out.getvalue(), encoding="utf-8")


def build_release(folder: Path, built: Path) -> dict:
    from test_release import committed_copy

    repo = committed_copy(folder)
    # build/ as the session's from-scratch `dvc repro --force` left it (same inputs): the
    # release's own `dvc repro` then checks every stage against dvc.lock instead of rerunning it
    shutil.copytree(built / "build", repo / "build", symlinks=True)
    result = run([str(BIN / "python"), "scripts/release.py"], repo)
    return {"returncode": result.returncode, "stderr": result.stderr}


@pytest.fixture(scope="session")
def release(tmp_path_factory, built) -> tuple[Path, Path]:
    """One release built from a fresh clone of the working tree, shared by the tests that read it
    (made once per run, also under pytest-xdist)."""
    folder = shared(tmp_path_factory, "release", lambda folder: build_release(folder, built[0]))
    outcome = json.loads((folder.parent / f"{folder.name}.done").read_text(encoding="utf-8"))
    assert outcome["returncode"] == 0, outcome["stderr"]
    repo = folder / "repo"
    # by name: dist/ also holds the Parquet zip, and glob's order is the file system's (tmpfs
    # lists it first)
    version = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))["version"]
    return repo, repo / "dist" / f"nl-defence-opinion-2025-{version}.zip"


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
