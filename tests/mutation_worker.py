"""Runs the checking stages of the pipeline on one mutant after another, in-process.

Started by tests/test_mutations.py with the working directory set to a throw-away copy of the
repository, so `pipelines` (and every path it computes) is the copy's. Reads one JSON object
per line on stdin: {"path": <file relative to the copy>, "content": <base64> or null to delete};
answers one JSON object per line: the problems reported, or whether the published bytes are
unchanged. Each mutant is undone before the next one.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

from pipelines import crosscheck, double_entry, publish, tidy, validate  # noqa: E402
from pipelines.common import CHECKS, DOUBLE_ENTRY, STAGING, VALIDATION, InputError, resource_names  # noqa: E402


def published() -> dict[str, bytes]:
    return {name: publish.published_table(name) for name in resource_names()}


def staged_inputs() -> str:
    """A hash of what validate and crosscheck read besides code and schemas (their DVC deps)."""
    digest = hashlib.sha256()
    for path in sorted(STAGING.rglob("*")) + [DOUBLE_ENTRY]:
        if path.is_file():
            digest.update(path.relative_to(STAGING.parent).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


# What validate and crosscheck wrote for the unmutated copy, with the hash of what they read.
BASELINE: dict[str, object] = {}


def check() -> tuple[list[str], str | None]:
    """Problems the stages report (empty when they all pass), and a crash's traceback.

    Like `dvc repro`, validate and crosscheck are not rerun when what they read is unchanged:
    when tidy and double_entry stage exactly the unmutated copy's tables (a cosmetic variant),
    validate and crosscheck would give exactly the unmutated copy's outputs, which are restored."""
    sys.argv = ["crosscheck"]
    try:
        with contextlib.redirect_stdout(sys.stderr):  # stdout is the protocol
            for stage in (tidy.main, double_entry.main):
                stage()
            if BASELINE and staged_inputs() == BASELINE["inputs"]:
                for path, content in BASELINE["outputs"].items():
                    path.write_bytes(content)
                return [], None
            for stage in (validate.main, crosscheck.main):
                stage()
    except InputError as error:
        return error.problems, None
    except Exception:  # a crash is a finding too: bad input must get a clear error
        return [], traceback.format_exc(limit=3)
    return [], None


def main() -> None:
    root = Path.cwd()
    problems, crash = check()
    if problems or crash:
        raise SystemExit(f"the unmutated copy does not pass: {problems or crash}")
    BASELINE.update(inputs=staged_inputs(), outputs={path: path.read_bytes() for path in (VALIDATION, CHECKS)})
    baseline = published()
    data_files = {path: path.read_bytes() for path in (root / "data").glob("*.csv")}
    print(json.dumps({"ready": True}), flush=True)
    for request in sys.stdin:
        mutant = json.loads(request)
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
                identical = published() == baseline
        finally:
            path.write_bytes(original)
            for data_path, content in data_files.items():
                data_path.write_bytes(content)
        print(json.dumps({"problems": problems, "crash": crash, "identical": identical}), flush=True)


if __name__ == "__main__":
    main()
