"""Check a hand transcription against the text layer it was read from, cell by cell.

An excerpt file holds verbatim lines of a source's text layer under a small header:

    # source_id: <the document's source_id>
    # text_layer_sha256: <sha256 of the whole text file>
    # lines: 104-144

The numbers are re-read from the excerpt by machine: every row label of the transcription is
located in the excerpt (in order), and the tokens between it and the next label must equal the
transcribed cells. The column headers must appear, in order, before the first row. This is
independent of the person who typed the raw file, so a typo in either shows up as a mismatch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipelines.lib.package import RAW, rel, transcribed_fields
from pipelines.lib.raw import InputError, read_raw_csv

Rows = list[tuple[int, str, list[str]]]  # (line, printed label, cells) of each transcribed row


@dataclass(frozen=True)
class Excerpt:
    path: Path
    source_id: str
    text_layer_sha256: str
    first_line: int
    last_line: int
    text: str


def read_excerpt(path: Path) -> Excerpt:
    name = rel(path)
    if not path.is_file():
        raise InputError([f"{name}: excerpt file is missing"])
    try:
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise InputError([f"{name}, byte {exc.start}: not valid UTF-8 ({exc.reason})"]) from None
    lines = text.split("\n")
    header: dict[str, str] = {}
    for line in lines[:3]:
        match = re.fullmatch(r"# (source_id|text_layer_sha256|lines): (\S+)", line.strip())
        if not match:
            raise InputError(
                [f"{name}, line {len(header) + 1}: expected '# source_id:', '# text_layer_sha256:' and '# lines:' header lines"]
            )
        header[match.group(1)] = match.group(2)
    first, _, last = header["lines"].partition("-")
    body = lines[3:]
    if body and body[-1] == "":
        body = body[:-1]
    if not (first.isdigit() and last.isdigit()) or int(last) - int(first) + 1 != len(body):
        raise InputError([f"{name}, line 3: '# lines: {header['lines']}' does not match the {len(body)} lines of the excerpt"])
    return Excerpt(path, header["source_id"], header["text_layer_sha256"], int(first), int(last), "\n".join(body))


def verify_source(excerpt: Excerpt, source_id: str) -> list[str]:
    """The excerpt must say it is from `source_id`'s text layer, with the hash the sources table gives."""
    sources = read_raw_csv(RAW / "reference" / "sources.csv", transcribed_fields("sources"))
    known = {raw.cells["source_id"]: raw.cells["text_layer_sha256"] for raw in sources}
    problems = []
    if excerpt.source_id != source_id:
        problems.append(f"{rel(excerpt.path)}, line 1: source_id {excerpt.source_id!r} is not {source_id!r}")
    if excerpt.text_layer_sha256 != known.get(source_id):
        problems.append(
            f"{rel(excerpt.path)}, line 2: text_layer_sha256 differs from the one data/raw/reference/sources.csv "
            f"gives for {source_id}: the excerpt is not from the text layer the package names"
        )
    return problems


def passed(excerpt: Excerpt, raw_file: str, rows: Rows) -> dict[str, str]:
    """The `checks` row of a transcription whose every cell equals its excerpt."""
    cells = sum(len(cells) for _, _, cells in rows)
    return {
        "check_id": f"excerpt-{Path(raw_file).stem}-{excerpt.source_id}",
        "kind": "excerpt",
        "tool": "excerpt",
        "description": f"{raw_file}: every cell equals the text layer (lines "
        f"{excerpt.first_line}-{excerpt.last_line}, {rel(excerpt.path)})",
        "status": "pass",
        "expected": f"{cells} cells as in the text layer",
        "observed": f"{cells} equal",
        "source_id": excerpt.source_id,
    }


def differing_cells(excerpt: Excerpt, raw_file: str, line: int, columns: list[str], typed: list[str], seen: list[str]) -> list[str]:
    """One problem per cell where the transcription and the excerpt differ."""
    return [
        f"{raw_file}, line {line}, field '{column}': transcribed {t!r}, excerpt {rel(excerpt.path)} reads {s!r}"
        for column, t, s in zip(columns, typed, seen)
        if t != s
    ]


def squash(text: str) -> str:
    """Compare headers without the layout the text layer adds: spaces, line breaks, hyphens
    and the row of '%' unit signs some tables print under their header."""
    return re.sub(r"[\s\-%]+", "", text)


def compare(
    excerpt: Excerpt,
    raw_file: str,
    columns: list[str],
    rows: Rows,
) -> list[str]:
    """Problems where the transcription (rows of (line, printed label, cells)) differs from the excerpt."""
    text = " ".join(excerpt.text.split())
    problems: list[str] = []
    positions = []
    cursor = 0
    for line, label, _ in rows:
        match = re.compile(rf"(?<!\S){re.escape(' '.join(label.split()))}(?!\S)").search(text, cursor)
        if match is None:
            problems.append(f"{raw_file}, line {line}, field 'row': label {label!r} not found (in order) in {rel(excerpt.path)}")
            return problems
        positions.append((match.start(), match.end()))
        cursor = match.end()
    header = text[: positions[0][0]] if positions else ""
    if squash("".join(columns)) not in squash(header):
        problems.append(f"{raw_file}, line 1 (header): columns {columns} do not match the header in {rel(excerpt.path)}")
    for index, (line, label, cells) in enumerate(rows):
        end = positions[index + 1][0] if index + 1 < len(rows) else len(text)
        printed = text[positions[index][1] : end].split()
        if printed != cells:
            problems += differing_cells(excerpt, raw_file, line, columns, cells, printed + [""] * len(cells))
            if len(printed) != len(cells):
                problems.append(
                    f"{raw_file}, line {line}: {len(cells)} cells transcribed, "
                    f"excerpt {rel(excerpt.path)} has {len(printed)} after {label!r}"
                )
    return problems


def compare_tsv(
    excerpt: Excerpt,
    raw_file: str,
    columns: list[str],
    rows: Rows,
) -> list[str]:
    """The same comparison for tables that the text layer keeps tab separated: every line is
    a row label followed by one field per column, so an empty cell is an empty field."""
    lines = [line.split("\t") for line in excerpt.text.split("\n")]
    header = next((i for i, fields in enumerate(lines) if [f.strip() for f in fields[1:]] == columns), None)
    if header is None:
        return [f"{raw_file}, line 1 (header): columns {columns} are not a tab-separated header line of {rel(excerpt.path)}"]
    problems: list[str] = []
    cursor = header + 1
    for line, label, cells in rows:
        found = next((i for i in range(cursor, len(lines)) if lines[i][0].strip() == label), None)
        if found is None:
            problems.append(f"{raw_file}, line {line}, field 'row': label {label!r} not found (in order) in {rel(excerpt.path)}")
            return problems
        cursor = found + 1
        printed = [field.strip() for field in lines[found][1:]]
        printed += [""] * (len(columns) - len(printed))
        if len(printed) > len(columns):
            problems.append(
                f"{raw_file}, line {line}: excerpt {rel(excerpt.path)} has {len(printed)} fields after {label!r}, expected {len(columns)}"
            )
        problems += differing_cells(excerpt, raw_file, line, columns, cells, printed)
    return problems
