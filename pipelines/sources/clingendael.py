"""The Clingendael analysis of the party manifestos (October 2025): its party matrices
(party_positions, party_fiscal_projections), its claims, its money figures and spending norms
(prose resources), and how its second entries and readings of lost cells are compared.

Tables are transcribed as the text layer shows them (colour words, check marks, numbers,
empty cells) with a sidecar per table giving its legend, sections and English labels. A cell
whose colour is lost must be resolved in lost_cells.csv: a position with the verbatim prose
that settles it (cell_status from_text), or no position (cell_status lost).

Its cross-check: the state debt the CPB projects rises from 2030 to 2060 for every party and
the baseline, as the prose says.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from pipelines.lib import excerpts
from pipelines.lib.dutch_numbers import format_value, read_cell, read_printed
from pipelines.lib.field_entry import Compared
from pipelines.lib.package import RAW, rel
from pipelines.lib.raw import InputError, RawRow, StagedRow, load_yaml, read_raw_csv, read_table, staged
from pipelines.lib.second_entry import check, compare
from pipelines.sources import PARTIES, Check, CheckRow, CrossCheck, Document, Found, Input, Restated, Staged, staged_together

SOURCE_ID = "clingendael-2025-10-kantelpunt"
FOLDER = RAW / SOURCE_ID
TABLES = ("tabel_1", "tabel_2", "tabel_3", "tabel_4", "tabel_5", "tabel_6")
LOST = "LOST"  # how the second reading writes a cell the prose does not settle


def lost_cells() -> dict[tuple[str, str, str], tuple[Reading, str]]:
    """The reading published for each lost cell, and the rule that chose it (adjudicate)."""
    chosen, _, problems = adjudicate()
    if problems:
        raise InputError(problems)
    return chosen


def table_cells(stem: str, resolved: dict, used: set) -> tuple[list[StagedRow], list[StagedRow], list[str], list[CheckRow]]:
    """(party_positions rows, party_fiscal_projections rows, problems, check rows) of one table."""
    meta = load_yaml(FOLDER / f"{stem}.meta.yaml")
    rows_meta: dict[str, dict] = meta["rows"]
    path = FOLDER / f"{stem}.csv"
    name = rel(path)
    raw_rows = read_raw_csv(path, ["row", *PARTIES])
    labels = [raw.cells["row"] for raw in raw_rows]
    problems = [
        f"{name}, line {raw.line}, field 'row': {raw.cells['row']!r} is not a row of {stem}.meta.yaml"
        for raw in raw_rows
        if raw.cells["row"] not in rows_meta
    ]
    problems += [f"{name}: row {label!r} of {stem}.meta.yaml is missing" for label in rows_meta if label not in labels]
    if problems:
        return [], [], problems, []
    excerpt = excerpts.read_excerpt(FOLDER / meta["excerpt"])
    problems += excerpts.verify_source(excerpt, SOURCE_ID)
    printed_rows = [
        (raw.line, rows_meta[raw.cells["row"]].get("printed_as", raw.cells["row"]), [raw.cells[p] for p in PARTIES]) for raw in raw_rows
    ]
    problems += excerpts.compare_tsv(excerpt, name, list(PARTIES), printed_rows)
    passed = [excerpts.passed(excerpt, name, printed_rows)]
    positions, projections = [], []
    section = section_en = ""
    sections_en = {label: spec["section_en"] for label, spec in rows_meta.items() if "section_en" in spec}
    for raw in raw_rows:
        label = raw.cells["row"]
        spec = rows_meta[label]
        if "section_en" in spec:
            section, section_en = label, spec["section_en"]
            if any(raw.cells[p] for p in PARTIES):
                problems.append(f"{name}, line {raw.line}: section header {label!r} has cells")
            continue
        if "projection" in spec:
            projections += [fiscal(raw, party, spec["projection"], meta["locator"], problems) for party in PARTIES]
            continue
        item_section = spec.get("section", section)
        for party in PARTIES:
            printed = raw.cells[party]
            empty = spec.get("empty", meta["empty"])
            row = dict(
                table_id=meta["table_id"],
                section=item_section,
                section_en=sections_en.get(item_section, section_en),
                item=label,
                item_en=spec["item_en"],
                party_id=party.lower(),
                printed=printed,
                source_id=SOURCE_ID,
                locator=meta["locator"],
                note=spec.get("note", ""),
                evidence_locator="",
                evidence_quote="",
            )
            if printed or empty == "legend":
                if printed not in meta["legend"]:
                    problems.append(
                        f"{name}, line {raw.line}, field '{party}': {printed!r} is not in the legend of "
                        f"{meta['locator']} ({sorted(k for k in meta['legend'] if k)})"
                    )
                    continue
                if (meta["locator"], label, party) in resolved:
                    used.add((meta["locator"], label, party))  # reported here, not again below
                    problems.append(
                        f"{rel(FOLDER / 'lost_cells.csv')}: {meta['locator']} {label!r} {party} is printed ({printed!r}), not lost"
                    )
                row.update(position=meta["legend"][printed], cell_status="transcribed")
            elif empty == "lost":
                key = (meta["locator"], label, party)
                lost = resolved.get(key)
                if lost is None:
                    problems.append(
                        f"{name}, line {raw.line}, field '{party}': the cell is empty (lost) and lost_cells.csv does not resolve it"
                    )
                    continue
                used.add(key)
                reading, rule = lost
                position, source = reading.position, reading.row
                if position and position not in meta["legend"].values() and position != "not_costed_by_cpb":
                    problems.append(
                        f"{source.file}, line {source.line}, field 'position': {position!r} is not a position of the "
                        f"{meta['locator']} legend"
                    )
                if bool(position) != bool(reading.quote):
                    problems.append(
                        f"{source.file}, line {source.line}, field 'evidence_quote': a position from the prose needs "
                        f"its quote, a lost cell has none"
                    )
                row.update(
                    position=position,
                    cell_status="from_text" if position else "lost",
                    evidence_locator=reading.locator if position else "",
                    evidence_quote=reading.quote if position else "",
                    note=f"{reading.note} Readings: {rule}.".strip() if rule != "both readings agree" else reading.note,
                )
                positions.append(staged(source, "position", **row))
                continue
            else:
                problems.append(
                    f"{name}, line {raw.line}, field '{party}': empty cell, but {meta['locator']} keeps every cell in the text layer"
                )
                continue
            positions.append(staged(raw, party, **row))
    return positions, projections, problems, passed


def fiscal(raw: RawRow, party: str, spec: dict, locator: str, problems: list[str]) -> dict:
    printed = raw.cells[party]
    value, status = "", "not_costed_by_cpb"
    if printed:
        digits = read_cell(printed)  # '49,0%' is published as 49.0: the precision printed
        if digits is None:
            problems.append(f"{raw.file}, line {raw.line}, field '{party}': {printed!r} is not a percentage like 49,6%")
        else:
            value, status = digits, "reported"
    return staged(
        raw,
        party,
        subject=party.lower(),
        party_id=party.lower(),
        indicator=spec["indicator"],
        year=spec["year"],
        value=value,
        unit="pct_gdp",
        value_status=status,
        printed=printed,
        comparator="eq" if value else "",
        source_id=SOURCE_ID,
        locator=locator,
        quote="",
        note=(
            "The effect on state debt of the party's whole package of measures, not only of defence and security (footnote 12)."
            if value
            else "The CPB did not cost this party's programme (footnote 11: ten parties took part)."
        ),
    )


def matrices() -> Staged:
    """party_positions and party_fiscal_projections, from the same tables, with the check rows of
    their excerpts."""
    resolved = lost_cells()
    used: set = set()
    built, problems = Staged(), []
    for stem in TABLES:
        positions, projections, errors, passed = table_cells(stem, resolved, used)
        built.add("party_positions", positions)
        built.add("party_fiscal_projections", projections)
        built.checks += passed
        problems += errors
    for key in resolved.keys() - used:
        raw = resolved[key][0].row
        problems.append(f"{raw.file}, line {raw.line}: {key} is not an empty cell of a table with lost colours")
    if problems:
        raise InputError(problems)
    return built


def text_projections() -> list[dict]:
    """Projections stated in the prose (the CPB baseline)."""
    columns = ["subject", "indicator", "year", "printed", "locator", "quote", "note"]
    out, problems = [], []
    for raw in read_raw_csv(FOLDER / "projections_text.csv", columns):
        try:
            value, comparator, _ = read_printed(raw.cells["printed"])
        except ValueError as error:
            problems.append(f"{raw.file}, line {raw.line}, field 'printed': {error}")
            continue
        if raw.cells["printed"] not in raw.cells["quote"]:
            problems.append(f"{raw.file}, line {raw.line}, field 'quote': does not contain the printed value {raw.cells['printed']!r}")
        out.append(
            staged(
                raw,
                "",
                subject=raw.cells["subject"],
                party_id="",
                indicator=raw.cells["indicator"],
                year=raw.cells["year"],
                value=format_value(value),
                unit="pct_gdp",
                value_status="reported",
                printed=raw.cells["printed"],
                comparator=comparator,
                source_id=SOURCE_ID,
                locator=raw.cells["locator"],
                quote=raw.cells["quote"],
                note=raw.cells["note"],
            )
        )
    if problems:
        raise InputError(problems)
    return out


def claims() -> list[dict]:
    """Countable prose claims about the matrices: a filter on a resource, and either the set of
    parties it yields or how many rows match."""
    columns = [
        "claim_id",
        "locator",
        "quote",
        "printed",
        "refers_to",
        "key",
        "comparator",
        "claimed_parties",
        "claimed_count",
        "discrepancy_id",
        "note",
    ]
    out, problems = [], []
    for raw in read_raw_csv(FOLDER / "claims.csv", columns):
        cells = raw.cells
        if cells["printed"] not in cells["quote"]:
            problems.append(f"{raw.file}, line {raw.line}, field 'quote': does not contain the printed words {cells['printed']!r}")
        try:
            key = json.loads(cells["key"])
        except json.JSONDecodeError as error:
            problems.append(f"{raw.file}, line {raw.line}, field 'key': not a JSON object ({error.msg})")
            continue
        parties = [p.strip() for p in cells["claimed_parties"].split(";") if p.strip()]
        out.append(
            staged(
                raw,
                "",
                claim_id=cells["claim_id"],
                source_id=SOURCE_ID,
                locator=cells["locator"],
                quote=cells["quote"],
                printed=cells["printed"],
                claimed_value=cells["claimed_count"],
                claimed_parties=";".join(parties),
                comparator=cells["comparator"],
                approximate="true" if cells["comparator"] == "approx" else "false",
                refers_to=cells["refers_to"],
                refers_key=json.dumps(key, ensure_ascii=False),
                compared_key="",
                values_printed="true",
                discrepancy_id=cells["discrepancy_id"],
                note=cells["note"],
            )
        )
    if problems:
        raise InputError(problems)
    return out


def build() -> Staged:
    return staged_together(("party_positions", matrices), ("party_fiscal_projections", text_projections), ("claims", claims))


# ---- second entries --------------------------------------------------------------------------


def table_entries() -> dict[int, tuple[dict, dict]]:
    """Each matrix's printed cells as typed (first) and as the second transcription has them, by (item, party)."""
    second = read_raw_csv(FOLDER / "second_transcription_cells.csv", ["table", "section", "item", "party", "value"])
    entries = {}
    for number in range(1, 7):
        raw = read_table(FOLDER / f"tabel_{number}.csv")
        theirs = {
            (r.cells["item"].removeprefix("<i>").removesuffix("</i>"), r.cells["party"]): (r.file, r.line, "value", r.cells["value"])
            for r in second
            if r.cells["table"] == str(number)
        }
        # section header rows are empty in ours and absent in theirs
        first = {
            (r.cells["row"], p): (r.file, r.line, p, r.cells[p])
            for r in raw
            for p in PARTIES
            if (r.cells["row"], p) in theirs or r.cells[p]
        }
        entries[number] = (first, theirs)
    return entries


