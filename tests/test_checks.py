"""The checks resource records every executed check, and the register of discrepancies
accounts for exactly the checks that fail."""

from __future__ import annotations

import csv

from conftest import ROOT


def rows(name: str) -> list[dict[str, str]]:
    with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_tool_and_kind_of_check_is_recorded() -> None:
    checks = rows("checks")
    assert {c["tool"] for c in checks} == {"excerpt", "double_entry", "frictionless", "pandera", "great_expectations"}
    assert {c["kind"] for c in checks} == {"excerpt", "double_entry", "structure", "in_table", "claim", "derived", "consistency"}
    assert {c["status"] for c in checks} <= {"pass", "known_discrepancy", "undetermined"}, "a published version has no failures"
    # only a claim may be undetermined: its lost cells, or values the document does not print, leave it open
    assert {c["kind"] for c in checks if c["status"] == "undetermined"} == {"claim"}


def test_every_published_resource_and_claim_is_checked() -> None:
    checks = {c["check_id"] for c in rows("checks")}
    descriptor_names = {r["name"] for r in __import__("json").loads((ROOT / "datapackage.json").read_text())["resources"]}
    # checks and agreement are made after validate, from the checks and comparisons themselves;
    # frictionless validates them in the published package (make validate)
    assert {f"structure-{name}" for name in descriptor_names - {"checks", "agreement"}} <= checks
    assert {f"claim-{c['claim_id']}" for c in rows("claims")} <= checks


def test_known_discrepancies_are_exactly_the_registered_ones() -> None:
    registered = {f"claim-{c['claim_id']}": c["discrepancy_id"] for c in rows("claims") if c["discrepancy_id"]}
    for d in rows("discrepancies"):
        registered |= {check_id: d["discrepancy_id"] for check_id in d["check_ids"].split(";") if check_id}
    known = {c["check_id"]: c["discrepancy_id"] for c in rows("checks") if c["status"] == "known_discrepancy"}
    assert known == registered


def test_report_lists_every_discrepancy() -> None:
    report = (ROOT / "reports/validation.md").read_text(encoding="utf-8")
    for d in rows("discrepancies"):
        assert f"`{d['discrepancy_id']}`" in report


def test_the_time_series_chart_spaces_waves_by_their_month() -> None:
    """Tabel 3.1's columns are months apart by very different gaps (apr-19 .. apr-24, dec-24 ..
    feb-25): the chart places them on a time axis from poll_waves, not evenly."""
    import pandas as pd

    from pipelines.stages.report import dated

    results = pd.read_csv(ROOT / "data/poll_results.csv", keep_default_na=False, na_values=[""])
    waves = pd.read_csv(ROOT / "data/poll_waves.csv", keep_default_na=False, na_values=[""])
    army = dated(results[(results.question_id == "defence_statements") & (results.locator == "Tabel 3.1")], waves)
    army = army[army.item.str.startswith("Er zou een Europees leger")].sort_values("when")
    gaps = [round(d.days / 30.4) for d in army.when.diff().dropna()]
    assert list(army.wave_label) == ["apr-19", "apr-24", "dec-24", "feb-25", "mrt-25", "jun-25"]
    assert gaps == [60, 8, 2, 1, 3]
