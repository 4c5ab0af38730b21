"""A typo in a raw file stops the pipeline with a message naming the file, the line and the
field, and leaves every published file byte-identical."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import fails_cleanly, line_of, set_cell

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
    first = line_of(raw, "cda")
    raw.write_text("\n".join([*lines, lines[first - 1]]) + "\n", encoding="utf-8")
    fails_cleanly(
        repo,
        [f"{PARTIES}, line {len(lines) + 1}, field 'party_id'", "duplicate key ['cda']", f"already on line {first}"],
    )


def test_missing_required_value(repo: Path) -> None:
    raw = repo / SOURCES
    line = line_of(raw, "clingendael-2025-10-kantelpunt")
    set_cell(raw, "clingendael-2025-10-kantelpunt", "publisher", "")
    fails_cleanly(repo, [f"{SOURCES}, line {line}, field 'publisher'", "an empty value violates constraint \"required\""])


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
