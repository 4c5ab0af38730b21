"""Put on PYTHONPATH with KILL_AFTER_REPLACE=<regex> to kill a Python process the moment after an
os.replace whose "<source> -> <target>" the regex finds: os._exit, so no clean-up runs, as when
the machine loses power. No file the pipeline depends on changes, so DVC reruns only what it
would rerun after a real kill (tests/test_safety.py)."""

import os
import re

_WHERE = os.environ.get("KILL_AFTER_REPLACE")
if _WHERE:
    _replace = os.replace

    def _replace_then_die(source, target, *args, **kwargs):
        _replace(source, target, *args, **kwargs)
        if re.search(_WHERE, f"{os.fspath(source)} -> {os.fspath(target)}"):
            os._exit(9)  # the kill under test

    os.replace = _replace_then_die  # type: ignore[assignment]  # the point of this file
