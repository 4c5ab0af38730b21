"""Reconciliation tables: every claim in the prose against the value it restates, every
derived figure against its recomputation, and every fact stated in several places against
the others. The tables only line values up; `crosscheck` validates them with
great-expectations and decides what agrees.

The claims are rows of the `claims` resource. The other checks are records
(pipelines/sources/__init__.py): a document's own are in its module (`Document.cross_checks`),
those across documents and those the rows of a table declare are here. Each record names the
rows it needs (`Input`); a missing one stops the pipeline at the raw file it is missing from.

Rules for "agree" (the tolerance column):
- eq: the value as printed (0); approx: within 3 percentage points for percentages
  ('één op vijf', 'circa'), within 1.5 parties for counts of parties ('ongeveer de helft'),
  within the tolerance a derived check declares (0.5 points for a share stated as 'zo'n');
  gt / lt: strictly above / below;
- rank: the value's rank among the items of its question, wave and respondent group, highest first
  (for the matrices: the item's count of matching parties among its own and the `peers` items of
  its key); rank_wave: among the waves of the same item;
- above / below / same_level: the value against the row compared_key names, strictly above,
  strictly below, or within 3 points;
- undetermined: a claim about the matrices whose count the lost cells leave open (each count from
  the cells that survive to those plus every lost cell of the item is tried: it is decided only if
  all agree or all disagree), or a claim on values the document does not print (values_printed
  false). It is published with status undetermined, never as a pass;
- set: the parties matching the filter are exactly the claimed ones; includes: at least them;
- a recomputed share is rounded to the decimals the document prints ('2,5%': one) before
  it is compared; a share of a total (stand-by troops) must be exact;
- a fact stated in several places has one distinct value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from pipelines.lib.dutch_numbers import decimals
from pipelines.lib.package import rel
from pipelines.lib.raw import InputError
from pipelines.sources import (
    Check,
    CrossCheck,
    Document,
    EachRow,
    Found,
    Frames,
    Input,
    OneValue,
    Outcome,
    Recomputed,
    Restated,
    RowCheck,
    aiv,
    clingendael,
    iob,
    kamerbrief,
    sum_of_parts,
)
from pipelines.sources.registry import DOCUMENTS

APPROX = {"percent": 3.0, "parties": 1.5}
KEY = ["question_id", "wave", "respondent_group", "item", "answer"]
COLUMNS = [
    "check_id",
    "kind",
    "description",
    "comparator",
    "expected",
    "observed",
    "difference",
    "tolerance",
    "excess",
    "claimed_parties",
    "observed_parties",
    "missing_parties",
    "distinct_values",
    "source_id",
    "raw_file",
    "raw_line",
]

Rows = dict[str, list[dict[str, str]]]
Line = dict[str, object]


def line(kind: str, check_id: str, description: str, raw: dict[str, str], source_id: str, **values: object) -> Line:
    return {
        "kind": kind,
        "check_id": check_id,
        "description": description,
        "source_id": source_id,
        "raw_file": raw.get("raw_file", ""),
        "raw_line": raw.get("raw_line", ""),
        **values,
    }


def numeric(comparator: str, expected: float, observed: float, tolerance: float = 0.0, unit: str = "") -> Line:
    return {
        "comparator": comparator,
        "expected": f"{expected:g}{unit}",
        "observed": f"{observed:g}{unit}",
        "difference": observed - expected,
        "tolerance": tolerance,
        "excess": abs(observed - expected) - tolerance,
    }


# ---- claims ----------------------------------------------------------------------------------


# Each table's columns as text, as keys are compared: converted once per table and column while
# claims_table runs (about 80 claims look up keys in the same few tables; converting whole tables
# for each took 0.8 s of a crosscheck). The table is kept with its columns so that its id is not
# reused while cached; claims_table empties it when done.
_TEXT: dict[tuple[int, str], tuple[pd.DataFrame, object]] = {}


def matches(table: pd.DataFrame, key: dict) -> object:
    """A boolean mask of the rows whose cells, as text, are the key's values."""
    expected = pd.Series(key, dtype="str")
    mask = pd.Series(True, index=table.index).to_numpy()
    for column in key:
        cached = _TEXT.get((id(table), column))
        if cached is None or cached[0] is not table:
            cached = _TEXT[(id(table), column)] = (table, table[column].astype("str").to_numpy())
        mask = mask & (cached[1] == expected[column])
    return mask


