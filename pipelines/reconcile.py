"""Cross-checks between tables: every claim in the prose against the value it restates, and
derived figures against their recomputation. A disagreement must be registered in
`discrepancies` (the claim names it); an unregistered one, or a registered one that no longer
disagrees, stops the pipeline.

Rule for "agree": eq claims equal the value as printed; approx claims (verbal fractions,
'circa') are within 3 percentage points; rank claims give the value's rank among the items
of its question, wave and group (highest first). Claims about the party matrices select rows
with a filter: count claims compare the number of rows (approx: within 1.5 parties); set
claims need exactly the named parties, includes claims at least them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pandas as pd

from pipelines.common import where
from pipelines.poll import half_width

APPROX_POINTS = 3.0
APPROX_PARTIES = 1.5
KEY = ["question_id", "wave", "group", "item", "answer"]


def compare(observed: float, comparator: str, claimed: float, tolerance: float) -> bool:
    return {
        "eq": observed == claimed,
        "approx": abs(observed - claimed) <= tolerance,
        "gt": observed > claimed,
        "lt": observed < claimed,
    }[comparator]


def selection_outcome(claim: pd.Series, table: pd.DataFrame) -> tuple[bool | None, str]:
    """Claims about a set of rows: how many match the filter, or which parties they are."""
    key = json.loads(claim.refers_key)
    unknown = [column for column in key if column not in table.columns]
    if unknown:
        return None, f"unknown column(s) {unknown}"
    # Claims are about parties: rows without a party (the CPB baseline) never count.
    rows = table.loc[(table[list(key)].astype("str") == pd.Series(key, dtype="str")).all(axis=1) & table.party_id.notna()]
    parties = set(rows.party_id)
    if claim.comparator in ("set", "includes"):
        claimed = set(str(claim.claimed_parties).split(";"))
        agrees = parties == claimed if claim.comparator == "set" else claimed <= parties
        return agrees, ";".join(sorted(parties)) or "no party"
    return compare(len(rows), claim.comparator, float(claim.claimed_value), APPROX_PARTIES), f"{len(rows)} parties' rows"


def claim_outcome(claim: pd.Series, frames: dict[str, pd.DataFrame]) -> tuple[bool | None, str]:
    """(agrees, observed) of one claim; agrees is None when the referred value does not exist."""
    if claim.refers_to != "poll_results":
        return selection_outcome(claim, frames[claim.refers_to])
    results = frames["poll_results"]
    key = json.loads(claim.refers_key)
    match = results.loc[(results[KEY] == pd.Series(key)[KEY]).all(axis=1)]
    if match.empty or pd.isna(match.value_pct.iloc[0]):
        return None, "no such value"
    value = float(match.value_pct.iloc[0])
    claimed = float(claim.claimed_value)
    if claim.comparator == "rank":
        peers = results.loc[
            (results.question_id == key["question_id"]) & (results.wave == key["wave"])
            & (results.group == key["group"]) & (results.answer == key["answer"])
        ]
        rank = int((peers.value_pct > value).sum()) + 1
        return rank == claimed, f"rank {rank}"
    return compare(value, claim.comparator, claimed, APPROX_POINTS), f"{value:g}"


def claim_problems(frames: dict[str, pd.DataFrame], rows: dict[str, list[dict[str, str]]]) -> list[str]:
    problems = []
    for index, claim in frames["claims"].iterrows():
        agrees, observed = claim_outcome(claim, frames)
        row = rows["claims"][index]
        registered = pd.notna(claim.discrepancy_id)
        if agrees is None:
            problems.append(f"{where(row, 'question_id')}: claim {claim.claim_id} refers to {claim.refers_key}, which is not a published value")
        elif not agrees and not registered:
            claimed = claim.claimed_parties if pd.notna(claim.claimed_parties) else f"{claim.claimed_value:g}"
            problems.append(
                f"{where(row, 'printed')}: claim {claim.claim_id} says {claim.printed!r} "
                f"({claim.comparator} {claimed}) but the value is {observed}; "
                "fix the transcription or register the discrepancy"
            )
        elif agrees and registered:
            problems.append(f"{where(row, 'discrepancy_id')}: claim {claim.claim_id} agrees with the value ({observed}) but names discrepancy {claim.discrepancy_id}")
    return problems


def derived_problems(frames: dict[str, pd.DataFrame], rows: dict[str, list[dict[str, str]]]) -> list[str]:
    """The poll's stated margin of error and split-run halves against their recomputation."""
    method = frames["poll_method"].set_index("fact_id")
    lines = {row["fact_id"]: row for row in rows["poll_method"]}
    problems = []
    value = method.value_number
    moe = half_width(value["margin_of_error_reference_pct"], int(value["margin_of_error_reference_n"]))
    if round(moe, 1) != value["margin_of_error"]:
        problems.append(f"{where(lines['margin_of_error'], 'value_number')}: stated margin of error {value['margin_of_error']:g} but the Wilson interval gives {moe:.2f}")
    halves = value["split_run_n_first"] + value["split_run_n_second"]
    if halves != value["sample_n"]:
        problems.append(f"{where(lines['split_run_n_second'], 'value_number')}: split-run halves add up to {halves:g}, not the sample of {value['sample_n']:g}")
    return problems