def second_entry_tables() -> tuple[list[dict], list[str]]:
    """Every printed cell of the matrices against the independent second transcription."""
    checks, problems = [], []
    for number, (first, theirs) in table_entries().items():
        problems += compare(first, theirs, f"Tabel {number} cell")
        checks.append(
            check(
                f"double-entry-tabel-{number}-{SOURCE_ID}",
                f"{rel(FOLDER / f'tabel_{number}.csv')}: every printed cell "
                "against the independent second transcription (second_transcription_cells.csv)",
                SOURCE_ID,
                len(first),
            )
        )
    return checks, problems


def table_cell_agreement() -> Compared:
    """The printed cells (colours, marks, numbers) and their second transcription, for `agreement`;
    the lost cells' first and second readings, with the cells the third reading decided."""
    pairs = [(a[3], theirs[key][3]) for first, theirs in table_entries().values() for key, a in first.items() if key in theirs]
    first, second, _ = readings()
    lost = [(first[key].position, second[key].position) for key in sorted(first.keys() & second.keys())]
    decided = sum(1 for a, b in lost if a != b)
    return Compared(
        "tabel_*.csv; lost_cells.csv",
        "party_positions",
        {"position (printed cell)": pairs, "position (lost cell)": lost},
        {"position (printed cell)": 0, "position (lost cell)": decided},
    )


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
    folder = FOLDER
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
        if a is None or b is None:
            one = a or b
            assert one is not None  # the key is in one of them
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
                f"{rel(FOLDER / 'third_reading_lost_cells.csv')} has no third reading"
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
            "check_id": f"double-entry-lost-cells-{SOURCE_ID}",
            "kind": "double_entry",
            "tool": "double_entry",
            "description": "lost matrix cells: first reading (lost_cells.csv) against an independent second reading "
            "(second_reading_lost_cells.csv); a third reading (third_reading_lost_cells.csv) decides where they differ",
            "status": "pass",
            "expected": f"{len(first)} cells read twice",
            "observed": f"{agreed} agree; {resolved} differ and are decided by the third reading",
            "source_id": SOURCE_ID,
        }
    ]
    return chosen, checks, problems


