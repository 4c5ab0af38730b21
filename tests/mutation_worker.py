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
import json
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

from pipelines import crosscheck, double_entry, publish, tidy, validate  # noqa: E402
from pipelines.common import InputError, resource_names  # noqa: E402


def published() -> dict[str, bytes]:
    return {name: publish.published_table(name) for name in resource_names()}


def check() -> tuple[list[str], str | None]:
    """Problems the stages report (empty when they all pass), and a crash's traceback."""
    sys.argv = ["crosscheck"]
    try:
        with contextlib.redirect_stdout(sys.stderr):  # stdout is the protocol
            for stage in (tidy.main, double_entry.main, validate.main, crosscheck.main):
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
