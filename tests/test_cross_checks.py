"""The cross-check records (pipelines/sources/__init__.py, run by pipelines/rules/cross_checks.py),
each fed one deliberately broken input from the published tables: a missing row stops the
pipeline at the raw file its input names, with the check's id; a recomputed figure off by more
than its check's tolerance fails, within it passes.

The great-expectations suites of `crosscheck` judge the lines these tests look at: a derived line
fails when its excess (|difference| - tolerance) is above 0, for 'gt' when its difference is not
above 0; a consistency line when it has more than one distinct value."""

from __future__ import annotations

import csv
from collections.abc import Callable

import pytest
from conftest import ROOT

from pipelines.lib.files import read_rows
from pipelines.lib.package import data_resource_names
from pipelines.lib.raw import InputError
from pipelines.rules import cross_checks
from pipelines.rules.cross_checks import Line, Rows
from pipelines.sources import Check, Frames
from pipelines.sources.registry import DOCUMENTS
from pipelines.stages.validate import typed_frame

Change = Callable[[dict[str, str]], dict[str, str] | None]  # a row as it should be, or None to drop it

PUBLISHED: Rows = {name: read_rows(ROOT / "data" / f"{name}.csv") for name in data_resource_names()}


def tables(changes: dict[str, Change] | None = None) -> tuple[Frames, Rows]:
    """The published tables, with `changes[resource]` applied to every row of that resource."""
    rows: Rows = {}
    for name, published in PUBLISHED.items():
        change = (changes or {}).get(name)
        rows[name] = [changed for row in published if (changed := change(dict(row)) if change else row) is not None]
    return {name: typed_frame(name, table) for name, table in rows.items()}, rows


def drop(column: str, value: str, **also: str) -> Change:
    return lambda row: None if row[column] == value and all(row[c] == v for c, v in also.items()) else row


def setting(column: str, value: str, field: str, new: str) -> Change:
    return lambda row: {**row, field: new} if row[column] == value else row


def check(check_id: str) -> Check:
    return next(c for c in cross_checks.all_checks() if getattr(c, "check_id", None) == check_id)


def lines(checks: list[Check], frames: Frames, rows: Rows) -> list[Line]:
    made = cross_checks.cross_check_tables(frames, rows, checks)
    return [*made["derived"].to_dict("records"), *made["consistency"].to_dict("records")]


def only_line(check_id: str, changes: dict[str, Change]) -> Line:
    (made,) = lines([check(check_id)], *tables(changes))
    return made


def missing(check_id: str, changes: dict[str, Change]) -> list[str]:
    with pytest.raises(InputError) as error:
        lines([check(check_id)], *tables(changes))
    return error.value.problems


NEEDS = "(a row was dropped or its id changed)"


@pytest.mark.parametrize(
    ("check_id", "changes", "problem"),
    [
        (
            "poll-margin-of-error",
            {"poll_method": drop("fact_id", "margin_of_error_reference_n")},
            "data/raw/ipsos-io-2025-06-navo/method.csv: no row with fact_id = 'margin_of_error_reference_n', "
            f"which check poll-margin-of-error needs {NEEDS}",
        ),
        (
            "poll-sample-n-in-sources",
            {"sources": drop("source_id", "ipsos-io-2025-06-navo")},
            "data/raw/reference/sources.csv: no row with source_id = 'ipsos-io-2025-06-navo', "
            f"which check poll-sample-n-in-sources needs {NEEDS}",
        ),
        (
            "force-standby-share",
            {"fair_shares": drop("fair_share_id", "iob-nato-personnel")},
            "data/raw/iob-2025-samen-sterker/fair_shares.csv: no row with fair_share_id = 'iob-nato-personnel', "
            f"which check force-standby-share needs {NEEDS}",
        ),
        (
            "cpb-debt-rises-2030-2060",
            {"party_fiscal_projections": drop("subject", "baseline", year="2060")},
            "data/raw/clingendael-2025-10-kantelpunt/projections_text.csv: no row with subject = 'baseline' and year = 2060, "
            f"which check cpb-debt-rises-2030-2060 needs {NEEDS}",
        ),
        (  # reported at the IOB's figure, missing from the AIV's file
            "sum-readiness-2030-rearm-europe",
            {"financial_figures": drop("figure_id", "aiv-readiness-2030-loans")},
            "data/raw/aiv-2025-briefadvies-navo-top/financial_figures.csv: no row with figure_id = 'aiv-readiness-2030-loans', "
            f"which check sum-readiness-2030-rearm-europe needs {NEEDS}",
        ),
        (
            "consistent-hague-core-defence",
            {"spending_norms": drop("norm_id", "clingendael-nato-hague-core")},
            "data/raw/clingendael-2025-10-kantelpunt/spending_norms.csv: no row with norm_id = 'clingendael-nato-hague-core', "
            f"which check consistent-hague-core-defence needs {NEEDS}",
        ),
    ],
)
def test_a_missing_input_names_the_raw_file_its_input_declares_and_the_check(check_id: str, changes: dict, problem: str) -> None:
    assert missing(check_id, changes) == [problem]