def selected(table: pd.DataFrame, key: dict) -> pd.DataFrame | None:
    """The rows a claim's key selects, with the columns claims read (party_id, cell_status): taking
    every column of the matrices for each claim was half of the claims' time."""
    if any(column not in table.columns for column in key):
        return None
    # claims are about parties: rows without a party (the CPB baseline) never count
    read = [column for column in ("party_id", "cell_status") if column in table.columns]
    return table.loc[matches(table, key) & table.party_id.notna().to_numpy(), read]


def poll_values(results: pd.DataFrame) -> dict[tuple[str, ...], float]:
    """value_pct by KEY, of the first row with that key (what a claim restates); looked up for
    every claim, so made once. A row with a missing key cell matches no claim."""
    values: dict[tuple[str, ...], float] = {}
    for *key, value in results[[*KEY, "value_pct"]].itertuples(index=False):
        if not any(pd.isna(cell) for cell in key):
            values.setdefault(tuple(key), value)
    return values


def holds(comparator: str, claimed: float, observed: float, tolerance: float) -> bool:
    """Whether an observed count agrees with a claim, by the rules above."""
    return {
        "eq": abs(observed - claimed) <= tolerance,
        "approx": abs(observed - claimed) <= tolerance,
        "rank": observed == claimed,
        "gt": observed > claimed,
        "lt": observed < claimed,
        "ge": observed >= claimed,
        "le": observed <= claimed,
    }[comparator]


def undetermined(comparator: str, expected: str, observed: str) -> Line:
    return {"comparator": "undetermined", "expected": f"{comparator} {expected}", "observed": observed}


def lost_cells(table: pd.DataFrame, key: dict) -> int:
    """The lost cells of the item(s) a filter on the matrices selects, whatever their position."""
    if "cell_status" not in table.columns or "position" not in key:
        return 0
    rows = selected(table, {k: v for k, v in key.items() if k != "position"})
    return 0 if rows is None else int((rows.cell_status == "lost").sum())


def party_rank(claim: pd.Series, key: dict, table: pd.DataFrame) -> Line:
    """The item's rank by its count of matching parties among its peers, highest first; with lost
    cells, the best and the worst rank they allow."""
    peers = key.pop("peers")
    ranges = {}
    for item in [key["item"], *peers]:
        rows, cells = selected(table, key | {"item": item}), selected(table, {"table_id": key["table_id"], "item": item})
        if rows is None or cells is None or cells.empty:
            return {"comparator": "rank", "expected": claim.refers_key, "observed": f"no item {item!r}"}
        settled = len(rows)
        ranges[item] = (settled, settled + lost_cells(table, key | {"item": item}))
    low, high = ranges[key["item"]]
    best = 1 + sum(other[0] > high for name, other in ranges.items() if name != key["item"])
    worst = 1 + sum(other[1] > low for name, other in ranges.items() if name != key["item"])
    if best == worst or not best <= claim.claimed_value <= worst:
        return numeric("rank", claim.claimed_value, best if claim.claimed_value < best else worst)
    return undetermined("rank", f"{claim.claimed_value:g}", f"rank {best} to {worst}: lost cells leave it open")


def party_claim(claim: pd.Series, rows: pd.DataFrame, lost: int = 0) -> Line:
    """A claim about the matrices: which parties match its filter, or how many. With lost cells
    in the item, a count is decided only where every count they allow agrees, or none does."""
    parties = ";".join(sorted(set(rows.party_id)))
    if claim.comparator not in ("set", "includes"):
        tolerance = APPROX["parties"] if claim.comparator == "approx" else 0
        if lost:
            outcomes = {holds(claim.comparator, claim.claimed_value, n, tolerance) for n in range(len(rows), len(rows) + lost + 1)}
            if len(outcomes) > 1:
                return undetermined(claim.comparator, f"{claim.claimed_value:g} parties", f"{len(rows)} parties, and {lost} lost cells")
        return numeric(claim.comparator, claim.claimed_value, len(rows), tolerance, " parties")
    claimed = ";".join(sorted(str(claim.claimed_parties).split(";")))
    missing = ";".join(sorted(set(claimed.split(";")) - set(parties.split(";")))) or None
    return {
        "comparator": claim.comparator,
        "expected": claimed,
        "observed": parties or "no party",
        "claimed_parties": claimed,
        "observed_parties": parties,
        "missing_parties": missing,
    }


