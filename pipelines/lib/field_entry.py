"""Field-level double entry: every value cell of a hand-typed file against an independent,
blind second entry of the same cell, and a third reading wherever the two disagreed.

What is entered twice. A first-entry file (data/raw/<folder>/<file>) has three kinds of column:

- key columns, which name a row: the file's own id (`figure_id`, `wave`, `party_id` ...) or,
  in a file without one, its locator and quote. The second reader is given them, to find the
  sentence in the text layer; they are the first entry's names, not something to read again.
- verbatim columns (VERBATIM): quotes, locators, the words as printed, notes, English
  descriptions. Copied from the document word for word, they are checked against its text layer
  by `make verify-sources`, not entered twice.
- links to the first entry's own rows (LINKS: a claim's discrepancy_id, a discrepancy's
  check_ids, a requirement's derived_from), checked by the foreign keys and cross-checks.
- every other column is a value (a number, unit, scale, currency, comparator, year, date, n,
  classification, party, question, wave, crosswalk id ...): entered again, blind, in
  data/raw/<folder>/second_entry/<file>, and compared field by field.

A table's sidecar (tabel_*.meta.yaml) is entered the same way, flattened to one row per value
(`path` = the YAML keys, joined by '/', such as `columns/PVV/respondent_group`): which printed
column is which party, wave or answer, the base n, the legend, how to read an empty cell.

Adjudication. Where the first and second entry disagreed, a third reader, who saw neither,
read the cell again: data/raw/<folder>/second_entry/third_reading.csv has one row per such
cell, with the first and second entries as they were, the third reading, and a note. The first
entry must then hold the third reading's value (corrected where the third reading sided with
the second). Every disagreement without such a row stops the pipeline, naming both entries'
file, line and field; so does a row only one entry has.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipelines.lib import speed
from pipelines.lib.package import rel, table_schema
from pipelines.lib.raw import InputError, RawRow, load_yaml, read_raw_csv

SECOND = "second_entry"
THIRD_READING = "third_reading.csv"
THIRD_READING_COLUMNS = ("file", "key", "field", "first_entry", "second_entry", "third_reading", "note")

# words copied as printed or written by us in English: checked against the text layers by
# `make verify-sources` (a quote, and the printed words inside it), or free text
VERBATIM = frozenset(
    {
        "locator",
        "quote",
        "printed",
        "note",
        "notes",
        "description_en",
        "text_nl",
        "text_en",
        "item_en",
        "answer_en",
        "name_en",
        "title",
        "title_en",
        "title_note",
        "published_note",
        "authors",
        "reuse_terms_quote",
        "reuse_terms_en",
        "base_description",
        "partyfacts_name",
        "label_as_printed",
        "inputs_locator",
        "inputs_quote",
        "left_locator",
        "left_quote",
        "right_locator",
        "right_quote",
        "evidence_locator",
        "evidence_quote",
        "input_source",
        "total_scope",
        "nl_printed",
        "total_printed",
        "stated_printed",
        "quantity_printed",
        "period_printed",
        "what_en",
    }
)
# fields whose value is a set, written as ';'-separated items in any order
SET_FIELDS = frozenset({"claimed_parties", "party_ids"})
# names of the first entry's own rows, given to the second reader with the row
LINKS = frozenset({"discrepancy_id", "check_ids", "derived_from"})
# sidecar keys whose values are verbatim or free text, or (`values`: whether the cells print a
# '%') say how to read the printed cells, which tidy re-reads from the excerpt and stops on
SIDECAR_VERBATIM = frozenset(
    {
        "values",
        "locator",
        "title",
        "caption",
        "notes",
        "note",
        "footnotes",
        "excerpt",
        "stub",
        "legend_printed",
        "wave_label",
        "printed_as",
        "table_id",
    }
)
# files of a folder that are not first entries of published value cells
# lost cells: read twice and thrice in their own files; non_figures.csv: what the number ledger of
# `make verify-sources` (scripts/ledger.py) counts as no figure, patterns over the documents' text
NOT_ENTRIES = ("left_out.csv", "lost_cells.csv", "non_figures.csv")


# the published resource a first-entry file is typed for, where its name does not say it
FILE_RESOURCES = {
    "questions.csv": "poll_questions",
    "waves.csv": "poll_waves",
    "method.csv": "poll_method",
    "text_values.csv": "poll_results",
    "comparisons.csv": "claims",
    "projections_text.csv": "party_fiscal_projections",
    "party_crosswalk.csv": "parties",
}


@dataclass(frozen=True)
class EnteredFile:
    """A first-entry file, the key that names its rows and the resource it is typed for."""

    path: Path
    key: tuple[str, ...]
    resource: str

    @property
    def second_path(self) -> Path:
        return self.path.parent / SECOND / (self.path.name.replace(".meta.yaml", ".meta.csv"))

    @property
    def is_sidecar(self) -> bool:
        return self.path.name.endswith(".meta.yaml")


def entered_files(folder: Path, table_resource: str = "") -> list[EnteredFile]:
    """The first-entry files of a raw folder whose value cells are entered twice field by field:
    its CSVs (not the printed tables, whose cells have their own second transcription, nor the
    second and third readings) and the sidecars of its tables, which `table_resource` holds."""
    found = []
    for path in sorted(folder.glob("*.csv")):
        name = path.name
        if name in NOT_ENTRIES or name.startswith(("tabel_", "second_", "third_")):
            continue
        found.append(EnteredFile(path, row_key(path), FILE_RESOURCES.get(name, path.stem)))
    for path in sorted(folder.glob("tabel_*.meta.yaml")):
        found.append(EnteredFile(path, ("locator", "path"), table_resource))
    return found


def header(path: Path) -> list[str]:
    """A CSV's header; an unreadable or empty file is an InputError naming it."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([f"{rel(path)}, byte {exc.start}: not valid UTF-8 ({exc.reason})"]) from None
    first = next(csv.reader(io.StringIO(text)), None)
    if not first:
        raise InputError([f"{rel(path)}, line 1: the file is empty (no header)"])
    return [h.strip() for h in first]