@dataclass(frozen=True)
class Derived:
    """One recomputation or consistency check: what the documents state against what follows."""

    check_id: str
    description: str
    expected: str
    observed: str
    agrees: bool
    row: dict[str, str]


def decimals(printed: str) -> int:
    match = re.search(r"\d+(?:,(\d+))?", printed)
    return len(match.group(1) or "") if match else 0


def lookup(frames: dict[str, pd.DataFrame], rows: dict[str, list[dict[str, str]]], resource: str, key: str, value: str):
    frame = frames[resource]
    index = frame.index[frame[key] == value]
    if len(index) != 1:
        raise KeyError(f"{resource} has no single row with {key} = {value!r}")
    return frame.loc[index[0]], rows[resource][index[0]]


def derived_checks(frames: dict[str, pd.DataFrame], rows: dict[str, list[dict[str, str]]]) -> list[Derived]:
    """Derived figures recomputed from their stated inputs, and facts stated more than once.

    Agreement rules: a recomputed share agrees when it rounds to the stated share at the
    number of decimals printed ('2,5%': one decimal); 'zo'n' (approx) within 0.5 points;
    'ruim' (gt) when above. A product of a share and a total must be exact.
    """
    checks: list[Derived] = []
    for index, share in frames["fair_shares"].iterrows():
        row = rows["fair_shares"][index]
        stated, computed = share.stated_share_pct, share.computed_share_pct
        checks.append(Derived(
            f"fair-share-{share.fair_share_id}", f"{share.fair_share_id}: stated share against 100 × {row['nl_printed']} / {row['total_printed']}",
            row["stated_printed"], f"{computed:.2f}%", round(computed, decimals(row["stated_printed"])) == stated, row,
        ))
    force = {r["requirement_id"]: (frames["force_requirements"].loc[i], r) for i, r in enumerate(rows["force_requirements"])}
    for requirement_id, (req, row) in force.items():
        derived = row["derived_from"]
        match = re.fullmatch(r"([a-z0-9-]+) × (\d+(?:\.\d+)?)%", derived)
        if match:
            total = force[match.group(1)][0].quantity
            product = total * float(match.group(2)) / 100
            checks.append(Derived(
                f"force-{requirement_id}", f"{requirement_id} = {match.group(2)}% of {match.group(1)}",
                f"{product:g}", f"{req.quantity:g}", product == req.quantity, row,
            ))
    if {"iob-nl-standby-share", "iob-nl-standby-eu", "iob-nl-standby-nato"} <= force.keys():
        share, row = force["iob-nl-standby-share"]
        active = 33600
        computed = 100 * (force["iob-nl-standby-eu"][0].quantity + force["iob-nl-standby-nato"][0].quantity) / active
        checks.append(Derived("force-standby-share", "stand-by share = (EU + NATO stand-by) / 33.600 active military, 'ruim' = above",
                              f"> {share.quantity:g}%", f"{computed:.2f}%", computed > share.quantity, row))
    if {"iob-nato-nfm-tier-1", "iob-nato-nfm-tier-2", "nato-300000-one-month"} <= force.keys():
        within_month, row = force["nato-300000-one-month"]
        tiers = force["iob-nato-nfm-tier-1"][0].quantity + force["iob-nato-nfm-tier-2"][0].quantity
        checks.append(Derived("force-nfm-tiers-within-a-month", "troops deployable within a month (footnote 337) = NATO Force Model tiers 1 + 2",
                              f"{within_month.quantity:g}", f"{tiers:g}", tiers == within_month.quantity, row))
    contributions = {r["contribution_id"]: (frames["mission_contributions"].loc[i], r) for i, r in enumerate(rows["mission_contributions"])}
    if {"iob-eu-rdc-share", "iob-nl-rdc-commitment", "iob-eu-rdc"} <= contributions.keys() | force.keys():
        share, row = contributions["iob-eu-rdc-share"]
        computed = 100 * force["iob-nl-rdc-commitment"][0].quantity / force["iob-eu-rdc"][0].quantity
        checks.append(Derived("contribution-rdc-share", "Dutch share of the EU Rapid Deployment Capacity = 150 / 5.000, 'zo'n' within 0.5 points",
                              f"{share.value:g}%", f"{computed:.2f}%", abs(computed - share.value) <= 0.5, row))
    checks += consistency_checks(frames, rows)
    checks += cross_document_checks(frames, rows)
    return checks