def rank(value: float, key: dict, results: pd.DataFrame, over: str = "item") -> int:
    """The value's rank among the items (over="item") or the waves (over="wave") of the rows that
    share the rest of its key, highest first."""
    same = [c for c in KEY if c != over]
    peers = results.loc[matches(results, {c: key[c] for c in same})]
    return int((peers.value_pct > value).sum()) + 1


COMPARISONS = {"above": "gt", "below": "lt", "same_level": "approx"}


def poll_claim(claim: pd.Series, key: dict, results: pd.DataFrame, values: dict[tuple[str, ...], float]) -> Line:
    """A claim about a poll percentage: the value, its rank, or how it compares with another."""
    value = values.get(tuple(key[column] for column in KEY))
    if claim.comparator in COMPARISONS:
        compared = json.loads(claim.compared_key)
        other = values.get(tuple(compared[column] for column in KEY))
        if not claim.values_printed:
            if value is not None:  # the value a claim on unprinted values is about must really be absent
                return {"comparator": claim.comparator, "expected": "values not printed (values_printed false)", "observed": "printed"}
            return undetermined(claim.comparator, claim.compared_key, "the document does not print the values compared")
        if value is None or other is None or pd.isna(value) or pd.isna(other):
            return {"comparator": claim.comparator, "expected": claim.compared_key, "observed": "no such value"}
        comparator = COMPARISONS[claim.comparator]
        return numeric(comparator, float(other), float(value), APPROX["percent"] if comparator == "approx" else 0, "%")
    if value is None or pd.isna(value):
        return {"comparator": claim.comparator, "expected": f"{claim.claimed_value:g}", "observed": "no such value"}
    if claim.comparator in ("rank", "rank_wave"):
        return numeric("rank", claim.claimed_value, rank(float(value), key, results, "wave" if claim.comparator == "rank_wave" else "item"))
    tolerance = APPROX["percent"] if claim.comparator == "approx" else 0
    return numeric(claim.comparator, claim.claimed_value, float(value), tolerance, "%")


def claim_line(claim: pd.Series, raw: dict[str, str], frames: Frames, values: dict[tuple[str, ...], float]) -> Line:
    key = json.loads(claim.refers_key)
    description = f"{claim.locator}: '{claim.printed}' against {claim.refers_to} {claim.refers_key}"
    base = line("claim", f"claim-{claim.claim_id}", description, raw, claim.source_id)
    if claim.refers_to == "poll_results":
        return {**base, **poll_claim(claim, key, frames["poll_results"], values)}
    if claim.comparator == "rank" and "peers" in key:
        return {**base, **party_rank(claim, key, frames[claim.refers_to])}
    rows = selected(frames[claim.refers_to], key)
    if rows is None:
        return {**base, "comparator": claim.comparator, "expected": claim.refers_key, "observed": "no such column"}
    return {**base, **party_claim(claim, rows, lost_cells(frames[claim.refers_to], key))}


def claims_table(frames: Frames, rows: Rows) -> pd.DataFrame:
    values = poll_values(frames["poll_results"])
    try:
        lines = [claim_line(claim, rows["claims"][i], frames, values) for i, claim in frames["claims"].iterrows()]
    finally:
        _TEXT.clear()
    return pd.DataFrame(lines, columns=COLUMNS)


# ---- checks the rows of a table declare ----------------------------------------------------------


def fair_share(share: pd.Series, frames: Frames) -> RowCheck:
    """A fair share states its inputs: the share they give, rounded as printed, is the stated one."""
    recomputed = round(share.computed_share_pct, decimals(share.stated_printed))
    return RowCheck(
        f"fair-share-{share.fair_share_id}",
        f"{share.fair_share_id}: stated share against 100 × {share.nl_printed} / {share.total_printed}, "
        f"rounded as printed ({share.computed_share_pct:.2f}%)",
        Recomputed(share.stated_share_pct, recomputed),
    )