# first-entry files whose rows have no id of their own (their first column is a value)
WITHOUT_ID = ("text_values.csv", "projections_text.csv")


def row_key(path: Path) -> tuple[str, ...]:
    """A file's own id (its first column), else, where its rows have none, its locator and quote."""
    if path.name in WITHOUT_ID:
        return ("locator", "quote")
    return (header(path)[0],)


def value_columns(columns: list[str], key: tuple[str, ...]) -> list[str]:
    return [c for c in columns if c not in key and c not in VERBATIM and c not in LINKS]


def context_columns(columns: list[str], key: tuple[str, ...]) -> list[str]:
    """What the second reader is given with each row besides its key: where it is and what it says."""
    return [c for c in ("locator", "quote", "inputs_quote") if c in columns and c not in key]


# ---- sidecars as rows ---------------------------------------------------------------------------


def sidecar_values(data: dict) -> Iterator[tuple[str, str]]:
    """(path, value) of every value of a sidecar, in its order."""

    def walk(node: object, path: tuple[str, ...]) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            for key, value in node.items():
                if str(key) in SIDECAR_VERBATIM or str(key).endswith("_en"):
                    continue
                yield from walk(value, (*path, str(key)))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, (*path, str(i)))
        else:
            yield "/".join(path), scalar(node)

    yield from walk(data, ())


