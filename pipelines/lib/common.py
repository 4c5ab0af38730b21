"""What the stages share: paths, reading raw CSVs with their line numbers, atomic writes,
and errors that point at the raw input (file, line, field)."""

from __future__ import annotations

import csv
import gc
import hashlib
import importlib
import importlib.util
import io
import json
import os
import sys
import tempfile
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
SCHEMAS = ROOT / "schemas"
PACKAGE_METADATA = SCHEMAS / "package.json"
STAGING = ROOT / "build" / "tidy"
VALIDATION = ROOT / "build" / "validation.json"
DOUBLE_ENTRY = ROOT / "build" / "double_entry.json"
CHECKS = ROOT / "build" / "checks.csv"
REPORT = ROOT / "build" / "report"
DESCRIPTOR = ROOT / "datapackage.json"

# Staged tables carry these columns so that any later check can name the raw cell a row
# came from; `publish` drops them.
PROVENANCE = ("raw_file", "raw_line", "raw_column")


class InputError(Exception):
    """Bad input. Every problem is one line that names the raw file, the line and the field."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class RawRow:
    """One record of a raw CSV: its cells by column name and the line it starts on."""

    file: str
    line: int
    cells: dict[str, str]


def rel(path: Path) -> str:
    """A path as users see it in messages: relative to the repository, with forward slashes."""
    if path.is_absolute() and ".." not in path.parts and path.is_relative_to(ROOT):
        return path.relative_to(ROOT).as_posix()  # the stages' own paths: no need to ask the file system
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def read_raw_csv(path: Path, columns: Sequence[str]) -> list[RawRow]:
    """Read a hand-typed CSV, strictly: exact header, UTF-8, one value per column.

    Cosmetic variants are normalised (a UTF-8 byte-order mark, CRLF line ends, spaces around
    a cell); anything else that differs from the expected layout is an InputError.
    """
    name = rel(path)
    if not path.is_file():
        raise InputError([f"{name}: file is missing"])
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([f"{name}, byte {exc.start}: not valid UTF-8 ({exc.reason})"]) from None
    if not text.strip():
        raise InputError([f"{name}: file is empty"])
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip() for cell in next(reader)]
    if header != list(columns):
        missing = [c for c in columns if c not in header]
        unexpected = [c for c in header if c not in columns]
        detail = "; ".join(
            part
            for part in (
                f"missing column(s) {missing}" if missing else "",
                f"unexpected column(s) {unexpected}" if unexpected else "",
                "columns out of order" if not (missing or unexpected) else "",
            )
            if part
        )
        raise InputError([f"{name}, line 1 (header): {detail}; expected {list(columns)}"])
    rows, problems = [], []
    start = reader.line_num + 1
    for record in reader:
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(columns):
            problems.append(f"{name}, line {line}: {len(record)} values for {len(columns)} columns")
            continue
        rows.append(RawRow(name, line, {c: v.strip() for c, v in zip(columns, record)}))
    if problems:
        raise InputError(problems)
    return rows


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """The one CSV dialect the package publishes: UTF-8, LF, minimal quoting, header first."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def write_atomic(path: Path, content: bytes) -> None:
    """Replace `path` in one step, so that a reader or a crash never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(tmp, 0o644)  # mkstemp makes files private; published files are for everyone
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def json_bytes(data: object) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def package_metadata() -> dict:
    """The hand-written part of the descriptor: package fields and the list of resources."""
    return load_json(PACKAGE_METADATA)


# Resources that later stages make from the checks themselves, not from raw files.
CHECK_RESOURCES = {"checks": CHECKS}


def resource_names() -> list[str]:
    return [resource["name"] for resource in package_metadata()["resources"]]


def data_resource_names() -> list[str]:
    """Resources built from the raw transcriptions by `tidy`."""
    return [name for name in resource_names() if name not in CHECK_RESOURCES]


def table_schema(name: str) -> dict:
    return load_json(SCHEMAS / f"{name}.schema.json")


def field_names(name: str) -> list[str]:
    return [field["name"] for field in table_schema(name)["fields"]]


def staged(raw: RawRow, column: str = "", **fields: object) -> dict[str, str]:
    row = {key: ("" if value is None else str(value)) for key, value in fields.items()}
    return {**row, "raw_file": raw.file, "raw_line": str(raw.line), "raw_column": column}


# yaml.safe_load's loader with libyaml's parser where PyYAML has it: the pure-Python parser was
# most of tidy's time. Same safe constructor: no tags, no code.
SAFE_YAML_LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


def load_yaml(path: Path) -> dict:
    """A sidecar: YAML read safely (no tags, no code), tolerating a byte-order mark and CRLF."""
    if not path.is_file():
        raise InputError([f"{rel(path)}: sidecar file is missing"])
    try:
        data = yaml.load(path.read_bytes().decode("utf-8-sig"), Loader=SAFE_YAML_LOADER)
    except UnicodeDecodeError as exc:
        raise InputError([f"{rel(path)}, byte {exc.start}: not valid UTF-8 ({exc.reason})"]) from None
    except yaml.YAMLError as exc:
        raise InputError([f"{rel(path)}: not valid YAML ({exc})"]) from None
    if not isinstance(data, dict):
        raise InputError([f"{rel(path)}: expected a mapping of sidecar fields"])
    return data


def raw_columns(name: str) -> list[str]:
    """Columns a raw file of this resource has: the published ones, less the source_id that
    the folder it lives in already says."""
    return [field for field in transcribed_fields(name) if field != "source_id"]


def transcribed_fields(name: str) -> list[str]:
    """A resource's fields less the provenance the pipeline adds (raw_file, raw_line, raw_column)."""
    return [field for field in field_names(name) if field not in PROVENANCE]