def one_value(check_id: str, description: str, frame: pd.DataFrame, column: str, rows: list[dict[str, str]]) -> list[Derived]:
    """Rows that state the same fact must give one value in `column` (no check for fewer than two)."""
    stated = frame[column].dropna()
    if len(stated) < 2:
        return []
    values = sorted({f"{v:g}" for v in stated})
    sources = sorted(set(frame.loc[stated.index, "source_id"]))
    return [Derived(check_id, f"{description} ({', '.join(sources)})", "one value", ", ".join(values), len(values) == 1, rows[stated.index[0]])]


def cross_document_checks(frames: dict[str, pd.DataFrame], rows: dict[str, list[dict[str, str]]]) -> list[Derived]:
    """Sums a document states, and facts that several documents state."""
    checks = []
    norms = frames["spending_norms"]
    nato = norms[norms.organisation == "NATO"]
    for source_id, part in nato.groupby("source_id"):
        by_component = {c: part[(part.component == c) & part.agreed_year.notna()] for c in ("core_defence", "defence_related", "total")}
        if all(len(v) for v in by_component.values()):
            core, related = by_component["core_defence"].pct_gdp.iloc[0], by_component["defence_related"].pct_gdp.iloc[0]
            total = by_component["total"][by_component["total"].pct_gdp > 2]
            if len(total):
                checks.append(Derived(f"sum-hague-norm-{source_id}", "core defence + defence-related = the total Hague norm",
                                      f"{total.pct_gdp.iloc[0]:g}%", f"{core + related:g}%", core + related == total.pct_gdp.iloc[0],
                                      rows["spending_norms"][total.index[0]]))
    for component in ("core_defence", "defence_related"):
        checks += one_value(f"consistent-hague-{component.replace('_', '-')}", f"every document gives the same NATO {component} norm",
                            nato[nato.component == component], "pct_gdp", rows["spending_norms"])
    force = frames["force_requirements"]
    guideline = force[(force.unit == "pct_of_capabilities") & (force.comparator == "lt")]
    checks += one_value("consistent-single-ally-guideline", "every statement of the single-ally guideline gives the same share", guideline, "quantity", rows["force_requirements"])
    # a later statement may say the guideline still applies; the year it dates from is each document's earliest
    since = guideline.loc[guideline.groupby("source_id").year.idxmin().dropna()]
    checks += one_value("consistent-single-ally-guideline-since", "every document dates the single-ally guideline from the same year", since, "year", rows["force_requirements"])
    figures = frames["financial_figures"].set_index("figure_id")
    parts, whole = ["aiv-readiness-2030-fiscal-space", "aiv-readiness-2030-loans"], "iob-rearm-europe"
    if set(parts + [whole]) <= set(figures.index):
        total = figures.loc[parts, "amount"].sum()
        row = rows["financial_figures"][frames["financial_figures"].index[frames["financial_figures"].figure_id == whole][0]]
        checks.append(Derived("sum-readiness-2030-rearm-europe", "Readiness 2030 fiscal space + loans (AIV) = ReArm Europe plan (IOB)",
                              f"{figures.loc[whole, 'amount']:g} bn", f"{total:g} bn", total == figures.loc[whole, "amount"], row))
    return checks


