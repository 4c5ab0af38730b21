"""Everything in the pipeline that is there only to be fast, in one place.

Each trick changes no output, says why in one line, and has a name in TRICKS; `make bench`
(scripts/bench.py) measures each one's gain by turning it off with
PIPELINES_SLOW=<name>[,<name>...] and writes the figures to docs/BENCHMARKS.md.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import json
import os
import shutil
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from pipelines.lib.files import write_atomic
from pipelines.lib.package import ROOT

TRICKS = {
    "collector": "no garbage collection while a stage imports its libraries; what they made is frozen after",
    "deferred_imports": "crosscheck does not import scipy.stats and altair, which great-expectations imports but never uses here",
    "libyaml": "sidecars are parsed by libyaml's C parser instead of PyYAML's pure-Python one (tidy runs for every mutant)",
    "chart_cache": "report copies a chart drawn before from the same code, libraries and tables instead of drawing it",
    "kept_reports": "a process that validates many copies of the package (tests/stage_server.py) reuses frictionless' "
    "report on a table that it validated before, byte for byte",
    "kept_parses": "the same processes (tests/stage_server.py, tests/mutation_worker.py) reuse the parse of a raw file "
    "that they parsed before, byte for byte (a mutant changes one raw file of about 100)",
    "kept_alphas": "the same processes reuse Krippendorff's alpha of a field whose pairs of entries they computed it for before "
    "(a mutant changes the entries of one file)",
    "kept_checks": "the same process (tests/stage_server.py) reuses great-expectations' outcome on a reconciliation table "
    "that it checked before, equal in every value and type",
}

_SLOW = {name.strip() for name in os.environ.get("PIPELINES_SLOW", "").split(",") if name.strip()}
unknown = _SLOW - TRICKS.keys()
if unknown:
    sys.exit(f"PIPELINES_SLOW: unknown trick(s) {sorted(unknown)}; the tricks are {sorted(TRICKS)}")


def on(trick: str) -> bool:
    """Whether a trick is used in this process (all are, unless PIPELINES_SLOW names it)."""
    return trick not in _SLOW


def stage_process() -> bool:
    """Whether this process is a stage run as `python -m pipelines.stages.<stage>` (argv[0] is
    '-m' while the package imports)."""
    return sys.argv[:1] == ["-m"]


def collector_off_for_imports() -> None:
    """A stage process keeps what its imports make (pandas, great-expectations: 200,000 objects
    and more) until it exits, so the collector's full passes over them during the imports are
    wasted work. Called by pipelines/__init__.py, before any library is imported."""
    if on("collector") and stage_process():
        gc.disable()


def collector_on_for_work() -> None:
    """Freeze what the imports made and turn the collector back on: the Python docs' gc.freeze() idiom."""
    if on("collector") and not gc.isenabled():
        gc.freeze()
        gc.enable()


class _Deferred(types.ModuleType):
    """Stands in for a module until an attribute is first read, then imports the real one."""

    def __getattr__(self, attribute: str) -> object:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attribute)


def defer_import(*names: str) -> None:
    """Import the named modules only when a library first uses them, not when it imports them.

    importlib's LazyLoader cannot stand in for them: on Python 3.11 an `import` statement reads
    the module's __spec__, which loads it. Whatever does use them gets the real module, loaded then."""
    if not on("deferred_imports"):
        return
    for name in names:
        if name not in sys.modules:
            stand_in = _Deferred(name)
            stand_in.__spec__ = importlib.util.find_spec(name)
            sys.modules[name] = stand_in


# yaml.safe_load's loader, with libyaml's parser where PyYAML has it: the same safe constructor
# (no tags, no code).
SAFE_YAML_LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ and on("libyaml") else yaml.SafeLoader


Report = TypeVar("Report")
# frictionless' reports on staged tables by (validate's code, table, its bytes, its schema): a
# report is a function of these alone. None (the default) keeps nothing; tests/stage_server.py
# sets a dict that lives as long as it does, since a broken copy differs from the clean one in
# one or two tables.
KEPT_REPORTS: dict[tuple[bytes, str, bytes, str], object] | None = None


def kept_report(code: Path, name: str, table: Path, schema: str, make: Callable[[], Report]) -> Report:
    """The report `make()` gives, or the one it gave before on the same code, table and schema."""
    if KEPT_REPORTS is None or not on("kept_reports"):
        return make()
    key = (code.read_bytes(), name, table.read_bytes(), schema)
    if key not in KEPT_REPORTS:
        KEPT_REPORTS[key] = make()
    return KEPT_REPORTS[key]  # type: ignore[return-value]


