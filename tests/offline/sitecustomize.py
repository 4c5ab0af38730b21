"""Put on PYTHONPATH to forbid network access in a Python process and its children: any
attempt to open an internet socket raises. Local (Unix-domain) sockets still work."""

import socket

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
