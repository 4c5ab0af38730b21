"""Reading what people typed (raw CSVs and their YAML sidecars) strictly, with the line each
record starts on, and errors that point at the raw input: file, line and field."""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipelines.lib import speed
from pipelines.lib.package import rel
from pipelines.lib.speed import SAFE_YAML_LOADER


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


StagedRow = dict[str, str]


def read_raw_csv(path: Path, columns: Sequence[str]) -> list[RawRow]:
    """Read a hand-typed CSV, strictly: exact header, UTF-8, one value per column.

    Cosmetic variants are normalised (a UTF-8 byte-order mark, CRLF line ends, spaces around
    a cell); anything else that differs from the expected layout is an InputError.
    """
    name = rel(path)
    if not path.is_file():
        raise InputError([f"{name}: file is missing"])
    content = path.read_bytes()
    return speed.kept_parse(("csv", name, tuple(columns)), content, lambda: parse_raw_csv(name, content, columns), copy_rows)


def copy_rows(rows: list[RawRow]) -> list[RawRow]:
    return [RawRow(row.file, row.line, dict(row.cells)) for row in rows]


def parse_raw_csv(name: str, content: bytes, columns: Sequence[str]) -> list[RawRow]:
    try:
        text = content.decode("utf-8-sig")
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


def read_table(path: Path) -> list[RawRow]:
    """A raw table with whatever columns its header has (the builder that reads it checks the header)."""
    header = next(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    return read_raw_csv(path, [h.strip() for h in header])


def load_yaml(path: Path) -> dict:
    """A sidecar: YAML read safely (no tags, no code), tolerating a byte-order mark and CRLF."""
    if not path.is_file():
        raise InputError([f"{rel(path)}: sidecar file is missing"])
    content = path.read_bytes()
    return speed.kept_parse(("yaml", rel(path)), content, lambda: parse_yaml(path, content), copy.deepcopy)


def parse_yaml(path: Path, content: bytes) -> dict:
    try:
        data = yaml.load(content.decode("utf-8-sig"), Loader=SAFE_YAML_LOADER)
    except UnicodeDecodeError as exc:
        raise InputError([f"{rel(path)}, byte {exc.start}: not valid UTF-8 ({exc.reason})"]) from None
    except yaml.YAMLError as exc:
        raise InputError([f"{rel(path)}: not valid YAML ({exc})"]) from None
    if not isinstance(data, dict):
        raise InputError([f"{rel(path)}: expected a mapping of sidecar fields"])
    return data


def staged(raw: RawRow, column: str = "", **fields: object) -> StagedRow:
    """A staged row: its published fields as text, and the raw file, line and column it came from."""
    row = {key: ("" if value is None else str(value)) for key, value in fields.items()}
    return {**row, "raw_file": raw.file, "raw_line": str(raw.line), "raw_column": column}


def copied(raw: RawRow, **fields: object) -> StagedRow:
    """A staged row of a raw file that already has the published columns."""
    return staged(raw, "", **raw.cells, **fields)


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
