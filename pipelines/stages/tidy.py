"""Stage `tidy`: raw transcriptions (data/raw/, as printed) -> tidy tables in build/tidy/.

Nothing here is published: `validate` checks the staged tables and `publish` copies them to
data/ only when every check passed. Each staged row keeps the raw file, line and column it came
from so that a failing check can say where to fix it.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from pipelines import excerpts, matrices, poll, prose
from pipelines.common import (
    RAW,
    STAGING,
    InputError,
    RawRow,
    csv_bytes,
    data_resource_names,
    load_yaml,
    raw_columns,
    read_raw_csv,
    rel,
    run,
    staged_header,
    staged_path,
    table_schema,
    transcribed_fields,
    write_atomic,
)

StagedRow = dict[str, str]


def copy_rows(resource: str, raw_name: str) -> list[StagedRow]:
    """A raw file that already has the published columns (reference tables)."""
    columns = transcribed_fields(resource)
    return [
        {**raw.cells, "raw_file": raw.file, "raw_line": str(raw.line), "raw_column": ""} for raw in read_raw_csv(RAW / raw_name, columns)
    ]


PARTIES = RAW / "reference" / "parties.csv"
PARTY_CROSSWALK = RAW / "reference" / "party_crosswalk.csv"
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


def known_party_ids() -> list[str]:
    # the party ids of the data model are the parties schema's enum
    party_id = next(field for field in table_schema("parties")["fields"] if field["name"] == "party_id")
    return party_id["constraints"]["enum"]


def crosswalk_problems(crosswalk: list[RawRow], crosswalk_name: str, party_lines: dict[str, int], parties_name: str) -> list[str]:
    """Every reason the crosswalk cannot be joined into parties, each naming file, line and field.
    `party_lines` gives the parties.csv line of each party, to point at it when a row is missing."""
    problems = []
    known = known_party_ids()
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


def discrepancies() -> list[StagedRow]:
    """The register of inconsistencies each source folder keeps (a missing file is an error)."""
    rows = []
    for path in (RAW / source_id / "discrepancies.csv" for source_id in prose.SOURCES):
        rows += [
            {**raw.cells, "source_id": path.parent.name, "raw_file": raw.file, "raw_line": str(raw.line), "raw_column": ""}
            for raw in read_raw_csv(path, raw_columns("discrepancies"))
        ]
    return rows


# Each resource is built by one or more builders (several sources may add rows to one resource).
BUILDERS: dict[str, list[Callable[[], list[StagedRow]]]] = {
    "sources": [lambda: copy_rows("sources", "reference/sources.csv")],
    "parties": [parties],
    "poll_questions": [poll.questions],
    "poll_waves": [poll.waves],
    "poll_results": [poll.results],
    "poll_method": [poll.method],
    "party_positions": [matrices.party_positions],
    "party_fiscal_projections": [matrices.party_fiscal_projections],
    **{name: [lambda name=name: prose.collect(name)] for name in prose.CHECKS},
    "claims": [poll.claims, matrices.claims],
    "discrepancies": [discrepancies],
}


def main() -> None:
    # builders remember what they read within one run; a new run starts from nothing
    excerpts.CHECKED.clear()
    matrices.reset()
    staged: dict[str, list[StagedRow]] = {}
    problems: list[str] = []
    for name in data_resource_names():
        if name not in BUILDERS:
            problems.append(f"schemas/package.json: resource '{name}' has no builder in pipelines/tidy.py")
            continue
        staged[name] = []
        for build in BUILDERS[name]:
            try:
                staged[name].extend(build())
            except InputError as error:
                problems.extend(error.problems)
    if problems:
        # A builder shared by two resources reports its problems once for each.
        raise InputError(list(dict.fromkeys(problems)))
    shutil.rmtree(STAGING, ignore_errors=True)
    for name, rows in staged.items():
        header = staged_header(name)
        write_atomic(staged_path(name), csv_bytes(header, ([row[c] for c in header] for row in rows)))
    excerpt_checks = json.dumps(excerpts.CHECKED, indent=1, ensure_ascii=False) + "\n"
    write_atomic(STAGING / "excerpt_checks.json", excerpt_checks.encode("utf-8"))
    print(f"tidy: staged {sum(map(len, staged.values()))} rows in {len(staged)} tables")


if __name__ == "__main__":
    run(main)
