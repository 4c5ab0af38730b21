"""Runs the pipeline's stages on broken copies of the repository without a fresh interpreter
per stage: what `dvc repro` does in a fresh copy (every stage in dvc.yaml order, stopping at the
first that fails), minus start-up and imports.

Started once per test run by tests/conftest.py (`stage_server.py SOCKET CLIENTS [COPY]`), and shared by
the pytest-xdist workers, which connect to it on a Unix socket. It imports the heavy libraries
once (pandas, pandera, frictionless, great-expectations, matplotlib) and loads what they load on
first use, then reads one JSON request per line from each connection: {"repo": <copy>,
"stdout": <file>, "stderr": <file>}. For each it forks a child that imports `pipelines` from the
copy (so every path it computes is the copy's) and runs each stage's main() as
`python -m pipelines.<stage>` would (bad input: the problems on stderr and exit status 1). When
the child ends it answers that connection {"returncode": N}; the children of two connections run
side by side. It stops when as many workers as pytest-xdist runs (CLIENTS) have connected and
left, or when none has been connected for IDLE seconds.

Given an unbroken copy, it first stages and validates that once and
keeps frictionless' report on each table (keep_reports): a broken copy changes one or two raw
files, so most of its staged tables are byte for byte those, and their report is the same.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import json
import os
import selectors
import shutil
import socket
import sys
import tempfile
import time
import traceback
from typing import Any

import yaml

# The Python docs' idiom for a process that forks workers: no collection while the libraries are
# imported (their objects live as long as the server), gc.freeze() before forking, collection
# on in the child, where full passes then skip everything frozen (0.2 s of every child).
gc.disable()

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import frictionless  # noqa: E402
import matplotlib.pyplot  # noqa: E402,F401
import pandas  # noqa: E402
import pandera.pandas  # noqa: E402

import pipelines.stages.crosscheck  # noqa: E402,F401  great-expectations, imported as the stage imports it


def warm() -> None:
    """Load what the libraries load on first use (frictionless' plugins, pandera's backends, the
    Agg renderer), as every stage process does, once here instead of in every child. Nothing of
    the pipeline runs; nothing but loaded modules and their caches (fonts, plugins) carries over
    into the children."""
    frictionless.Resource(data=[["id"], ["1"]]).validate()
    pandera.pandas.DataFrameSchema({"id": pandera.pandas.Column(int, pandera.pandas.Check.ge(0))}).validate(pandas.DataFrame({"id": [1]}))
    figure = matplotlib.pyplot.figure()
    figure.savefig(os.devnull, format="png")
    matplotlib.pyplot.close(figure)


def stages(repo: str) -> list[str]:
    """The stages in dvc.yaml order (each depends only on the ones before it)."""
    with open(os.path.join(repo, "dvc.yaml"), encoding="utf-8") as handle:
        return list(yaml.safe_load(handle)["stages"])


def use_copy(repo: str) -> None:
    """Work in the copy `repo`: its `pipelines` (and so every path they compute) from now on."""
    os.chdir(repo)
    for name in [m for m in sys.modules if m == "pipelines" or m.startswith("pipelines.")]:
        del sys.modules[name]
    sys.path.insert(0, repo)


# frictionless' reports on staged tables, by (validate's code, table, its bytes, its schema):
# see keep_reports()
REPORTS: dict[tuple[bytes, str, bytes, str], object] = {}
# great-expectations' outcome on each reconciliation table, by (crosscheck's code, table): kept
# the same way (pipelines/lib/speed.py, KEPT_CHECKS)
CHECKS: dict[tuple[bytes, str, bytes], set[str]] = {}
# raw files parsed, by (reader, file, columns, bytes): kept the same way (KEPT_PARSES)
PARSES: dict[tuple[object, ...], object] = {}
# Krippendorff's alpha by (level, pairs): kept the same way (KEPT_ALPHAS)
ALPHAS: dict[tuple[object, ...], object] = {}


def keep_reports() -> None:
    """Have the imported pipelines keep frictionless' reports in REPORTS, which outlives the
    copies (pipelines/lib/speed.py, KEPT_REPORTS): a table that is byte for byte one validated
    before, with the same schema and validate code, is not validated again."""
    speed: Any = importlib.import_module("pipelines.lib.speed")
    speed.KEPT_REPORTS = REPORTS
    speed.KEPT_CHECKS = CHECKS
    speed.KEPT_PARSES = PARSES
    speed.KEPT_ALPHAS = ALPHAS


def learn(unbroken: str) -> None:
    """Stage, validate and cross-check a scratch copy of an unbroken copy, keeping frictionless'
    reports and great-expectations' outcomes. Only a shortcut: if that copy does not pass, the
    children validate and check every table."""
    scratch = tempfile.mkdtemp(prefix="stage-server-")
    try:
        shutil.copytree(unbroken, scratch, symlinks=True, dirs_exist_ok=True)
        use_copy(scratch)
        with contextlib.redirect_stdout(io.StringIO()):
            for stage in ("tidy", "double_entry", "validate", "crosscheck"):
                sys.argv = [stage]
                keep_reports()
                importlib.import_module(f"pipelines.stages.{stage}").main()
    except Exception:  # the tests that need a passing copy say what fails
        pass
    finally:
        os.chdir(ROOT)
        if scratch in sys.path:
            sys.path.remove(scratch)
        shutil.rmtree(scratch, ignore_errors=True)


def child(request: dict) -> int:
    repo = request["repo"]
    for fd, name in ((1, "stdout"), (2, "stderr")):
        target = os.open(request[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(target, fd)
        os.close(target)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False, buffering=1)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False, buffering=1)
    use_copy(repo)
    try:
        for stage in stages(repo):
            print(f"Running stage '{stage}':", flush=True)
            sys.argv = [os.path.join(repo, "pipelines", "stages", f"{stage}.py")]
            keep_reports()
            module = importlib.import_module(f"pipelines.stages.{stage}")
            importlib.import_module("pipelines.stages").run(module.main)
        return 0
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            return exit_.code or 0
        print(exit_.code, file=sys.stderr)
        return 1
    except BaseException:
        traceback.print_exc()
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


IDLE = 5.0  # seconds without a connection before it stops (the first worker connects at once)


def serve(path: str, clients: int) -> None:
    """Answer requests from any number of connections until `clients` have come and gone, or
    none has been open for IDLE seconds."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen()
    print(json.dumps({"ready": True}), flush=True)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    pending: dict[socket.socket, bytes] = {}  # open connections and what they sent of a request
    running: dict[int, socket.socket] = {}  # child pid -> the connection that asked for it
    idle_since, served = time.monotonic(), 0
    while pending or running or (served < clients and time.monotonic() - idle_since < IDLE):
        for key, _ in selector.select(timeout=0.02):
            if key.fileobj is listener:
                connection, _ = listener.accept()
                served += 1
                selector.register(connection, selectors.EVENT_READ)
                pending[connection] = b""
                continue
            connection = key.fileobj  # type: ignore[assignment]  # a client's socket
            data = connection.recv(65536)
            if not data:
                selector.unregister(connection)
                connection.close()
                del pending[connection]
                idle_since = time.monotonic()
                continue
            pending[connection] += data
            while b"\n" in pending[connection]:
                line, pending[connection] = pending[connection].split(b"\n", 1)
                pid = os.fork()
                if pid == 0:
                    gc.enable()
                    code = 1
                    try:
                        code = child(json.loads(line))
                    finally:
                        os._exit(code)
                running[pid] = connection
        while running:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            answer = json.dumps({"returncode": os.waitstatus_to_exitcode(status)}).encode() + b"\n"
            with contextlib.suppress(OSError):  # a worker that went away needs no answer
                running.pop(pid).sendall(answer)
    with contextlib.suppress(OSError):
        os.unlink(path)


def main() -> None:
    path, clients, unbroken = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    warm()
    if unbroken:
        learn(unbroken[0])
    gc.freeze()
    serve(path, clients)


if __name__ == "__main__":
    main()