# great-expectations' failing check_ids per reconciliation table, by (crosscheck's code, table name,
# every value and type of the table: table_key): a checkpoint's outcome is a function of these alone. None (the default)
# keeps nothing; tests/stage_server.py sets a dict, as for KEPT_REPORTS: a broken copy that
# reaches crosscheck changes one of the three tables or none.
KEPT_CHECKS: dict[tuple[bytes, str, bytes], set[str]] | None = None


def table_key(table: Any) -> bytes:
    """A pandas table's columns, types, index and values, exactly: JSON writes a float by its
    shortest round-trip repr, and None, NaN and pd.NA stay distinct (a value JSON has no type for
    is written with its type, so pd.NA is not the text '<NA>')."""
    split = table.to_dict("split")
    return json.dumps([split, [str(t) for t in table.dtypes]], default=_typed_repr, allow_nan=True).encode()


def _typed_repr(value: object) -> dict[str, str]:
    return {"type": f"{type(value).__module__}.{type(value).__qualname__}", "repr": repr(value)}


def kept_checks(code: Path, tables: dict[str, Any], check: Callable[[set[str]], dict[str, set[str]]]) -> set[str]:
    """The check_ids failing in `tables`: `check(names)` runs the suites of the named tables and
    gives each one's failing check_ids; tables checked before (same code, same table) are not."""
    if KEPT_CHECKS is None or not on("kept_checks"):
        return set().union(*check(set(tables)).values())
    keys = {name: (code.read_bytes(), name, table_key(table)) for name, table in tables.items()}
    todo = {name for name, key in keys.items() if key not in KEPT_CHECKS}
    if todo:
        for name, failing in check(todo).items():
            KEPT_CHECKS[keys[name]] = failing
    return set().union(*(KEPT_CHECKS[key] for key in keys.values()))


# Charts kept between runs (not a DVC output: DVC neither tracks nor deletes it).
DRAWINGS = ROOT / "build" / "report-cache"


def drawing(name: str, key: str, draw: Callable[[], bytes]) -> tuple[bytes, bool]:
    """A drawing's bytes, and whether it was drawn: the one kept under `key` (a digest of all it
    is drawn from) if there is one, else drawn and kept in place of the older ones of `name`."""
    folder = DRAWINGS / name
    kept = folder / key
    if on("chart_cache") and kept.is_file():
        return kept.read_bytes(), False
    content = draw()
    if on("chart_cache"):
        shutil.rmtree(folder, ignore_errors=True)
        write_atomic(kept, content)
    return content, True


def forget_drawings_except(names: set[str]) -> None:
    """Remove what no drawing of the current code keeps (removed or renamed charts)."""
    if DRAWINGS.is_dir():
        for entry in DRAWINGS.iterdir():
            if entry.name not in names:
                shutil.rmtree(entry, ignore_errors=True)


Kept = TypeVar("Kept")
# Raw files parsed before, by (reader, file, expected columns, its bytes), and Krippendorff's alpha
# by (level, the pairs of entries). None (the default) keeps nothing; tests/stage_server.py and
# tests/mutation_worker.py set dicts, as for KEPT_REPORTS: a broken copy or a mutant differs from
# the clean copy in one or two raw files.
KEPT_PARSES: dict[tuple[object, ...], Any] | None = None
KEPT_ALPHAS: dict[tuple[object, ...], Any] | None = None


def _kept(trick: str, store: dict[tuple[object, ...], Any] | None, key: tuple[object, ...], make: Callable[[], Kept]) -> Kept:
    """`make()`, or what it gave before for `key` (a `make` that raises keeps nothing)."""
    if store is None or not on(trick):
        return make()
    if key not in store:
        store[key] = make()
    return store[key]


def kept_parse(key: tuple[object, ...], content: bytes, parse: Callable[[], Kept], copy: Callable[[Kept], Kept]) -> Kept:
    """What `parse()` gives for `content`, or a copy (the caller may change it) of what it gave
    before for the same key and bytes."""
    if KEPT_PARSES is None or not on("kept_parses"):
        return parse()
    return copy(_kept("kept_parses", KEPT_PARSES, (*key, content), parse))


def kept_alpha(level: str, pairs: list[tuple[str, str]], compute: Callable[[], float | None]) -> float | None:
    """`compute()`, or the alpha computed before for the same level and pairs."""
    return _kept("kept_alphas", KEPT_ALPHAS, (level, tuple(pairs)), compute)