def scalar(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def first_rows(entered: EnteredFile) -> list[RawRow]:
    """The first entry as rows: a CSV as it is, a sidecar flattened (line = the sidecar's line of
    the value is not kept by the YAML reader: 0)."""
    if not entered.is_sidecar:
        return read_raw_csv(entered.path, header(entered.path))
    data = load_yaml(entered.path)
    locator = str(data.get("locator", ""))
    return [RawRow(rel(entered.path), 0, {"locator": locator, "path": p, "value": v}) for p, v in sidecar_values(data)]


def entry_columns(entered: EnteredFile) -> list[str]:
    if entered.is_sidecar:
        return ["locator", "path", "value"]
    return header(entered.path)


def layout(entered: EnteredFile) -> tuple[list[str], list[dict[str, str]]]:
    """The empty layout a blind second reader fills: each row's key and context, value columns empty."""
    columns = entry_columns(entered)
    key = entered.key
    keep = [*key, *context_columns(columns, key)]
    values = value_columns(columns, key)
    rows = [{c: row.cells[c] if c in keep else "" for c in [*keep, *values]} for row in first_rows(entered)]
    return [*keep, *values], rows


# ---- comparison --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Compared:
    """One file's comparison: per field, the pairs (first as entered before adjudication,
    second) of every compared cell, and how many cells a third reading decided."""

    file: str
    resource: str
    pairs: dict[str, list[tuple[str, str]]]
    adjudicated: dict[str, int]
    # the cells where the entries disagree and no third reading decides: (key, field, first, second, row)
    disputed: tuple[tuple[str, str, str, str, RawRow], ...] = ()

    @property
    def cells(self) -> int:
        return sum(1 for pairs in self.pairs.values() for pair in pairs if any(pair))


def keyed(rows: list[RawRow], key: tuple[str, ...], what: str) -> tuple[dict[tuple[str, ...], RawRow], list[str]]:
    """Rows by key; a key given twice is numbered in order of appearance (a quote stated twice)."""
    by_key: dict[tuple[str, ...], RawRow] = {}
    problems = []
    for row in rows:
        k = tuple(row.cells.get(c, "") for c in key)
        if key != ("locator", "quote") and key != ("locator", "path"):
            if k in by_key:
                problems.append(f"{row.file}, line {row.line}, field '{key[0]}': {k[0]!r} is given twice in {what}")
                continue
        else:
            n = 1
            while (*k, str(n)) in by_key:
                n += 1
            k = (*k, str(n))
        by_key[k] = row
    return by_key, problems


def read_third_readings(folder: Path) -> tuple[dict[tuple[str, str, str], RawRow], list[str]]:
    path = folder / SECOND / THIRD_READING
    if not path.is_file():
        return {}, []
    readings: dict[tuple[str, str, str], RawRow] = {}
    problems = []
    for row in read_raw_csv(path, THIRD_READING_COLUMNS):
        k = (row.cells["file"], row.cells["key"], row.cells["field"])
        if k in readings:
            problems.append(f"{row.file}, line {row.line}: a second third reading of {k}")
        readings[k] = row
    return readings, problems


def same_form(field: str, value: str) -> str:
    """A set's items in one order; any other value as it is."""
    return ";".join(sorted(value.split(";"))) if field in SET_FIELDS and value else value


def key_text(key: tuple[str, ...]) -> str:
    return " | ".join(key)


def compare_file(entered: EnteredFile, readings: dict[tuple[str, str, str], RawRow], used: set) -> tuple[Compared, list[str]]:
    """Both entries of one file, field by field."""
    first_name = rel(entered.path)
    second = entered.second_path
    if not second.is_file():
        raise InputError([f"{first_name}: has no second entry ({rel(second)} is missing)"])
    columns = entry_columns(entered)
    values = value_columns(columns, entered.key)
    second_columns = header(second)
    expected = [*entered.key, *context_columns(columns, entered.key), *values]
    # a reading of a free-text column an earlier layout asked for is kept, not compared; anything else is a typo
    missing = [c for c in expected if c not in second_columns]
    unknown = [c for c in second_columns if c not in expected and c not in VERBATIM]
    if missing or unknown:
        raise InputError(
            [f"{rel(second)}, line 1 (header): columns {missing} missing and {unknown} unknown; the layout of {first_name} is {expected}"]
        )
    firsts, problems = keyed(first_rows(entered), entered.key, first_name)
    second_rows = read_raw_csv(second, second_columns)
    if entered.is_sidecar:  # a reading of what the layout no longer asks (a key now read by machine) is kept, not compared
        second_rows = [row for row in second_rows if row.cells["path"].split("/")[-1] not in SIDECAR_VERBATIM]
    seconds, more = keyed(second_rows, entered.key, rel(second))
    problems += more
    pairs: dict[str, list[tuple[str, str]]] = {}
    adjudicated: dict[str, int] = {}
    disputed = []
    for k in sorted(firsts.keys() | seconds.keys(), key=lambda k: ((firsts.get(k) or seconds[k]).line, k)):
        a, b = firsts.get(k), seconds.get(k)
        if a is None and b is not None:
            problems.append(f"{b.file}, line {b.line}: the row {key_text(k)!r} is in the second entry only (not in {first_name})")
            continue
        if b is None and a is not None:
            at = f"{a.file}, line {a.line}" if a.line else a.file
            problems.append(f"{at}: the row {key_text(k)!r} has no second entry in {rel(second)}")
            continue
        assert a is not None and b is not None
        for field in values:
            first_value, second_value = same_form(field, a.cells[field]), same_form(field, b.cells[field])
            kind = sidecar_field(a.cells["path"]) if entered.is_sidecar else field
            pairs.setdefault(kind, [])
            adjudicated.setdefault(kind, 0)
            reading = readings.get((entered.path.name, key_text(k), field))
            at_a = f"{a.file}, line {a.line}" if a.line else f"{a.file} ({k[1]})"
            if reading is not None:
                used.add((entered.path.name, key_text(k), field))
                third = reading.cells
                if third["second_entry"] != second_value:
                    problems.append(
                        f"{reading.file}, line {reading.line}: the third reading of {field!r} of {key_text(k)!r} was made for "
                        f"second entry {third['second_entry']!r}, but {b.file}, line {b.line} now says {second_value!r}"
                    )
                elif first_value != third["third_reading"]:
                    problems.append(
                        f"{at_a}, field '{field}': {first_value!r}, but the third reading ({reading.file}, line {reading.line}) "
                        f"decided {third['third_reading']!r}: correct the first entry"
                    )
                pairs[kind].append((third["first_entry"], second_value))
                if third["first_entry"] != second_value:
                    adjudicated[kind] += 1
                continue
            if first_value != second_value:
                disputed.append((key_text(k), field, first_value, second_value, a))
                problems.append(
                    f"{at_a}, field '{field}': {first_value!r} but {b.file}, line {b.line}, field '{field}': {second_value!r}: "
                    f"the two entries disagree and no third reading in {rel(entered.path.parent / SECOND / THIRD_READING)} decides"
                )
            pairs[kind].append((first_value, second_value))
    return Compared(first_name, entered.resource, pairs, adjudicated, tuple(disputed)), problems


def sidecar_field(path: str) -> str:
    """The kind of value a sidecar path names: 'columns/PVV/respondent_group' is a respondent_group."""
    parts = path.split("/")
    return "sidecar " + ("legend" if parts[0] == "legend" else parts[-1])


def compare_folder(folder: Path, table_resource: str = "") -> tuple[list[Compared], list[str]]:
    """Every entered file of a folder against its second entry, and the third readings all used."""
    readings, problems = read_third_readings(folder)
    used: set = set()
    compared = []
    for entered in entered_files(folder, table_resource):
        try:
            result, found = compare_file(entered, readings, used)
        except InputError as error:
            problems += error.problems
            continue
        compared.append(result)
        problems += found
    for k, row in readings.items():
        if k not in used:
            problems.append(f"{row.file}, line {row.line}: a third reading of {k[2]!r} of {k[1]!r} in {k[0]} names no compared cell")
    return compared, problems


# ---- agreement ---------------------------------------------------------------------------------

AGREEMENT_COLUMNS = ("resource", "field", "entered_in", "cells", "agreed", "percent_agreement", "alpha", "alpha_level", "adjudicated")
NUMBER_TYPES = ("number", "integer", "year")
INTERVAL_SIDECAR_FIELDS = ("sidecar base_n", "sidecar year")


def alpha_level(resource: str, field: str) -> Literal["nominal", "interval"]:
    """interval for numbers (Krippendorff's alpha weighs how far apart two numbers are), else nominal."""
    if field in INTERVAL_SIDECAR_FIELDS:
        return "interval"
    if field.endswith("_id") or field.startswith("position"):  # ids are names, whatever their digits
        return "nominal"
    types = {f["name"]: f.get("type") for f in table_schema(resource)["fields"]} if resource else {}
    return "interval" if types.get(field) in NUMBER_TYPES else "nominal"


def number(text: str) -> float:
    """A cell as a number for an interval alpha ('51%' as printed is 51); a cell that is no number
    ('', '*' not asked) is missing."""
    try:
        return float(text.removesuffix("%"))
    except ValueError:
        return float("nan")


def alpha(pairs: list[tuple[str, str]], level: Literal["nominal", "interval"]) -> float | None:
    """Krippendorff's alpha of two coders over the cells; None where it is undefined (every
    value the same: no disagreement to expect). An empty cell is a value of its own for a
    category and missing for a number."""
    return speed.kept_alpha(level, pairs, lambda: compute_alpha(pairs, level))


def compute_alpha(pairs: list[tuple[str, str]], level: Literal["nominal", "interval"]) -> float | None:
    import krippendorff  # only the double_entry stage needs it (and numpy with it)
    import numpy as np

    if level == "interval":
        rows = [[number(a) for a, _ in pairs], [number(b) for _, b in pairs]]
    else:
        codes: dict[str, int] = {}
        rows = [[float(codes.setdefault(v, len(codes))) for v, _ in pairs], [float(codes.setdefault(v, len(codes))) for _, v in pairs]]
    data = np.array(rows, dtype=float)
    values = data[~np.isnan(data)]
    if values.size == 0 or np.unique(values).size < 2:
        return None
    result = float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))
    return None if np.isnan(result) else round(result, 4)