def consistency_checks(frames: dict[str, pd.DataFrame], rows: dict[str, list[dict[str, str]]]) -> list[Derived]:
    """A fact stated in several places (or documents) must be stated the same way."""
    checks = []
    norms = frames["spending_norms"]
    nato_2pct = norms[(norms.organisation == "NATO") & (norms.pct_gdp == 2) & (norms.component == "total")]
    for column, label in (("agreed_year", "year the NATO 2% norm was agreed"), ("nl_first_met_year", "year the Netherlands first met 2%")):
        stated = nato_2pct[column].dropna()
        if len(stated) > 1:
            values = sorted({int(v) for v in stated})
            row = rows["spending_norms"][stated.index[0]]
            checks.append(Derived(f"consistent-{column.replace('_', '-')}-nato-2pct", f"every statement gives the same {label}",
                                  "one year", ", ".join(map(str, values)), len(values) == 1, row))
    force = frames["force_requirements"]
    rdc = force[force.requirement_id.str.startswith("iob-eu-rdc") & force.readiness_days_max.notna()]
    if len(rdc) > 1:
        values = sorted({int(v) for v in rdc.readiness_days_max})
        checks.append(Derived("consistent-eu-rdc-readiness", "every statement gives the same readiness window for the EU rapid reaction force",
                              "one window", " vs ".join(f"{v} days" for v in values), len(values) == 1, rows["force_requirements"][rdc.index[0]]))
    contributions = frames["mission_contributions"]
    eu_military = contributions[(contributions.organisation == "EU") & (contributions.mission_type == "military_missions")
                                & (contributions.relative_to_fair_share != "not_stated") & contributions.period_start.notna()]
    for year in range(2015, 2025):
        covering = eu_military[(eu_military.period_start <= year) & (eu_military.period_end.fillna(year) >= year)]
        verdicts = set(covering.relative_to_fair_share)
        if len(verdicts) > 1:
            checks.append(Derived(f"consistent-eu-military-{year}", f"{year} is classified once relative to the EU military fair share",
                                  "one classification", " and ".join(sorted(verdicts)), False, rows["mission_contributions"][covering.index[0]]))
    return checks


def derived_problems_registered(frames: dict[str, pd.DataFrame], rows: dict[str, list[dict[str, str]]]) -> list[str]:
    """Failing derived checks must be registered in discrepancies (check_ids), passing ones not."""
    registered = {}
    for index, discrepancy in frames["discrepancies"].iterrows():
        for check_id in str(discrepancy.check_ids).split(";") if pd.notna(discrepancy.check_ids) else []:
            registered[check_id.strip()] = (discrepancy.discrepancy_id, rows["discrepancies"][index])
    problems = []
    seen = set()
    for check in derived_checks(frames, rows):
        seen.add(check.check_id)
        if not check.agrees and check.check_id not in registered:
            problems.append(f"{where(check.row)}: check {check.check_id} fails ({check.description}: expected {check.expected}, "
                            f"observed {check.observed}); fix the transcription or register the discrepancy")
        elif check.agrees and check.check_id in registered:
            problems.append(f"{where(registered[check.check_id][1], 'check_ids')}: check {check.check_id} passes "
                            f"(observed {check.observed}) but discrepancy {registered[check.check_id][0]} names it")
    for check_id, (discrepancy_id, row) in registered.items():
        if check_id not in seen:
            problems.append(f"{where(row, 'check_ids')}: discrepancy {discrepancy_id} names check {check_id}, which does not exist")
    return problems


def problems(frames: dict[str, pd.DataFrame], rows: dict[str, list[dict[str, str]]]) -> list[str]:
    return claim_problems(frames, rows) + derived_problems(frames, rows) + derived_problems_registered(frames, rows)
