"""Builders for the Clingendael party matrices: party_positions, party_fiscal_projections,
and the document's money figures, spending norms and claims.

Tables are transcribed as the text layer shows them (colour words, check marks, numbers,
empty cells) with a sidecar per table giving its legend, sections and English labels. A cell
whose colour is lost must be resolved in lost_cells.csv: a position with the verbatim prose
that settles it (cell_status from_text), or no position (cell_status lost).
"""

from __future__ import annotations

import json
import re

from pipelines import double_entry, excerpts
from pipelines.common import RAW, InputError, RawRow, load_yaml, read_raw_csv, rel, staged
from pipelines.poll import fmt, parse_printed

SOURCE_ID = "clingendael-2025-10-kantelpunt"
FOLDER = RAW / SOURCE_ID
TABLES = ("tabel_1", "tabel_2", "tabel_3", "tabel_4", "tabel_5", "tabel_6")
PARTIES = ["BBB", "CDA", "CU", "D66", "DENK", "FVD", "GL-PvdA", "JA21", "NSC", "PvdD", "PVV", "SGP", "SP", "Volt", "VVD"]


def lost_cells() -> dict[tuple[str, str, str], tuple]:
    """The reading published for each lost cell, and the rule that chose it (double_entry.adjudicate)."""
    chosen, _, problems = double_entry.adjudicate()
    if problems:
        raise InputError(problems)
    return chosen


def table_cells(stem: str, resolved: dict, used: set) -> tuple[list[dict], list[dict], list[str]]:
    """(party_positions rows, party_fiscal_projections rows, problems) of one table."""
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
        return [], [], problems
    excerpt = excerpts.read_excerpt(FOLDER / meta["excerpt"])
    problems += excerpts.verify_source(excerpt, SOURCE_ID)
    problems += excerpts.compare_tsv(
        excerpt,
        name,
        PARTIES,
        [(raw.line, rows_meta[raw.cells["row"]].get("printed_as", raw.cells["row"]), [raw.cells[p] for p in PARTIES]) for raw in raw_rows],
    )
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
    return positions, projections, problems


def fiscal(raw: RawRow, party: str, spec: dict, locator: str, problems: list[str]) -> dict:
    printed = raw.cells[party]
    value, status = "", "not_costed_by_cpb"
    if printed:
        match = re.fullmatch(r"(\d+(?:,\d+)?)%", printed)
        if not match:
            problems.append(f"{raw.file}, line {raw.line}, field '{party}': {printed!r} is not a percentage like 49,6%")
        else:
            value, status = match.group(1).replace(",", "."), "reported"
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


# party_positions and party_fiscal_projections come from the same tables: read them once a run
_cache: dict[str, tuple[list, list]] = {}


def reset() -> None:
    _cache.clear()


def build() -> tuple[list[dict], list[dict]]:
    if SOURCE_ID not in _cache:
        resolved = lost_cells()
        used: set = set()
        positions, projections, problems = [], [], []
        for stem in TABLES:
            p, f, errors = table_cells(stem, resolved, used)
            positions, projections, problems = positions + p, projections + f, problems + errors
        for key in resolved.keys() - used:
            raw = resolved[key][0].row
            problems.append(f"{raw.file}, line {raw.line}: {key} is not an empty cell of a table with lost colours")
        if problems:
            raise InputError(problems)
        _cache[SOURCE_ID] = (positions, projections)
    return _cache[SOURCE_ID]


def party_positions() -> list[dict]:
    return build()[0]


def text_projections() -> list[dict]:
    """Projections stated in the prose (the CPB baseline)."""
    columns = ["subject", "indicator", "year", "printed", "locator", "quote", "note"]
    out, problems = [], []
    for raw in read_raw_csv(FOLDER / "projections_text.csv", columns):
        try:
            value, comparator, _ = parse_printed(raw.cells["printed"])
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
                value=fmt(value),
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


def party_fiscal_projections() -> list[dict]:
    return build()[1] + text_projections()


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
                discrepancy_id=cells["discrepancy_id"],
                note=cells["note"],
            )
        )
    if problems:
        raise InputError(problems)
    return out