def readings_lost_cells() -> tuple[list[CheckRow], list[str]]:
    _, checks, problems = adjudicate()
    return checks, problems


# ---- cross-checks ----------------------------------------------------------------------------

# the document its cross-checks' inputs name; DOCUMENT, at the end, adds the checks
ORIGIN = Document(
    SOURCE_ID,
    tables_resource="party_positions",
    build=build,
    prose_resources=("financial_figures", "spending_norms", "industry_shares", "counts"),
    second_entries=(second_entry_tables,),
    cell_agreements=(table_cell_agreement,),
    readings=(readings_lost_cells,),
    # the projections its prose states (the CPB baseline); the parties' are cells of tabel_*.csv
    raw_files={"party_fiscal_projections": "projections_text.csv", "claims": "claims.csv"},
)


def baseline(year: int) -> Input:
    return Input(ORIGIN, "party_fiscal_projections", {"subject": "baseline", "year": year})


def debt_rises(found: Found) -> Restated:
    """'bij alle partijen de staatsschuld, zeker op lange termijn, flink zal oplopen', and the
    baseline 'koerst ... af op ... 50% van het bbp in 2030, en naar 126% van het bbp in 2060'."""
    debt = found.frames["party_fiscal_projections"]
    wide = debt[debt.value.notna()].pivot_table(index="subject", columns="year", values="value")
    falling = sorted(wide.index[wide[2060] <= wide[2030]])
    observed = "falls for " + ", ".join(falling) if falling else f"rises for all {len(wide)}"
    return Restated("rises for all", observed, not falling)


CROSS_CHECKS: tuple[Check, ...] = (
    CrossCheck(
        "cpb-debt-rises-2030-2060",
        "state debt is higher in 2060 than in 2030 for every costed party and the baseline",
        (baseline(2030), baseline(2060)),
        debt_rises,
    ),
)

DOCUMENT = replace(ORIGIN, cross_checks=CROSS_CHECKS)