def share_of_requirement(requirement: pd.Series, frames: Frames) -> RowCheck | None:
    """A requirement derived as a share of another ('<requirement_id> × 2.5%' in derived_from)."""
    derived_from = requirement.derived_from
    match = re.fullmatch(r"([a-z0-9-]+) × (\d+(?:\.\d+)?)%", derived_from) if isinstance(derived_from, str) else None
    if match is None:
        return None
    base_id, pct = match.groups()
    force = frames["force_requirements"]
    base = force[force.requirement_id == base_id]
    if base.empty:  # the row names its input: it is reported there
        raise InputError(
            [
                f"{requirement.raw_file}, line {requirement.raw_line}, field 'derived_from': {base_id!r} is no requirement_id of "
                f"force_requirements, which check force-{requirement.requirement_id} needs (a row was dropped or its id changed)"
            ]
        )
    return RowCheck(
        f"force-{requirement.requirement_id}",
        f"{requirement.requirement_id} = {pct}% of {base_id}",
        Recomputed(requirement.quantity, base.quantity.iloc[0] * float(pct) / 100),
    )


FROM_ROWS: tuple[Check, ...] = (
    EachRow("fair_shares", fair_share, unit="%"),
    EachRow("force_requirements", share_of_requirement),
)


# ---- checks across documents ---------------------------------------------------------------------


def figure(document: Document, figure_id: str) -> Input:
    return Input(document, "financial_figures", {"figure_id": figure_id})


def norm(document: Document, norm_id: str) -> Input:
    return Input(document, "spending_norms", {"norm_id": norm_id})


def requirement(document: Document, requirement_id: str) -> Input:
    return Input(document, "force_requirements", {"requirement_id": requirement_id})


def nato(norms: pd.DataFrame) -> pd.DataFrame:
    """The norms NATO's allies agreed (not a proposal, a recommendation or a past level)."""
    return norms[(norms.organisation == "NATO") & (norms.statement_type == "agreed_norm")]


def nato_2pct(norms: pd.DataFrame) -> pd.DataFrame:
    stated = nato(norms)
    # NATO's 2% of GDP is defence expenditure as NATO defines it: core_defence (from 2.3.0, as the
    # third readings decided; it was `total` before)
    return stated[(stated.pct_gdp == 2) & (stated.component == "core_defence")]


