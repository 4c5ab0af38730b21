"""Every Party Facts id published in parties is the one the committed crosswalk extract gives,
read here with the csv module only (not through the pipeline)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from conftest import ROOT, set_cell

CROSSWALK = ROOT / "data/raw/reference/party_crosswalk.csv"
PUBLISHED = ROOT / "data/parties.csv"
IDS = ("partyfacts_id", "wikidata_id", "parlgov_id", "manifesto_id", "ches_id")


def rows_by_party(path: Path) -> dict[str, tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["party_id"]: (line, row) for line, row in enumerate(csv.DictReader(handle), start=2)}


def id_differences(published: Path, crosswalk: Path) -> list[str]:
    """Each published id (and crosswalk line and note) that is not what the crosswalk gives."""
    extract = rows_by_party(crosswalk)
    out = []
    for party_id, (line, row) in rows_by_party(published).items():
        if party_id not in extract:
            out.append(f"{party_id}: not in the crosswalk")
            continue
        extract_line, given = extract[party_id]
        for field in IDS:
            if row[field] != given[field]:
                out.append(f"{party_id} (line {line}), {field}: published {row[field]!r}, crosswalk {given[field]!r}")
        if (row["crosswalk_line"], row["crosswalk_note"]) != (str(extract_line), given["note"]):
            out.append(f"{party_id} (line {line}): crosswalk_line or crosswalk_note is not crosswalk line {extract_line}")
    missing = extract.keys() - rows_by_party(published).keys()
    out += [f"{party_id}: in the crosswalk, not published" for party_id in sorted(missing)]
    return out


def test_every_published_id_is_the_crosswalk_s() -> None:
    assert id_differences(PUBLISHED, CROSSWALK) == []


def test_a_changed_id_is_caught(tmp_path: Path) -> None:
    published = tmp_path / "parties.csv"
    shutil.copy(PUBLISHED, published)
    set_cell(published, "vvd", "parlgov_id", "1410")
    assert id_differences(published, CROSSWALK) == ["vvd (line 16), parlgov_id: published '1410', crosswalk '1409'"]


def test_a_guessed_id_is_caught(tmp_path: Path) -> None:
    """An id where the crosswalk has none (Volt's Wikidata item) is a difference too."""
    published = tmp_path / "parties.csv"
    shutil.copy(PUBLISHED, published)
    set_cell(published, "volt", "wikidata_id", "Q55229798")
    assert id_differences(published, CROSSWALK) == ["volt (line 15), wikidata_id: published 'Q55229798', crosswalk ''"]


def test_the_readings_chosen_are_published() -> None:
    """GL-PvdA: no ids, its note gives the members' ids; Volt: its own Party Facts id, no Wikidata item."""
    published = {party_id: row for party_id, (_, row) in rows_by_party(PUBLISHED).items()}
    assert [published["gl-pvda"][field] for field in IDS] == ["", "", "", "", ""]
    assert "GroenLinks (GL) partyfacts_id 1537" in published["gl-pvda"]["crosswalk_note"]
    assert "Partij van de Arbeid (PvdA) partyfacts_id 1234" in published["gl-pvda"]["crosswalk_note"]
    assert [published["volt"][field] for field in IDS] == ["7355", "", "", "", ""]
    assert "Q55229798" in published["volt"]["crosswalk_note"]