def agreement_rows(compared: list[Compared]) -> list[dict[str, str]]:
    """One row per resource and field: how often the two independent entries agreed before
    any third reading (cells where both are empty are not counted)."""
    groups: dict[tuple[str, str], tuple[list[tuple[str, str]], int, set[str]]] = {}
    for result in compared:
        pattern = "; ".join(part.rsplit("/", 1)[-1] for part in result.file.split("; "))
        pattern = "tabel_*.meta.yaml" if pattern.endswith(".meta.yaml") else pattern
        for field, pairs in result.pairs.items():
            kept = [pair for pair in pairs if any(pair)]
            all_pairs, decided, where = groups.setdefault((result.resource, field), ([], 0, set()))
            all_pairs += kept
            where.add(pattern)
            groups[(result.resource, field)] = (all_pairs, decided + result.adjudicated.get(field, 0), where)
    rows = []
    for (resource, field), (pairs, decided, where) in sorted(groups.items()):
        if not pairs:
            continue
        agreed = sum(1 for a, b in pairs if a == b)
        level = alpha_level(resource, field)
        value = alpha(pairs, level)
        rows.append(
            {
                "resource": resource,
                "field": field,
                "entered_in": "; ".join(sorted(where)),
                "cells": str(len(pairs)),
                "agreed": str(agreed),
                "percent_agreement": f"{100 * agreed / len(pairs):.1f}",
                "alpha": "" if value is None else f"{value:g}",
                "alpha_level": level,
                "adjudicated": str(decided),
            }
        )
    return rows


