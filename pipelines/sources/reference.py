"""The reference tables: the source documents (data/raw/reference/sources.csv) and the parties
(parties.csv, joined with the Party Facts crosswalk in party_crosswalk.csv on party_id).
`TABLES` is where a cross-check's input from them is typed."""

from __future__ import annotations

import re
from pathlib import Path

from pipelines.lib.package import RAW, party_ids, rel, table_schema, transcribed_fields
from pipelines.lib.raw import InputError, RawRow, StagedRow, copied, load_yaml, read_raw_csv
from pipelines.sources import ReferenceTables, Staged, staged_together

SOURCES = RAW / "reference" / "sources.csv"
PARTIES = RAW / "reference" / "parties.csv"
PARTY_CROSSWALK = RAW / "reference" / "party_crosswalk.csv"
TABLES = ReferenceTables({"sources": SOURCES, "parties": PARTIES})
# Columns of party_crosswalk.csv; partyfacts_name is the evidence of the match, not published.
CROSSWALK_COLUMNS = [
    "party_id",
    "partyfacts_id",
    "partyfacts_name",
    "wikidata_id",
    "parlgov_id",
    "manifesto_id",
    "ches_id",
    "note",
]
# Ids that come through Party Facts, with the form each must have.
INTEGER_ID = re.compile(r"[1-9][0-9]*")
WIKIDATA_ID = re.compile(r"Q[1-9][0-9]*")
CROSSWALK_IDS = {
    "partyfacts_id": (INTEGER_ID, "a whole number (digits only)"),
    "wikidata_id": (WIKIDATA_ID, "a Wikidata item id (Q and digits, e.g. Q273749)"),
    "parlgov_id": (INTEGER_ID, "a whole number (digits only)"),
    "manifesto_id": (INTEGER_ID, "a whole number (digits only)"),
    "ches_id": (INTEGER_ID, "a whole number (digits only)"),
}
# Published columns of parties filled from the crosswalk rather than typed in parties.csv.
CROSSWALK_FIELDS = [*CROSSWALK_IDS, "crosswalk_note", "crosswalk_line"]


def crosswalk_problems(crosswalk: list[RawRow], crosswalk_name: str, party_lines: dict[str, int], parties_name: str) -> list[str]:
    """Every reason the crosswalk cannot be joined into parties, each naming file, line and field.
    `party_lines` gives the parties.csv line of each party, to point at it when a row is missing."""
    problems = []
    known = party_ids()
    first_line: dict[str, int] = {}
    # (field, id) -> line: an id identifies one party, else a join on it joins the wrong parties
    id_lines: dict[tuple[str, str], int] = {}
    for raw in crosswalk:
        party_id = raw.cells["party_id"]
        if party_id not in known:
            problems.append(f"{raw.file}, line {raw.line}, field 'party_id': '{party_id}' is not a party id of schemas/parties.schema.json")
        elif party_id in first_line:
            problems.append(
                f"{raw.file}, line {raw.line}, field 'party_id': '{party_id}' again (already on line "
                f"{first_line[party_id]}); one row per party"
            )
        else:
            first_line[party_id] = raw.line
        for field, (form, described) in CROSSWALK_IDS.items():
            value = raw.cells[field]
            if value and not form.fullmatch(value):
                problems.append(f"{raw.file}, line {raw.line}, field '{field}': '{value}' is not {described}")
            elif value and field != "partyfacts_id" and not raw.cells["partyfacts_id"]:
                # every other id is one that Party Facts links to the party's partyfacts_id
                problems.append(f"{raw.file}, line {raw.line}, field '{field}': '{value}' without a partyfacts_id that links it")
            elif value and party_id in first_line and first_line[party_id] != raw.line:
                continue  # a repeated party row is reported once, above, not once per id
            elif value and (field, value) in id_lines:
                problems.append(
                    f"{raw.file}, line {raw.line}, field '{field}': '{value}' again (already on line {id_lines[field, value]}); "
                    "an id identifies one party"
                )
            elif value:
                id_lines[field, value] = raw.line
    for party_id in known:
        if party_id not in first_line:
            typed_at = f" (typed in {parties_name}, line {party_lines[party_id]})" if party_id in party_lines else ""
            problems.append(f"{crosswalk_name}, field 'party_id': no row for party '{party_id}'{typed_at}")
    return problems


def sidecar_problems(sidecar_path: Path, crosswalk_name: str) -> list[str]:
    """The crosswalk's sidecar is its provenance: it must name this file and the Party Facts
    commit that the published descriptions of the id columns name."""
    sidecar = load_yaml(sidecar_path)
    problems = []
    if sidecar.get("table") != Path(crosswalk_name).name:
        problems.append(f"{rel(sidecar_path)}, field 'table': {sidecar.get('table')!r} is not {Path(crosswalk_name).name!r}")
    commit = str(sidecar.get("commit") or "")
    descriptions = {field["name"]: field["description"] for field in table_schema("parties")["fields"]}
    stale = [name for name in CROSSWALK_IDS if not commit or commit not in descriptions[name]]
    if stale:
        problems.append(
            f"{rel(sidecar_path)}, field 'commit': {commit!r} is not the commit that schemas/parties.schema.json names for {stale}"
        )
    return problems


def parties(parties_path: Path = PARTIES, crosswalk_path: Path = PARTY_CROSSWALK) -> list[StagedRow]:
    """parties.csv joined with the Party Facts crosswalk on party_id. Provenance: raw_file and
    raw_line name the parties.csv line; crosswalk_line names the crosswalk line of the ids."""
    typed = [field for field in transcribed_fields("parties") if field not in CROSSWALK_FIELDS]
    party_rows = read_raw_csv(parties_path, typed)
    crosswalk = read_raw_csv(crosswalk_path, CROSSWALK_COLUMNS)
    party_lines = {raw.cells["party_id"]: raw.line for raw in reversed(party_rows)}  # first line wins
    problems = crosswalk_problems(crosswalk, rel(crosswalk_path), party_lines, rel(parties_path))
    problems += sidecar_problems(crosswalk_path.with_suffix(".meta.yaml"), rel(crosswalk_path))
    if problems:
        raise InputError(problems)
    by_party = {raw.cells["party_id"]: raw for raw in crosswalk}
    rows = []
    for raw in party_rows:
        # a party id outside the data model has no crosswalk row; validate reports it at its parties.csv line
        link = by_party.get(raw.cells["party_id"])
        rows.append(
            {
                **raw.cells,
                **{field: link.cells[field] if link else "" for field in CROSSWALK_IDS},
                "crosswalk_note": link.cells["note"] if link else "",
                "crosswalk_line": str(link.line) if link else "",
                "raw_file": raw.file,
                "raw_line": str(raw.line),
                "raw_column": "",
            }
        )
    return rows


def sources(path: Path = SOURCES) -> list[StagedRow]:
    """sources.csv has the published columns."""
    return [copied(raw) for raw in read_raw_csv(path, transcribed_fields("sources"))]


def build() -> Staged:
    return staged_together(("sources", sources), ("parties", parties))