def test_a_row_that_derives_from_a_missing_row_names_itself() -> None:
    requirements = cross_checks.FROM_ROWS[1]
    line = next(r["raw_line"] for r in PUBLISHED["force_requirements"] if r["requirement_id"] == "iob-nl-standby-eu")
    frames, rows = tables({"force_requirements": drop("requirement_id", "iob-eu-rdc-footnote-336")})
    with pytest.raises(InputError) as error:
        lines([requirements], frames, rows)
    assert error.value.problems == [
        f"data/raw/iob-2025-samen-sterker/force_requirements.csv, line {line}, field 'derived_from': 'iob-eu-rdc-footnote-336' "
        f"is no requirement_id of force_requirements, which check force-iob-nl-standby-eu needs {NEEDS}"
    ]


@pytest.mark.parametrize(
    ("value", "observed", "excess"),
    [("3.6", "3.6%", 0.1), ("3.4", "3.4%", -0.1), ("3", "3%", -0.5)],
)
def test_a_share_stated_as_zon_may_be_off_by_its_tolerance(value: str, observed: str, excess: float) -> None:
    """'zo'n 3%' against 150 / 5.000: 3.6 is 0.1 beyond the 0.5 points the check allows (fails); 3.4 is within (passes)."""
    made = only_line("contribution-rdc-share", {"mission_contributions": setting("contribution_id", "iob-eu-rdc-share", "value", value)})
    assert (made["comparator"], made["expected"], made["observed"], made["tolerance"]) == ("approx", observed, "3%", 0.5)
    assert made["excess"] == pytest.approx(excess)


@pytest.mark.parametrize(
    ("check_id", "changes", "expected", "observed", "excess"),
    [
        (
            "poll-margin-of-error",
            {"poll_method": setting("fact_id", "margin_of_error", "value_number", "2.3")},
            "2.3 points",
            "2.2 points",
            0.1,
        ),
        ("poll-margin-of-error", {}, "2.2 points", "2.2 points", 0),
        (
            "sum-hague-norm-kamerbrief-2025-navo-top",
            {"spending_norms": setting("norm_id", "kamerbrief-hague-related", "pct_gdp", "1.4")},
            "5%",
            "4.9%",
            0.1,
        ),
        ("poll-split-run-halves", {"poll_method": setting("fact_id", "split_run_n_first", "value_number", "1101")}, "2253", "2254", 1),
    ],
)
def test_an_exact_figure_fails_when_its_recomputation_differs(
    check_id: str, changes: dict, expected: str, observed: str, excess: float
) -> None:
    made = only_line(check_id, changes)
    assert (made["comparator"], made["expected"], made["observed"], made["tolerance"]) == ("eq", expected, observed, 0)
    assert made["excess"] == pytest.approx(excess)


@pytest.mark.parametrize(("stated", "difference"), [("9.3", 0), ("9.2", 0.1), ("9.4", -0.1)])
def test_a_share_stated_as_ruim_must_be_below_its_recomputation(stated: str, difference: float) -> None:
    """'ruim 9%' of the active military are on stand-by: the recomputed 9.3% must be strictly above what is stated."""
    made = only_line("force-standby-share", {"force_requirements": setting("requirement_id", "iob-nl-standby-share", "quantity", stated)})
    assert (made["comparator"], made["expected"], made["observed"]) == ("gt", f"{stated}%", "9.3%")
    assert made["difference"] == pytest.approx(difference)


def test_a_fact_stated_twice_differently_has_two_values() -> None:
    changes = {"spending_norms": setting("norm_id", "clingendael-nato-hague-core", "pct_gdp", "3.4")}
    made = only_line("consistent-hague-core-defence", changes)
    assert (made["expected"], made["observed"], made["distinct_values"]) == ("one value", "3.4, 3.5", 2)


def test_the_poll_listed_in_sources_must_match_its_method_section() -> None:
    made = only_line("poll-fieldwork-in-sources", {"sources": setting("source_id", "ipsos-io-2025-06-navo", "fieldwork_end", "2025-06-17")})
    assert (made["expected"], made["observed"], made["distinct_values"]) == ("2025-06-13 to 2025-06-16", "2025-06-13 to 2025-06-17", 2)
    assert made["raw_file"] == "data/raw/reference/sources.csv"


def test_the_checks_run_in_the_order_checks_csv_lists_them() -> None:
    with (ROOT / "data/checks.csv").open(encoding="utf-8") as handle:
        published = [row["check_id"] for row in csv.DictReader(handle) if row["kind"] in ("derived", "consistency")]
    assert [made["check_id"] for made in lines(cross_checks.all_checks(), *tables())] == published


def test_every_input_names_a_raw_file_that_holds_its_row() -> None:
    frames, _ = tables()
    checks = cross_checks.all_checks()
    assert cross_checks.missing_inputs(frames, checks) == []
    files = {need.raw_file() for c in checks if not isinstance(c, cross_checks.EachRow) for need in c.inputs}
    files |= {document.raw_file(resource) for document in DOCUMENTS for resource in document.raw_files}
    assert sorted(path for path in files if not path.is_file()) == []
    ids = [c.check_id for c in checks if not isinstance(c, cross_checks.EachRow)]
    assert len(ids) == len(set(ids))