# ---- coverage: how each published field is checked ---------------------------------------------

OWN_IDS = frozenset(
    {
        "party_id:parties",
        "question_id:poll_questions",
        "wave:poll_waves",
        "fact_id:poll_method",
        "fair_share_id:fair_shares",
        "contribution_id:mission_contributions",
        "requirement_id:force_requirements",
        "figure_id:financial_figures",
        "norm_id:spending_norms",
        "share_id:industry_shares",
        "count_id:counts",
        "claim_id:claims",
        "discrepancy_id:discrepancies",
        "source_id:sources",
        "table_id:party_positions",
    }
)
PROVENANCE_FIELDS = frozenset({"raw_file", "raw_line", "raw_column", "crosswalk_line", "source_id"})
# published fields that are not typed in a first-entry CSV but come from cells entered twice
# elsewhere: the printed table cells (each compared with an independent second transcription),
# the sidecars (entered twice here) or fields that are, by a rule of the pipeline
DERIVED: dict[str, dict[str, str]] = {
    "parties": {"crosswalk_note": "free text (the crosswalk's note)"},
    "poll_results": {
        "wave_label": "verbatim (the printed column label)",
        "party_id": "respondent_group, where it is a party",
        "value_pct": "the printed table cell (second_transcription.csv) or the printed words of text_values.csv, read by lib/dutch_numbers",
        "value_status": "the printed cell ('*' not asked, '-' not applicable), compared with the second transcription",
        "comparator": "the printed words (lib/dutch_numbers: 'ruim', 'een op vijf')",
        "approximate": "the printed words (lib/dutch_numbers)",
        "value_origin": "the raw file the value comes from (a table or text_values.csv)",
        "indicative": "sidecar indicative, entered twice",
        "base_n": "sidecar base_n and poll_questions.base_n, entered twice",
        "ci95_low_pct": "value_pct and base_n",
        "ci95_high_pct": "value_pct and base_n",
    },
    "party_positions": {
        "section": "the printed section rows of the table (checked against the excerpt) and sidecar section, entered twice",
        "section_en": "free text (English label)",
        "item": "verbatim (the printed row label, checked against the excerpt)",
        "party_id": "the printed column header (a party abbreviation, checked against the excerpt)",
        "position": "the printed cell (second_transcription_cells.csv) through sidecar legend, entered twice; lost cells read three times",
        "cell_status": "whether the printed cell survives (excerpt) and the readings of the lost cells",
    },
    "party_fiscal_projections": {
        "party_id": "the printed column header (checked against the excerpt)",
        "value": "the printed table cell (second_transcription_cells.csv) or the printed words of projections_text.csv",
        "unit": "the printed row label ('% van bbp'), checked against the excerpt",
        "value_status": "the printed cell (an empty cell: not costed by the CPB)",
        "comparator": "the printed words (lib/dutch_numbers)",
    },
    "fair_shares": {"computed_share_pct": "nl_value / total_value, both entered twice"},
    "claims": {
        "claimed_value": "the printed words (lib/dutch_numbers)",
        "approximate": "the printed words (lib/dutch_numbers)",
        "refers_key": "question_id, wave, respondent_group, item and answer (Ipsos) or key (Clingendael), entered twice",
        "compared_key": "refers_key with compared_wave, compared_group and compared_answer (Ipsos comparisons.csv), entered twice",
        "values_printed": "comparisons.csv, entered twice (true for every other claim: their values are printed)",
    },
}
# resources made by the pipeline from its own checks, not typed
MACHINE_RESOURCES = frozenset({"checks", "agreement"})