def staged_header(name: str) -> list[str]:
    """A staged table's columns: the published ones, then the provenance ones it does not publish."""
    fields = field_names(name)
    return [*fields, *(column for column in PROVENANCE if column not in fields)]


def staged_path(name: str) -> Path:
    return CHECK_RESOURCES.get(name, STAGING / f"{name}.csv")


def read_rows(path: Path) -> list[dict[str, str]]:
    """A CSV the pipeline wrote, as string cells by column name."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_staged(name: str) -> list[dict[str, str]]:
    """A staged table as string cells, provenance columns included."""
    return read_rows(staged_path(name))


# Published fields that come from the cell of a printed table (the others come from its row,
# its column or its sidecar), so a problem with them is fixed in that raw column.
CELL_FIELDS = {
    "value_pct",
    "value_status",
    "printed",
    "comparator",
    "indicative",
    "base_n",
    "ci95_low_pct",
    "ci95_high_pct",
    "position",
    "cell_status",
    "value",
    "evidence_quote",
}


def where(row: dict[str, str], field: str | None = None) -> str:
    """'file, line N, field F' for a staged row: where a person fixes the problem."""
    text = f"{row.get('raw_file') or '?'}, line {row.get('raw_line') or '?'}"
    raw_column = row.get("raw_column")
    if field and raw_column and field in CELL_FIELDS:
        text += f", field '{raw_column}'"
        if raw_column != field:
            text += f" (published as '{field}')"
    elif field and raw_column:
        text += f" (published field '{field}', from the sidecar)"
    elif field:
        text += f", field '{field}'"
    return text


class _Deferred(types.ModuleType):
    """Stands in for a module until an attribute is first read, then imports the real one."""

    def __getattr__(self, attribute: str):
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attribute)


def defer_import(*names: str) -> None:
    """Import the named modules only when a library first uses them, not when it imports them.

    great-expectations imports scipy.stats and altair (about 1 s of its 3 s) for statistical
    expectations and charts that `crosscheck` never runs. importlib's LazyLoader cannot stand in
    for them: on Python 3.11 an `import` statement reads the module's __spec__, which loads it.
    Whatever does use them gets the real module, loaded then."""
    for name in names:
        if name not in sys.modules:
            stand_in = _Deferred(name)
            stand_in.__spec__ = importlib.util.find_spec(name)
            sys.modules[name] = stand_in


MAX_SHOWN = 60


def run(stage) -> None:
    """Run a stage's work; bad input ends it with one line per problem and exit status 1.

    Run as `python -m pipelines.<stage>` (the stage is __main__), the process then ends without
    Python's teardown of every object the libraries made: that took 0.4 s of each crosscheck
    run, for nothing (every file is written and closed by then; make bench measures it).
    Called by another program (tests/stage_server.py), it returns or raises SystemExit."""
    main = getattr(stage, "__module__", None) == "__main__"
    if main:  # pipelines/__init__.py turned the collector off for the imports
        gc.freeze()
        gc.enable()
    code = 0
    try:
        stage()
    except InputError as error:
        print(f"{len(error.problems)} problem(s) in the input; nothing was published:", file=sys.stderr)
        for problem in error.problems[:MAX_SHOWN]:
            print(f"  {problem}", file=sys.stderr)
        if len(error.problems) > MAX_SHOWN:
            print(f"  ... and {len(error.problems) - MAX_SHOWN} more", file=sys.stderr)
        code = 1
    if main:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    if code:
        sys.exit(code)
