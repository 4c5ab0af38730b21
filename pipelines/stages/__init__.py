"""The six DVC stages, in the order dvc.yaml runs them: tidy -> double_entry -> validate ->
crosscheck -> report -> publish. Each is a module with a `main()`, run by `run()` as
`python -m pipelines.stages.<stage>`; only `publish` writes to data/."""

from __future__ import annotations

import sys
from collections.abc import Callable

from pipelines.lib import speed
from pipelines.lib.raw import InputError

MAX_SHOWN = 60


def run(stage: Callable[[], None]) -> None:
    """Run a stage's work; bad input ends it with one line per problem and exit status 1
    (SystemExit, so that tests/stage_server.py, which calls it in-process, sees the same)."""
    if getattr(stage, "__module__", None) == "__main__":  # run as python -m pipelines.stages.<stage>
        speed.collector_on_for_work()
    try:
        stage()
    except InputError as error:
        print(f"{len(error.problems)} problem(s) in the input; nothing was published:", file=sys.stderr)
        for problem in error.problems[:MAX_SHOWN]:
            print(f"  {problem}", file=sys.stderr)
        if len(error.problems) > MAX_SHOWN:
            print(f"  ... and {len(error.problems) - MAX_SHOWN} more", file=sys.stderr)
        sys.exit(1)