def coverage(folders: list[tuple[Path, str]]) -> tuple[dict[tuple[str, str], str], list[str]]:
    """How each published field of each typed resource is checked, and the fields that are
    checked no way (neither entered twice, nor derived from what is, nor free text)."""
    from pipelines.lib.package import field_names, resource_names

    entered: dict[tuple[str, str], set[str]] = {}
    for folder, tables_resource in folders:
        for item in entered_files(folder, tables_resource):
            if item.is_sidecar:
                continue
            for column in value_columns(header(item.path), item.key):
                entered.setdefault((item.resource, column), set()).add(f"{folder.name}/{item.path.name}")
    routes: dict[tuple[str, str], str] = {}
    unchecked = []
    for resource in resource_names():
        if resource in MACHINE_RESOURCES:
            continue
        for name in field_names(resource):
            key = (resource, name)
            if key in entered:
                routes[key] = "entered twice: " + ", ".join(sorted(entered[key]))
            elif name in DERIVED.get(resource, {}):
                routes[key] = "from: " + DERIVED[resource][name]
            elif f"{name}:{resource}" in OWN_IDS:
                routes[key] = "own id: the key the second entry is matched by"
            elif name in PROVENANCE_FIELDS:
                routes[key] = "provenance (the raw folder, file and line)"
            elif name in VERBATIM:
                routes[key] = "verbatim or free text: make verify-sources"
            elif name in LINKS:
                routes[key] = "link to the package's own rows: foreign keys and cross-checks"
            else:
                unchecked.append(f"{resource}.{name}")
    return routes, unchecked


def third_reading_notes(folder: Path, tables_resource: str = "") -> dict[tuple[str, str], list[str]]:
    """What the published row's note says of the third readings of its fields, by the raw file
    and line the row was typed on (a sidecar's readings are in its table's notes instead)."""
    readings, _ = read_third_readings(folder)
    if not readings:
        return {}
    notes: dict[tuple[str, str], list[str]] = {}
    for entered in entered_files(folder, tables_resource):
        mine = {(k, f): row for (name, k, f), row in readings.items() if name == entered.path.name}
        if not mine or entered.is_sidecar:
            continue
        firsts, _ = keyed(first_rows(entered), entered.key, rel(entered.path))
        lines = {key_text(k): row.line for k, row in firsts.items()}
        for (k, field), reading in sorted(mine.items(), key=lambda item: item[1].line):
            if k in lines:
                cells = reading.cells
                notes.setdefault((rel(entered.path), str(lines[k])), []).append(
                    f"A third independent reading decided {field}: {cells['third_reading'] or '(empty)'} "
                    f"(first entry {cells['first_entry'] or '(empty)'}, second entry {cells['second_entry'] or '(empty)'})."
                )
    return notes


def add_third_reading_notes(rows: dict[str, list[dict[str, str]]], folders: list[tuple[Path, str]]) -> None:
    """Append to each staged row's note what a third reading decided of its fields."""
    notes: dict[tuple[str, str], list[str]] = {}
    for folder, tables_resource in folders:
        notes.update(third_reading_notes(folder, tables_resource))
    if not notes:
        return
    for staged in rows.values():
        for row in staged:
            said = notes.get((row.get("raw_file", ""), row.get("raw_line", "")))
            column = "note" if "note" in row else "notes" if "notes" in row else None
            if said and column and not row.get("raw_column"):
                row[column] = " ".join([row[column], *said]).strip()
