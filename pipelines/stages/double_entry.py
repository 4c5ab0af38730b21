"""Stage `double_entry`: every first entry against its independent second entry.

The raw transcriptions (first entries) and the second transcriptions and readings
(data/raw/<source>/second_*.csv, typed by other people without seeing ours) are compared here,
in the pipeline, not only in the tests:

- table cells, cell by cell: the Ipsos tables against second_transcription.csv, the Clingendael
  matrices against second_transcription_cells.csv;
- the Clingendael lost cells: the first reading (lost_cells.csv) against the second
  (second_reading_lost_cells.csv); where they differ, a third reading
  (third_reading_lost_cells.csv) adjudicates (`adjudicate`, also used by `tidy` to publish);
- prose figures: every figure an independent extraction found (second_transcription*.csv) must
  be in a staged row of its source, or listed with a reason in its left_out.csv.

Each comparison becomes a row of the `checks` resource (kind double_entry). A disagreement that
is not a registered outcome stops the pipeline, naming both entries' file, line and field.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from pipelines.common import (
    DOUBLE_ENTRY,
    RAW,
    InputError,
    RawRow,
    json_bytes,
    read_raw_csv,
    read_staged,
    rel,
    run,
    write_atomic,
)

IPSOS = "ipsos-io-2025-06-navo"
CLINGENDAEL = "clingendael-2025-10-kantelpunt"
PROSE_SOURCES = ("iob-2025-samen-sterker", "kamerbrief-2025-navo-top", "aiv-2025-briefadvies-navo-top")
PROSE_RESOURCES = ("fair_shares", "mission_contributions", "force_requirements", "financial_figures", "spending_norms", "industry_shares")
IPSOS_TABLES = {
    "tabel_1_1": "Tabel 1.1",
    "tabel_1_2": "Tabel 1.2",
    "tabel_2_3": "Tabel 2.3",
    "tabel_2_1": "Tabel 2.1",
    "tabel_3_1": "Tabel 3.1",
}
MATRIX_PARTIES = ["BBB", "CDA", "CU", "D66", "DENK", "FVD", "GL-PvdA", "JA21", "NSC", "PvdD", "PVV", "SGP", "SP", "Volt", "VVD"]
LOST = "LOST"  # how the second reading writes a cell the prose does not settle

Entry = tuple[str, int, str, str]  # (file, line, field, value)


def at(entry: Entry) -> str:
    file, line, field, value = entry
    return f"{file}, line {line}, field '{field}': {value!r}"


def compare(first: dict[tuple, Entry], second: dict[tuple, Entry], what: str) -> list[str]:
    """One problem per key where the two entries differ or only one has the key."""
    problems = []
    for key in sorted(first.keys() | second.keys(), key=str):
        a, b = first.get(key), second.get(key)
        if a and b and a[3] != b[3]:
            problems.append(f"{at(a)} but {at(b)}: the two entries of {what} {key} disagree")
        elif a and not b:
            problems.append(f"{at(a)}: {what} {key} has no second entry in {second_file(second)}")
        elif b and not a:
            problems.append(f"{at(b)}: {what} {key} is in the second entry only")
    return problems


def second_file(entries: dict[tuple, Entry]) -> str:
    return next(iter(entries.values()))[0] if entries else "the second transcription"


def check(check_id: str, description: str, source_id: str, compared: int) -> dict[str, str]:
    """The checks row of a comparison; only passing ones are published (a disagreement stops the run)."""
    return {
        "check_id": check_id,
        "kind": "double_entry",
        "tool": "double_entry",
        "description": description,
        "status": "pass",
        "expected": f"{compared} as in the second entry",
        "observed": f"{compared} equal",
        "source_id": source_id,
    }


# ---- tables ---------------------------------------------------------------------------------


def ipsos_tables() -> tuple[list[dict], list[str]]:
    folder = RAW / IPSOS
    second = read_raw_csv(
        folder / "second_transcription.csv", ["locator", "row_label", "column_label", "value", "comparator", "quote", "note"]
    )
    checks, problems = [], []
    for stem, locator in IPSOS_TABLES.items():
        raw = read_table(folder / f"{stem}.csv")
        first = {(r.cells["row"], c): (r.file, r.line, c, v) for r in raw for c, v in r.cells.items() if c != "row"}
        theirs = {
            (r.cells["row_label"], r.cells["column_label"]): (r.file, r.line, "value", r.cells["value"])
            for r in second
            if r.cells["locator"] == locator and r.cells["column_label"]
        }
        found = compare(first, theirs, f"{locator} cell")
        problems += found
        checks.append(
            check(
                f"double-entry-{stem.replace('_', '-')}-{IPSOS}",
                f"{rel(folder / f'{stem}.csv')}: every cell against the independent second transcription (second_transcription.csv)",
                IPSOS,
                len(first),
            )
        )
    return checks, problems


def clingendael_tables() -> tuple[list[dict], list[str]]:
    folder = RAW / CLINGENDAEL
    second = read_raw_csv(folder / "second_transcription_cells.csv", ["table", "section", "item", "party", "value"])
    checks, problems = [], []
    for number in range(1, 7):
        raw = read_table(folder / f"tabel_{number}.csv")
        theirs = {
            (r.cells["item"].removeprefix("<i>").removesuffix("</i>"), r.cells["party"]): (r.file, r.line, "value", r.cells["value"])
            for r in second
            if r.cells["table"] == str(number)
        }
        # section header rows are empty in ours and absent in theirs
        first = {
            (r.cells["row"], p): (r.file, r.line, p, r.cells[p])
            for r in raw
            for p in MATRIX_PARTIES
            if (r.cells["row"], p) in theirs or r.cells[p]
        }
        found = compare(first, theirs, f"Tabel {number} cell")
        problems += found
        checks.append(
            check(
                f"double-entry-tabel-{number}-{CLINGENDAEL}",
                f"{rel(folder / f'tabel_{number}.csv')}: every printed cell "
                "against the independent second transcription (second_transcription_cells.csv)",
                CLINGENDAEL,
                len(first),
            )
        )
    return checks, problems


def read_table(path) -> list[RawRow]:
    """A raw table with whatever party or wave columns its header has (the tidy stage checks the header)."""
    header = next(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    return read_raw_csv(path, [h.strip() for h in header])


# ---- lost cells: two readings, and a third where they differ --------------------------------


@dataclass(frozen=True)
class Reading:
    position: str  # '' when the reader leaves the cell lost
    quote: str
    locator: str
    note: str
    row: RawRow


FIRST_COLUMNS = ["table", "item", "party", "position", "evidence_locator", "evidence_quote", "note"]


def readings() -> tuple[dict, dict, dict]:
    """(first, second, third) readings of the lost cells, by (table, item, party)."""
    folder = RAW / CLINGENDAEL
    problems: list[str] = []

    def by_cell(rows: list[RawRow], key, reading) -> dict:
        out: dict = {}
        for row in rows:
            if key(row) in out:
                problems.append(
                    f"{row.file}, line {row.line}: cell {key(row)} is read twice in one file (also line {out[key(row)].row.line})"
                )
            out[key(row)] = reading(row)
        return out

    def first_key(r: RawRow) -> tuple:
        return r.cells["table"], r.cells["item"], r.cells["party"]

    def evidence(r: RawRow) -> Reading:
        return Reading(r.cells["position"], r.cells["evidence_quote"], r.cells["evidence_locator"], r.cells["note"], r)

    first = by_cell(read_raw_csv(folder / "lost_cells.csv", FIRST_COLUMNS), first_key, evidence)
    second = by_cell(
        read_raw_csv(folder / "second_reading_lost_cells.csv", ["table", "item", "party", "position", "quote", "note"]),
        lambda r: (f"Tabel {r.cells['table']}", r.cells["item"].replace(" ⁹", ""), r.cells["party"]),
        lambda r: Reading("" if r.cells["position"] == LOST else r.cells["position"], r.cells["quote"], "", r.cells["note"], r),
    )
    third = by_cell(read_raw_csv(folder / "third_reading_lost_cells.csv", FIRST_COLUMNS), first_key, evidence)
    if problems:
        raise InputError(problems)
    return first, second, third


def adjudicate() -> tuple[dict[tuple, tuple[Reading, str]], list[dict], list[str]]:
    """The reading published for each lost cell with the rule that chose it, the check rows, and
    the problems: the first and second readings decide where they agree; where they differ, the
    third reading decides if it agrees with one of them, and the cell stays lost if it agrees
    with neither. A disagreement without a third reading stops the pipeline."""
    first, second, third = readings()
    chosen, problems = {}, []
    agreed = resolved = 0
    for key in sorted(first.keys() | second.keys()):
        a, b = first.get(key), second.get(key)
        if not (a and b):
            one = a or b
            problems.append(f"{one.row.file}, line {one.row.line}: cell {key} is read in one reading only")
            continue
        if a.position == b.position:
            agreed += 1
            chosen[key] = (a, "both readings agree")
            continue
        c = third.get(key)
        if c is None:
            problems.append(
                f"{a.row.file}, line {a.row.line}, field 'position': {a.position or 'lost'!r} but {b.row.file}, line {b.row.line}, "
                f"field 'position': {b.position or LOST!r}: the readings of {key} disagree and "
                f"{rel(RAW / CLINGENDAEL / 'third_reading_lost_cells.csv')} has no third reading"
            )
            continue
        resolved += 1
        if c.position in (a.position, b.position):
            chosen[key] = (
                c,
                f"the third reading decides ({c.position or 'lost'}; first {a.position or 'lost'}, second {b.position or 'lost'})",
            )
        else:
            chosen[key] = (
                Reading("", "", "", c.note, c.row),
                f"three different readings (first {a.position or 'lost'}, "
                f"second {b.position or 'lost'}, third {c.position or 'lost'}): lost",
            )
    for key in third.keys() - chosen.keys():
        if key in first and key in second and first[key].position == second[key].position:
            problems.append(f"{third[key].row.file}, line {third[key].row.line}: cell {key} has a third reading, but the first two agree")
        elif key not in first:
            problems.append(f"{third[key].row.file}, line {third[key].row.line}: cell {key} is not a lost cell")
    checks = [
        {
            "check_id": f"double-entry-lost-cells-{CLINGENDAEL}",
            "kind": "double_entry",
            "tool": "double_entry",
            "description": "lost matrix cells: first reading (lost_cells.csv) against an independent second reading "
            "(second_reading_lost_cells.csv); a third reading (third_reading_lost_cells.csv) decides where they differ",
            "status": "pass",
            "expected": f"{len(first)} cells read twice",
            "observed": f"{agreed} agree; {resolved} differ and are decided by the third reading",
            "source_id": CLINGENDAEL,
        }
    ]
    return chosen, checks, problems


# ---- prose: every figure an extraction found is published or left out ------------------------


def squash(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("**", "").split()).lower()


def numbers(text: str) -> set[str]:
    found = {m.replace(".", "").replace(",", ".") for m in re.findall(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?", text)}
    return {n.rstrip("0").rstrip(".") if "." in n else n for n in found}


def overlaps(a: str, b: str) -> bool:
    return a in b or b in a or (len(a) > 30 and a[:30] in b) or (len(b) > 30 and b[:30] in a) or (len(a) > 30 and a[-30:] in b)


def left_out(source_id: str) -> list[tuple[str, str]]:
    path = RAW / source_id / "left_out.csv"
    if not path.is_file():
        return []
    return [
        (squash(r.cells["quote"]), squash(" ".join(r.cells.values())))
        for r in read_raw_csv(path, ["locator", "printed", "quote", "reason"])
    ]


def prose_figures() -> tuple[list[dict], list[str]]:
    staged = {name: read_staged(name) for name in PROSE_RESOURCES}
    checks, problems = [], []
    for source_id in PROSE_SOURCES:
        ours = [
            (squash(row[q]), squash(" ".join(row.values())))
            for name in PROSE_RESOURCES
            for row in staged[name]
            if row["source_id"] == source_id
            for q in ("quote", "inputs_quote")
            if row.get(q)
        ]
        ours += left_out(source_id)
        ours = [(q, text, numbers(text)) for q, text in ours]  # compared with every figure: parsed once
        for path in sorted((RAW / source_id).glob("second_transcription_*.csv")):
            found, compared = [], 0
            extraction = read_table(path)
            missing = [c for c in ("category", "printed", "quote") if extraction and c not in extraction[0].cells]
            if missing:
                raise InputError([f"{rel(path)}, line 1 (header): missing column(s) {missing}"])
            for figure in extraction:
                if figure.cells["category"] == "other_number":
                    continue
                compared += 1
                # the text layer glues footnote numbers to a sentence's full stop ('Roemenië.313')
                quote = re.sub(r"\.\d{1,3}$", ".", squash(figure.cells["quote"]))
                wanted = numbers(figure.cells["printed"]) or {squash(figure.cells["printed"])}
                if not any(overlaps(quote, q) and (wanted & found_in or any(w in text for w in wanted)) for q, text, found_in in ours):
                    found.append(
                        f"{figure.file}, line {figure.line}, field 'printed': {figure.cells['printed']!r} ({figure.cells['quote'][:60]!r}) "
                        f"is in no staged row of {source_id} and not in data/raw/{source_id}/left_out.csv"
                    )
            problems += found
            checks.append(
                check(
                    f"double-entry-{path.stem.replace('_', '-')}-{source_id}",
                    f"every figure of the independent extraction {rel(path)} is published or listed in left_out.csv",
                    source_id,
                    compared,
                )
            )
    return checks, problems


def ipsos_prose() -> tuple[list[dict], list[str]]:
    folder = RAW / IPSOS
    ours = [
        (r["printed"], r["quote"])
        for name in ("poll_results", "claims")
        for r in read_staged(name)
        if r["source_id"] == IPSOS and r.get("quote")
    ]
    ours += [(r["value_number"] or r["value_text"], r["quote"]) for r in read_staged("poll_method")]
    ours += [
        (r.cells["printed"], r.cells["quote"]) for r in read_raw_csv(folder / "left_out.csv", ["locator", "printed", "quote", "reason"])
    ]
    ours = [(squash(printed), squash(q)) for printed, q in ours]  # compared with every figure: squashed once
    found, compared = [], 0
    for theirs in read_raw_csv(
        folder / "second_transcription.csv", ["locator", "row_label", "column_label", "value", "comparator", "quote", "note"]
    ):
        if theirs.cells["column_label"] or theirs.cells["locator"].startswith("Tabel"):
            continue
        compared += 1
        quote = squash(theirs.cells["quote"])
        value = theirs.cells["value"]
        match = re.match(r"\d+(?:[.,]\d+)*", value.strip())
        values = {match.group(0).replace(".", "").replace(",", ".") if match else squash(value), squash(value)}
        if not any((q in quote or quote in q or quote[:15] in q) and any(v in printed or v in q for v in values) for printed, q in ours):
            found.append(
                f"{theirs.file}, line {theirs.line}, field 'value': {value!r} ({theirs.cells['quote'][:60]!r}) is in no staged row "
                f"of {IPSOS} and not in {rel(folder / 'left_out.csv')}"
            )
    return [
        check(
            f"double-entry-prose-{IPSOS}",
            "every prose number of the independent second transcription (second_transcription.csv) is published or listed in left_out.csv",
            IPSOS,
            compared,
        )
    ], found


def main() -> None:
    checks, problems = [], []
    for compare_entries in (ipsos_tables, ipsos_prose, clingendael_tables, prose_figures):
        try:
            found, wrong = compare_entries()
        except InputError as error:
            problems += error.problems
            continue
        checks += found
        problems += wrong
    try:
        _, lost_checks, wrong = adjudicate()
        checks += lost_checks
        problems += wrong
    except InputError as error:
        problems += error.problems
    if problems:
        raise InputError(problems)
    write_atomic(DOUBLE_ENTRY, json_bytes(checks))
    print(f"double_entry: {len(checks)} comparisons of first and second entries agree")


if __name__ == "__main__":
    run(main)
