"""Field-level double entry (issue 21): every value field of every hand-typed file against a
blind second entry, rows matched by key, the sidecars included; every published field is
entered twice, derived from what is, or free text checked by verify-sources.

Each one-token edit of a first entry below is one class of error the double entry must catch
(docs/RELIABILITY.md lists them with their detection). They run on copies of one raw folder,
compared as the double_entry stage compares them; the last test shows the stage itself
stopping `dvc repro` on the worst of them, two parties' columns swapped in a sidecar."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, edit, fails_cleanly, set_cell

from pipelines.lib import field_entry
from pipelines.lib.package import RAW
from pipelines.stages.double_entry import FOLDERS

IOB, CLINGENDAEL, IPSOS = "iob-2025-samen-sterker", "clingendael-2025-10-kantelpunt", "ipsos-io-2025-06-navo"
TABLES = {IPSOS: "poll_results", CLINGENDAEL: "party_positions"}


def problems_after(tmp_path: Path, folder: str, change) -> list[str]:
    copy = tmp_path / folder
    shutil.copytree(RAW / folder, copy)
    change(copy)
    _, problems = field_entry.compare_folder(copy, TABLES.get(folder, ""))
    return problems


def test_every_folder_agrees_with_its_second_entry_as_committed() -> None:
    for folder, tables_resource, _ in FOLDERS:
        _, problems = field_entry.compare_folder(folder, tables_resource)
        assert problems == [], folder


@pytest.mark.parametrize(
    ("folder", "file", "key", "field", "new", "old"),
    [
        (IOB, "financial_figures.csv", "iob-edip-proposal-2025-2027", "scale", "million", "billion"),
        (IOB, "financial_figures.csv", "iob-edip-proposal-2025-2027", "currency", "USD", "EUR"),
        (CLINGENDAEL, "financial_figures.csv", "clingendael-cpb-defence-intensification-2030", "reference_year", "2031", "2030"),
        (CLINGENDAEL, "financial_figures.csv", "clingendael-cpb-defence-intensification-2030", "attributed_to", "vvd", ""),
        (IOB, "mission_contributions.csv", "iob-nato-out-of-area", "comparator", "gt", "lt"),
        (IOB, "mission_contributions.csv", "iob-nato-out-of-area", "relative_to_fair_share", "above", "below"),
        (IOB, "mission_contributions.csv", "iob-nato-out-of-area", "mission_type", "territorial_defence", "out_of_area"),
        (IOB, "force_requirements.csv", "iob-eu-rdc", "unit", "personnel", "troops"),
        (IOB, "force_requirements.csv", "iob-eu-rdc-footnote-336", "readiness_days_max", "30", "20"),
        ("reference", "party_crosswalk.csv", "cda", "parlgov_id", "236", "235"),
        ("reference", "party_crosswalk.csv", "cda", "wikidata_id", "Q273750", "Q273749"),
        (IPSOS, "waves.csv", "2019-04a", "month", "2019-05", "2019-04"),
        (IOB, "counts.csv", "iob-eu-tank-types", "organisation", "NATO", "EU"),
        (IOB, "counts.csv", "iob-hybrid-threats-gps-interference-2024", "comparator", "gt", "approx"),
        (IOB, "spending_norms.csv", "iob-nato-2pct-agreed-2006", "comparator", "eq", "ge"),
    ],
)
def test_a_changed_value_field_is_caught(tmp_path: Path, folder: str, file: str, key: str, field: str, new: str, old: str) -> None:
    problems = problems_after(tmp_path, folder, lambda copy: set_cell(copy / file, key, field, new, both_entries=False))
    [problem] = problems
    assert f"/{folder}/{file}, line " in problem
    assert f"field '{field}': {new!r} but " in problem
    assert f"/second_entry/{file}, line " in problem and f"field '{field}': {old!r}: the two entries disagree" in problem


def test_two_parties_swapped_in_a_sidecar_are_caught(tmp_path: Path) -> None:
    def swap(copy: Path) -> None:
        edit(copy / "tabel_1_2.meta.yaml", "PVV: {respondent_group: pvv}", "PVV: {respondent_group: gl-pvda}", both_entries=False)
        edit(copy / "tabel_1_2.meta.yaml", "GL-PvdA: {respondent_group: gl-pvda}", "GL-PvdA: {respondent_group: pvv}", both_entries=False)

    problems = problems_after(tmp_path, IPSOS, swap)
    assert len(problems) == 2
    assert "tabel_1_2.meta.yaml (columns/PVV/respondent_group), field 'value': 'gl-pvda' but" in problems[0] + problems[1]
    assert "tabel_1_2.meta.yaml (columns/GL-PvdA/respondent_group), field 'value': 'pvv' but" in problems[0] + problems[1]


def test_a_changed_base_n_in_a_sidecar_is_caught(tmp_path: Path) -> None:
    problems = problems_after(
        tmp_path, IPSOS, lambda copy: edit(copy / "tabel_1_2.meta.yaml", "base_n: 2253", "base_n: 2235", both_entries=False)
    )
    [problem] = problems
    assert "tabel_1_2.meta.yaml (columns/Totaal/base_n), field 'value': '2235' but" in problem


def test_a_changed_legend_is_caught(tmp_path: Path) -> None:
    problems = problems_after(
        tmp_path,
        CLINGENDAEL,
        lambda copy: edit(copy / "tabel_1.meta.yaml", "Red: threat, Grey:", "Red: no_threat, Grey:", both_entries=False),
    )
    [problem] = problems
    assert "tabel_1.meta.yaml (legend/Red), field 'value': 'no_threat' but" in problem


def test_a_row_deleted_from_the_first_entry_only_is_caught(tmp_path: Path) -> None:
    def delete(copy: Path) -> None:
        path = copy / "industry_shares.csv"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(lines[:2] + lines[3:]), encoding="utf-8")

    problems = problems_after(tmp_path, IOB, delete)
    [problem] = problems
    assert "/second_entry/industry_shares.csv, line 3: the row " in problem
    assert "is in the second entry only (not in" in problem


def test_a_row_duplicated_under_a_new_id_is_caught(tmp_path: Path) -> None:
    def duplicate(copy: Path) -> None:
        path = copy / "financial_figures.csv"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(lines) + lines[1].replace("iob-edip-proposal-2025-2027", "iob-edip-proposal-again", 1), encoding="utf-8")

    problems = problems_after(tmp_path, IOB, duplicate)
    [problem] = problems
    assert "financial_figures.csv, line 9: the row 'iob-edip-proposal-again' has no second entry in" in problem


def test_a_file_without_a_second_entry_is_named(tmp_path: Path) -> None:
    problems = problems_after(tmp_path, IOB, lambda copy: (copy / "second_entry" / "fair_shares.csv").unlink())
    assert [p for p in problems if "fair_shares.csv: has no second entry (" in p and "second_entry/fair_shares.csv is missing)" in p]


def test_a_third_reading_must_be_what_the_first_entry_publishes(tmp_path: Path) -> None:
    readings = RAW / IOB / "second_entry" / "third_reading.csv"
    if not readings.is_file():
        pytest.skip("no third reading in this folder")
    row = readings.read_text(encoding="utf-8").splitlines()[1]
    file, key = row.split(",")[0], row.split(",")[1]
    field = row.split(",")[2]
    problems = problems_after(
        tmp_path, IOB, lambda copy: set_cell(copy / file, key, field, "changed-after-the-third-reading", both_entries=False)
    )
    assert any(
        f"field '{field}': 'changed-after-the-third-reading', but the third reading" in p and "correct the first entry" in p
        for p in problems
    )


def test_every_published_field_is_entered_twice_derived_or_free_text() -> None:
    routes, unchecked = field_entry.coverage([(folder, tables) for folder, tables, _ in FOLDERS])
    assert unchecked == []
    assert routes[("financial_figures", "scale")].startswith("entered twice: ")
    assert routes[("poll_results", "ci95_low_pct")].startswith("from: ")


def test_a_field_checked_no_way_fails_the_coverage(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines.lib import package

    real = package.field_names
    monkeypatch.setattr(package, "field_names", lambda name: [*real(name), "new_value"] if name == "financial_figures" else real(name))
    _, unchecked = field_entry.coverage([(folder, tables) for folder, tables, _ in FOLDERS])
    assert unchecked == ["financial_figures.new_value"]


def test_the_stage_stops_dvc_repro_on_swapped_sidecar_columns(repo: Path) -> None:
    meta = repo / "data" / "raw" / IPSOS / "tabel_1_2.meta.yaml"
    edit(meta, "PVV: {respondent_group: pvv}", "PVV: {respondent_group: gl-pvda}", both_entries=False)
    edit(meta, "GL-PvdA: {respondent_group: gl-pvda}", "GL-PvdA: {respondent_group: pvv}", both_entries=False)
    fails_cleanly(
        repo,
        [
            "data/raw/ipsos-io-2025-06-navo/tabel_1_2.meta.yaml (columns/PVV/respondent_group), field 'value': 'gl-pvda' but "
            "data/raw/ipsos-io-2025-06-navo/second_entry/tabel_1_2.meta.csv, line ",
        ],
    )


def test_the_reliability_page_shows_the_coverage_and_agreement_of_this_version() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "reliability.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
