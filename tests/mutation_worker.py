"""Runs the checking stages of the pipeline on one mutant after another, in-process.

Started by tests/test_mutations.py as `python tests/mutation_worker.py COPY [COPY ...]`, with one
throw-away copy of the repository per worker. It imports the libraries once (as
tests/stage_server.py does), then forks one worker per copy; each imports `pipelines` from its
copy (so every path it computes is the copy's). Reads every mutant from stdin first, one JSON
object per line: {"path": <file relative to a copy>, "content": <base64> or null to delete}.
The workers take the mutants in turn; each answer is one JSON line on stdout, in any order:
{"index": <line number of the mutant, from 0>, "problems": [...], "crash": <traceback> or null,
"identical": whether the published bytes are unchanged}. Each mutant is undone before the next.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import hashlib
import json
import multiprocessing
import os
import queue
import sys
import traceback
from pathlib import Path
from typing import Any

import stage_server  # the libraries, imported (collector off) as the stages import them


def published(publish, names: list[str]) -> dict[str, bytes]:
    return {name: publish.published_table(name) for name in names}


def staged_inputs(staging: Path, double_entry: Path) -> str:
    """A hash of what validate and crosscheck read besides code and schemas (their DVC deps)."""
    digest = hashlib.sha256()
    for path in sorted(staging.rglob("*")) + [double_entry]:
        if path.is_file():
            digest.update(path.relative_to(staging.parent).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def work(repo: str, todo: multiprocessing.Queue, done: multiprocessing.Queue) -> None:
    """One worker: the unmutated copy must pass, then every mutant it takes from `todo`."""
    stage_server.use_copy(repo)
    gc.enable()
    from pipelines.lib.package import CHECKS, DOUBLE_ENTRY, STAGING, VALIDATION, resource_names
    from pipelines.lib.raw import InputError
    from pipelines.stages import crosscheck, double_entry, publish, tidy, validate

    # What validate and crosscheck wrote for the unmutated copy, with the hash of what they read.
    baseline: dict[str, Any] = {}

    # A mutant changes one raw file, so most staged tables are byte for byte the unmutated
    # copy's: frictionless' report on each distinct table is made once (every changed one is
    # validated).
    stage_server.keep_reports()

    def check() -> tuple[list[str], str | None]:
        """Problems the stages report (empty when they all pass), and a crash's traceback.

        Like `dvc repro`, validate and crosscheck are not rerun when what they read is unchanged:
        when tidy and double_entry stage exactly the unmutated copy's tables (a cosmetic
        variant), validate and crosscheck would give exactly the unmutated copy's outputs,
        which are restored."""
        sys.argv = ["crosscheck"]
        try:
            with contextlib.redirect_stdout(sys.stderr):  # stdout is the protocol
                for stage in (tidy.main, double_entry.main):
                    stage()
                if baseline and staged_inputs(STAGING, DOUBLE_ENTRY) == baseline["inputs"]:
                    for path, content in baseline["outputs"].items():
                        path.write_bytes(content)
                    return [], None
                for stage in (validate.main, crosscheck.main):
                    stage()
        except InputError as error:
            return error.problems, None
        except Exception:  # a crash is a finding too: bad input must get a clear error
            return [], traceback.format_exc(limit=3)
        return [], None

    problems, crash = check()
    if problems or crash:
        done.put({"error": f"the unmutated copy {repo} does not pass: {problems or crash}"})
        return
    baseline.update(inputs=staged_inputs(STAGING, DOUBLE_ENTRY), outputs={path: path.read_bytes() for path in (VALIDATION, CHECKS)})
    names = resource_names()
    before = published(publish, names)
    data_files = {path: path.read_bytes() for path in Path("data").glob("*.csv")}
    while (item := todo.get()) is not None:
        index, mutant = item
        path = Path(mutant["path"])
        original = path.read_bytes()
        try:
            if mutant["content"] is None:
                path.unlink()
            else:
                path.write_bytes(base64.b64decode(mutant["content"]))
            problems, crash = check()
            identical = None
            if not problems and not crash:
                identical = published(publish, names) == before
        finally:
            path.write_bytes(original)
            for data_path, content in data_files.items():
                data_path.write_bytes(content)
        done.put({"index": index, "problems": problems, "crash": crash, "identical": identical})


def main() -> None:
    copies = sys.argv[1:]
    mutants = [json.loads(line) for line in sys.stdin]
    stage_server.warm()
    gc.freeze()  # the workers' full collections skip what the imports made
    fork = multiprocessing.get_context("fork")
    todo, done = fork.Queue(), fork.Queue()
    workers = [fork.Process(target=work, args=(repo, todo, done)) for repo in copies]
    for worker in workers:
        worker.start()
    # queued after the forks, so that no worker is forked while the queue's feeder thread runs
    for item in enumerate(mutants):
        todo.put(item)
    for _ in copies:
        todo.put(None)
    answered = 0
    while answered < len(mutants):
        try:
            answer = done.get(timeout=10)
        except queue.Empty:
            if any(worker.is_alive() for worker in workers):
                continue
            answer = {"error": f"the workers stopped after {answered} of {len(mutants)} mutants"}
        if "error" in answer:
            for worker in workers:
                worker.kill()
            raise SystemExit(answer["error"])
        print(json.dumps(answer), flush=True)
        answered += 1
    for worker in workers:
        worker.join()
    os._exit(0)  # the workers wrote everything; skip tearing down the libraries' objects


if __name__ == "__main__":
    main()
