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
    assert {c["tool"] for c in checks} == {"excerpt", "frictionless", "pandera", "great_expectations"}
    assert {c["kind"] for c in checks} == {"excerpt", "structure", "in_table", "claim", "derived", "consistency"}
    assert {c["status"] for c in checks} <= {"pass", "known_discrepancy"}, "a published version has no failures"


def test_every_published_resource_and_claim_is_checked() -> None:
    checks = {c["check_id"] for c in rows("checks")}
    descriptor_names = {r["name"] for r in __import__("json").loads((ROOT / "datapackage.json").read_text())["resources"]}
    assert {f"structure-{name}" for name in descriptor_names - {"checks"}} <= checks
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
