"""A typo in a raw file stops the pipeline with a message naming the file, the line and the
field, and leaves every published file byte-identical."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, edit, fails_cleanly, line_of, set_cell

from pipelines.lib.package import rel
from pipelines.lib.raw import InputError
from pipelines.sources import reference

PARTIES = "data/raw/reference/parties.csv"
SOURCES = "data/raw/reference/sources.csv"


def test_unknown_party_id(repo: Path) -> None:
    raw = repo / PARTIES
    line = line_of(raw, "pvv")
    set_cell(raw, "pvv", "party_id", "pvw")
    fails_cleanly(repo, [f"{PARTIES}, line {line}, field 'party_id'", "'pvw'"])


def test_duplicated_key(repo: Path) -> None:
    raw = repo / PARTIES
    lines = raw.read_text(encoding="utf-8").splitlines()
    raw.write_text("\n".join([*lines, lines[line_of(raw, "cda") - 1]]) + "\n", encoding="utf-8")
    fails_cleanly(
        repo,
        # the double entry, which matches rows by their id, is the first to see it
        [f"{PARTIES}, line {len(lines) + 1}, field 'party_id': 'cda' is given twice in {PARTIES}"],
    )


def test_missing_required_value(repo: Path) -> None:
    raw = repo / SOURCES
    line = line_of(raw, "clingendael-2025-10-kantelpunt")
    set_cell(raw, "clingendael-2025-10-kantelpunt", "publisher", "")
    fails_cleanly(repo, [f"{SOURCES}, line {line}, field 'publisher'", 'an empty value violates constraint "required"'])


@pytest.mark.parametrize(
    ("field", "value"),
    [("sample_n", "2.253"), ("fieldwork_start", "13-06-2025"), ("title_as_printed", "ja")],
)
def test_wrong_type(repo: Path, field: str, value: str) -> None:
    raw = repo / SOURCES
    line = line_of(raw, "ipsos-io-2025-06-navo")
    set_cell(raw, "ipsos-io-2025-06-navo", field, value)
    fails_cleanly(repo, [f"{SOURCES}, line {line}, field '{field}'", f"'{value}' is not a valid"])


def test_in_table_rule(repo: Path) -> None:
    """pandera: fieldwork cannot end before it starts."""
    raw = repo / SOURCES
    line = line_of(raw, "ipsos-io-2025-06-navo")
    set_cell(raw, "ipsos-io-2025-06-navo", "fieldwork_end", "2025-06-12")
    fails_cleanly(repo, [f"{SOURCES}, line {line}", "field 'fieldwork_end'", "fieldwork_end is on or after fieldwork_start"])


def test_unique_keys(repo: Path) -> None:
    """pandera enforces the schema's v2 uniqueKeys, which frictionless 5 does not check."""
    raw = repo / PARTIES
    line = line_of(raw, "sp")
    set_cell(raw, "sp", "name_en", "Socialist Party ")
    set_cell(raw, "sp", "name_en", "Party for Freedom")
    fails_cleanly(repo, [f"{PARTIES}, line {line}", "field 'name_en'", "uniqueKeys ['name_en']"])


def test_header_typo(repo: Path) -> None:
    raw = repo / PARTIES
    raw.write_text(raw.read_text(encoding="utf-8").replace("name_en", "name_eng", 1), encoding="utf-8")
    fails_cleanly(repo, [f"{PARTIES}, line 1 (header)", "'name_eng'"])


CROSSWALK = "data/raw/reference/party_crosswalk.csv"
CROSSWALK_SIDECAR = "data/raw/reference/party_crosswalk.meta.yaml"


def drop_line(path: Path, key: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = line_of(path, key)
    path.write_text("".join(lines[: number - 1] + lines[number:]), encoding="utf-8")


def repeat_line(path: Path, key: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[line_of(path, key) - 1]]), encoding="utf-8")


def crosswalk_copy(tmp_path: Path) -> tuple[Path, Path]:
    """Copies of parties.csv and the crosswalk with its sidecar, to break the crosswalk in."""
    parties, crosswalk = tmp_path / "parties.csv", tmp_path / "party_crosswalk.csv"
    shutil.copy(ROOT / PARTIES, parties)
    shutil.copy(ROOT / CROSSWALK, crosswalk)
    shutil.copy(ROOT / CROSSWALK_SIDECAR, crosswalk.with_suffix(".meta.yaml"))
    return parties, crosswalk


