"""Put on PYTHONPATH to forbid network access in a Python process and its children: any
attempt to open an internet socket raises. Local (Unix-domain) sockets still work.

With RECORD_DEFERRED=<file>, the crosscheck stage's process also writes to <file>, as it exits,
which of the modules it defers (pipelines/lib/speed.py, deferred_imports) it really loaded
(tests/test_package.py reads it from the session's from-scratch build)."""

import atexit
import json
import os
import socket
import sys

_connect = socket.socket.connect


def _refuse(self, address, *args, **kwargs):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        raise OSError(f"network access is blocked in this run (attempted {address!r})")
    return _connect(self, address, *args, **kwargs)


def _no_lookup(*args, **kwargs):
    raise OSError(f"network access is blocked in this run (lookup of {args[0]!r})")


socket.socket.connect = _refuse  # type: ignore[method-assign]  # the point of this file
socket.getaddrinfo = _no_lookup
socket.create_connection = lambda address, *a, **k: _refuse(socket.socket(), address)


_RECORD = os.environ.get("RECORD_DEFERRED")


def _record_deferred() -> None:
    if sys.argv[:1] and sys.argv[0].endswith(os.path.join("stages", "crosscheck.py")):
        loaded = [name for name in ("scipy.stats._stats_py", "altair.vegalite") if name in sys.modules]
        stand_ins = {name: type(sys.modules[name]).__name__ for name in ("scipy.stats", "altair") if name in sys.modules}
        with open(_RECORD, "w", encoding="utf-8") as handle:  # type: ignore[arg-type]  # set when registered
            json.dump({"loaded": loaded, "stand_ins": stand_ins}, handle)


if _RECORD:
    atexit.register(_record_deferred)