def nato_part(component: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """The Hague norm's part `component`: the NATO norms of that component other than the 2% of
    2006/2014, which is core_defence too."""

    def select(norms: pd.DataFrame) -> pd.DataFrame:
        stated = nato(norms)
        return stated[(stated.component == component) & (stated.pct_gdp != 2)]

    return select


def eu_rdc(force: pd.DataFrame) -> pd.DataFrame:
    return force[force.requirement_id.str.startswith("iob-eu-rdc")]


def single_ally_guideline(force: pd.DataFrame) -> pd.DataFrame:
    return force[(force.unit == "pct_of_capabilities") & (force.comparator == "le")]


def single_ally_guideline_since(force: pd.DataFrame) -> pd.DataFrame:
    # a later statement may say the guideline still applies; the year it dates from is each document's earliest
    guideline = single_ally_guideline(force)
    return guideline.loc[guideline.groupby("source_id").year.idxmin().dropna()]


def eu_military(year: int) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """The statements of how the EU military missions compared with the fair share in `year`."""

    def select(contributions: pd.DataFrame) -> pd.DataFrame:
        stated = contributions[
            (contributions.organisation == "EU")
            & (contributions.mission_type == "military_missions")
            & (contributions.relative_to_fair_share != "not_stated")
            & contributions.period_start.notna()
        ]
        # a statement with a start and no end ('vanaf oktober 2023') classifies the contribution
        # as it started, not every later year
        return stated[(stated.period_start <= year) & (stated.period_end.fillna(stated.period_start) >= year)]

    return select


SINGLE_ALLY = (
    requirement(iob.DOCUMENT, "iob-nato-single-ally-ambition-2019"),
    requirement(aiv.DOCUMENT, "aiv-single-ally-guideline-2019"),
)

ACROSS_DOCUMENTS: tuple[Check, ...] = (
    CrossCheck(
        "sum-readiness-2030-rearm-europe",
        "Readiness 2030 fiscal space + loans (AIV) = the ReArm Europe plan (IOB)",
        (
            figure(iob.DOCUMENT, "iob-rearm-europe"),
            figure(aiv.DOCUMENT, "aiv-readiness-2030-fiscal-space"),
            figure(aiv.DOCUMENT, "aiv-readiness-2030-loans"),
        ),
        sum_of_parts("amount"),
        unit=" bn",
    ),
    OneValue(
        "consistent-agreed-year-nato-2pct",
        "every statement gives the same year the NATO 2% norm was agreed",
        (norm(iob.DOCUMENT, "iob-nato-2pct-agreed-2006"), norm(iob.DOCUMENT, "iob-nato-2pct-agreed-2014")),
        "spending_norms",
        nato_2pct,
        "agreed_year",
    ),
    OneValue(
        "consistent-nl-first-met-year-nato-2pct",
        "every statement gives the same year the Netherlands first met 2%",
        (norm(iob.DOCUMENT, "iob-nl-2pct-first-met"), norm(aiv.DOCUMENT, "aiv-nl-first-met-2pct")),
        "spending_norms",
        nato_2pct,
        "nl_first_met_year",
    ),
    OneValue(
        "consistent-hague-core-defence",
        "every document gives the same NATO core_defence norm",
        (norm(kamerbrief.DOCUMENT, "kamerbrief-hague-core"), norm(clingendael.DOCUMENT, "clingendael-nato-hague-core")),
        "spending_norms",
        nato_part("core_defence"),
        "pct_gdp",
    ),
    OneValue(
        "consistent-hague-defence-related",
        "every document gives the same NATO defence_related norm",
        (norm(kamerbrief.DOCUMENT, "kamerbrief-hague-related"), norm(clingendael.DOCUMENT, "clingendael-nato-hague-related")),
        "spending_norms",
        nato_part("defence_related"),
        "pct_gdp",
    ),
    OneValue(
        "consistent-eu-rdc-readiness",
        "every statement gives the same readiness window (days) for the EU rapid reaction force",
        (requirement(iob.DOCUMENT, "iob-eu-rdc-footnote-336"), requirement(iob.DOCUMENT, "iob-eu-rdc-readiness-body")),
        "force_requirements",
        eu_rdc,
        "readiness_days_max",
    ),
    OneValue(
        "consistent-single-ally-guideline",
        "every statement of the single-ally guideline gives the same share",
        SINGLE_ALLY,
        "force_requirements",
        single_ally_guideline,
        "quantity",
    ),
    OneValue(
        "consistent-single-ally-guideline-since",
        "every document dates the single-ally guideline from the same year",
        SINGLE_ALLY,
        "force_requirements",
        single_ally_guideline_since,
        "year",
    ),
    # a year that only one statement covers has no check
    *(
        OneValue(
            f"consistent-eu-military-{year}",
            f"{year} is classified once relative to the EU military fair share",
            (),
            "mission_contributions",
            eu_military(year),
            "relative_to_fair_share",
        )
        for year in range(2015, 2025)
    ),
)


def all_checks() -> list[Check]:
    """Every check but the claims, in the order of checks.csv. That order is older than the
    records, and a refactoring must not change a published byte: the checks the rows declare,
    the IOB's and the government letter's, those across documents, then every other document's
    in the registry's order."""
    first = (iob.DOCUMENT, kamerbrief.DOCUMENT)
    rest = [document for document in DOCUMENTS if document.source_id not in (iob.SOURCE_ID, kamerbrief.SOURCE_ID)]
    return [
        *FROM_ROWS,
        *(check for document in first for check in document.cross_checks),
        *ACROSS_DOCUMENTS,
        *(check for document in rest for check in document.cross_checks),
    ]


# ---- running the checks --------------------------------------------------------------------------


def matching(frame: pd.DataFrame, key: Mapping[str, str | int]) -> pd.Index:
    """The index of the rows with the key's values."""
    match = pd.Series(True, index=frame.index)
    for column, value in key.items():
        match &= (frame[column] == value).fillna(False).astype(bool)
    return frame.index[match]


def missing_inputs(frames: Frames, checks: Sequence[Check]) -> list[str]:
    """A problem for every input row that is not there, at the raw file its input names."""
    problems = []
    for check in checks:
        if isinstance(check, EachRow):  # its rows declare what they need; a missing one is reported at its line
            continue
        for need in check.inputs:
            if matching(frames[need.resource], need.key).empty:
                key = " and ".join(f"{column} = {value!r}" for column, value in need.key.items())
                problems.append(
                    f"{rel(need.raw_file())}: no row with {key}, which check {check.check_id} needs (a row was dropped or its id changed)"
                )
    return problems


def outcome_line(
    check_id: str,
    description: str,
    outcome: Outcome,
    raw: dict[str, str],
    source_id: str,
    comparator: str = "eq",
    tolerance: float = 0.0,
    unit: str = "",
) -> Line:
    if isinstance(outcome, Restated):
        agree = {"comparator": "one_value", "expected": outcome.expected, "observed": outcome.observed}
        return line("consistency", check_id, description, raw, source_id, **agree, distinct_values=1 if outcome.agree else 2)
    values = numeric(comparator, outcome.stated, outcome.recomputed, tolerance, unit)
    return line("derived", check_id, description, raw, source_id, **values)


def one_value_lines(check: OneValue, frames: Frames, rows: Rows) -> list[Line]:
    """The check's line, or none if fewer than two rows state the fact."""
    frame = check.select(frames[check.resource])
    stated = frame[check.column].dropna()
    if len(stated) < 2:
        return []
    values = sorted({f"{v:g}" if isinstance(v, float) else str(v) for v in stated})
    sources = sorted(set(frame.loc[stated.index, "source_id"]))
    return [
        line(
            "consistency",
            check.check_id,
            f"{check.description} ({', '.join(sources)})",
            rows[check.resource][stated.index[0]],
            sources[0],
            comparator="one_value",
            expected="one value",
            observed=", ".join(values),
            distinct_values=len(values),
        )
    ]


def each_row_lines(check: EachRow, frames: Frames, rows: Rows) -> list[Line]:
    lines = []
    for index, row in frames[check.resource].iterrows():
        declared = check.check(row, frames)
        if declared is not None:
            raw = rows[check.resource][index]
            lines.append(outcome_line(declared.check_id, declared.description, declared.outcome, raw, row.source_id, unit=check.unit))
    return lines


def cross_check_line(check: CrossCheck, frames: Frames, rows: Rows) -> Line:
    at = [int(matching(frames[need.resource], need.key)[0]) for need in check.inputs]
    found = Found(tuple(frames[need.resource].loc[index] for need, index in zip(check.inputs, at, strict=True)), frames)
    description = check.description if isinstance(check.description, str) else check.description(found)
    raw = rows[check.inputs[0].resource][at[0]]
    outcome = check.compute(found)
    return outcome_line(check.check_id, description, outcome, raw, found.rows[0].source_id, check.comparator, check.tolerance, check.unit)


def lines_of(check: Check, frames: Frames, rows: Rows) -> list[Line]:
    if isinstance(check, EachRow):
        return each_row_lines(check, frames, rows)
    if isinstance(check, OneValue):
        return one_value_lines(check, frames, rows)
    return [cross_check_line(check, frames, rows)]


def cross_check_tables(frames: Frames, rows: Rows, checks: Sequence[Check] | None = None) -> dict[str, pd.DataFrame]:
    """The derived and the consistency table, of every cross-check or of `checks`. An input row
    that is not there stops the pipeline before anything is computed."""
    checks = all_checks() if checks is None else checks
    missing = missing_inputs(frames, checks)
    if missing:
        raise InputError(missing)
    lines = [each for check in checks for each in lines_of(check, frames, rows)]
    return {kind: pd.DataFrame([each for each in lines if each["kind"] == kind], columns=COLUMNS) for kind in ("derived", "consistency")}
