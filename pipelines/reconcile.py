"""Cross-checks between tables: every claim in the prose against the value it restates, and
derived figures against their recomputation. A disagreement must be registered in
`discrepancies` (the claim names it); an unregistered one, or a registered one that no longer
disagrees, stops the pipeline.

Rule for "agree": eq claims equal the value as printed; approx claims (verbal fractions,
'circa') are within 3 percentage points; rank claims give the value's rank among the items
of its question, wave and group (highest first).
"""

from __future__ import annotations

import json

import pandas as pd

from pipelines.common import where
from pipelines.poll import half_width

APPROX_POINTS = 3.0
KEY = ["question_id", "wave", "group", "item", "answer"]


def claim_outcome(claim: pd.Series, results: pd.DataFrame) -> tuple[bool | None, str]:
    """(agrees, observed) of one claim; agrees is None when the referred value does not exist."""
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
    if claim.comparator == "approx":
        return abs(value - claimed) <= APPROX_POINTS, f"{value:g}"
    if claim.comparator == "gt":
        return value > claimed, f"{value:g}"
    if claim.comparator == "lt":
        return value < claimed, f"{value:g}"
    return value == claimed, f"{value:g}"


def claim_problems(frames: dict[str, pd.DataFrame], rows: dict[str, list[dict[str, str]]]) -> list[str]:
    problems = []
    claims, results = frames["claims"], frames["poll_results"]
    for index, claim in claims.iterrows():
        agrees, observed = claim_outcome(claim, results)
        row = rows["claims"][index]
        registered = pd.notna(claim.discrepancy_id)
        if agrees is None:
            problems.append(f"{where(row, 'question_id')}: claim {claim.claim_id} refers to {claim.refers_key}, which is not a published value")
        elif not agrees and not registered:
            problems.append(
                f"{where(row, 'printed')}: claim {claim.claim_id} says {claim.printed!r} "
                f"({claim.comparator} {claim.claimed_value:g}) but the value is {observed}; "
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


def problems(frames: dict[str, pd.DataFrame], rows: dict[str, list[dict[str, str]]]) -> list[str]:
    return claim_problems(frames, rows) + derived_problems(frames, rows)