# (what is broken, how, the problems tidy reports; {c} is the crosswalk copy, {m} its sidecar, {p} the parties copy)
CROSSWALK_BREAKS = [
    (
        "unknown party",
        lambda c: set_cell(c, "pvv", "party_id", "pvw"),
        [
            "{c}, line 12, field 'party_id': 'pvw' is not a party id of schemas/parties.schema.json",
            "{c}, field 'party_id': no row for party 'pvv' (typed in {p}, line 12)",
        ],
    ),
    (
        "duplicate party",
        lambda c: repeat_line(c, "cda"),
        [
            "{c}, line 17, field 'party_id': 'cda' again (already on line 3); one row per party",
        ],
    ),
    (
        "missing party",
        lambda c: drop_line(c, "sgp"),
        [
            "{c}, field 'party_id': no row for party 'sgp' (typed in {p}, line 13)",
        ],
    ),
    (
        "partyfacts_id not an integer",
        lambda c: set_cell(c, "cda", "partyfacts_id", "1157.0"),
        [
            "{c}, line 3, field 'partyfacts_id': '1157.0' is not a whole number (digits only)",
        ],
    ),
    (
        "parlgov_id not an integer",
        lambda c: set_cell(c, "d66", "parlgov_id", "345a"),
        [
            "{c}, line 5, field 'parlgov_id': '345a' is not a whole number (digits only)",
        ],
    ),
    (
        "manifesto_id not an integer",
        lambda c: set_cell(c, "pvv", "manifesto_id", "-22722"),
        [
            "{c}, line 12, field 'manifesto_id': '-22722' is not a whole number (digits only)",
        ],
    ),
    (
        "ches_id not an integer",
        lambda c: set_cell(c, "vvd", "ches_id", "1003O"),
        [
            "{c}, line 16, field 'ches_id': '1003O' is not a whole number (digits only)",
        ],
    ),
    (
        "wikidata_id not a Q-number",
        lambda c: set_cell(c, "sgp", "wikidata_id", "60172"),
        [
            "{c}, line 13, field 'wikidata_id': '60172' is not a Wikidata item id (Q and digits, e.g. Q273749)",
        ],
    ),
    (
        "an id without a partyfacts_id",
        lambda c: set_cell(c, "gl-pvda", "wikidata_id", "Q667680"),
        [
            "{c}, line 8, field 'wikidata_id': 'Q667680' without a partyfacts_id that links it",
        ],
    ),
    (
        "an id of two parties",
        lambda c: set_cell(c, "sp", "ches_id", "1001"),
        [
            "{c}, line 14, field 'ches_id': '1001' again (already on line 3); an id identifies one party",
        ],
    ),
    (
        "sidecar missing",
        lambda c: c.with_suffix(".meta.yaml").unlink(),
        [
            "{m}: sidecar file is missing",
        ],
    ),
    (
        "sidecar names another commit",
        lambda c: edit(c.with_suffix(".meta.yaml"), "commit: 764de89", "commit: 0000000"),
        [
            (
                "{m}, field 'commit': '000000078f84ba41a1c88752d6a00b9a4d05f599' is not the commit that schemas/parties.schema.json "
                "names for ['partyfacts_id', 'wikidata_id', 'parlgov_id', 'manifesto_id', 'ches_id']"
            ),
        ],
    ),
    (
        "header typo",
        lambda c: edit(c, "ches_id", "ches"),
        [
            (
                "{c}, line 1 (header): missing column(s) ['ches_id']; unexpected column(s) ['ches']; expected "
                "['party_id', 'partyfacts_id', 'partyfacts_name', 'wikidata_id', 'parlgov_id', 'manifesto_id', 'ches_id', 'note']"
            ),
        ],
    ),
]


@pytest.mark.parametrize(("broken", "expected"), [(b, e) for _, b, e in CROSSWALK_BREAKS], ids=[name for name, _, _ in CROSSWALK_BREAKS])
def test_crosswalk_bad_input(tmp_path: Path, broken, expected: list[str]) -> None:
    """tidy's join of the crosswalk, in process on broken copies: exactly these problems."""
    parties, crosswalk = crosswalk_copy(tmp_path)
    broken(crosswalk)
    with pytest.raises(InputError) as error:
        reference.parties(parties, crosswalk)
    sidecar = crosswalk.with_suffix(".meta.yaml")
    assert error.value.problems == [text.format(c=rel(crosswalk), m=rel(sidecar), p=rel(parties)) for text in expected]


def test_crosswalk_as_committed_joins(tmp_path: Path) -> None:
    """The copies the test above breaks are good before they are broken."""
    parties, crosswalk = crosswalk_copy(tmp_path)
    assert [row["party_id"] for row in reference.parties(parties, crosswalk)] == [
        row.split(",", 1)[0] for row in (ROOT / PARTIES).read_text(encoding="utf-8").splitlines()[1:]
    ]


def test_crosswalk_error_stops_the_pipeline(repo: Path) -> None:
    """The same check in a full run: dvc repro stops and nothing published changes."""
    set_cell(repo / CROSSWALK, "sgp", "wikidata_id", "60172")
    fails_cleanly(
        repo,
        [
            "problem(s) in the input; nothing was published",
            f"{CROSSWALK}, line 13, field 'wikidata_id': '60172' is not a Wikidata item id (Q and digits, e.g. Q273749)",
        ],
    )


def test_a_foreign_key_names_the_value_the_referenced_table_lacks_and_skips_an_empty_one() -> None:
    from pipelines.stages.validate import foreign_key_problems

    row = {"party_id": "pvw", "source_id": "s", "raw_file": "data/raw/x.csv", "raw_line": "7", "raw_column": ""}
    tables = {
        "parties": [{"party_id": "pvv"}, {"party_id": ""}],
        "sources": [{"source_id": "s"}],
        "party_positions": [row, {**row, "party_id": "pvv"}, {**row, "party_id": ""}, {**row, "raw_line": "9", "source_id": "t"}],
    }
    assert foreign_key_problems(["party_positions"], tables) == {
        "party_positions": [
            (2, "data/raw/x.csv, line 7, field 'party_id': ['pvw'] is not a known party_id in 'parties'"),
            (5, "data/raw/x.csv, line 9, field 'party_id': ['pvw'] is not a known party_id in 'parties'"),
            (5, "data/raw/x.csv, line 9, field 'source_id': ['t'] is not a known source_id in 'sources'"),
        ]
    }
    del tables["sources"]
    assert foreign_key_problems(["party_positions"], tables)["party_positions"][-1] == (
        0,
        "schemas/party_positions.schema.json: foreign key source_id names 'sources', which is not validated with it",
    )
