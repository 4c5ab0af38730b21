"""Reconciliation tables: every claim in the prose against the value it restates, every
derived figure against its recomputation, and every fact stated in several places against
the others. The tables only line values up; `crosscheck` validates them with
great-expectations and decides what agrees.

Rules for "agree" (the tolerance column):
- eq: the value as printed (0); approx: within 3 percentage points for percentages
  ('één op vijf', 'circa'), within 1.5 parties for counts of parties ('ongeveer de helft'),
  within 0.5 points for a share stated as 'zo'n'; gt / lt: strictly above / below;
- rank: the value's rank among the items of its question, wave and respondent group, highest first;
- set: the parties matching the filter are exactly the claimed ones; includes: at least them;
- a recomputed share is rounded to the decimals the document prints ('2,5%': one) before
  it is compared; a share of a total (stand-by troops) must be exact;
- a fact stated in several places has one distinct value.
"""

from __future__ import annotations

import json
import re

import pandas as pd

from pipelines.lib.package import rel
from pipelines.lib.stats import half_width
from pipelines.sources import aiv, clingendael, iob, ipsos, kamerbrief

APPROX = {"percent": 3.0, "parties": 1.5, "zo'n": 0.5}
THIS_SURVEY = ipsos.THIS_SURVEY
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

Frames = dict[str, pd.DataFrame]
Rows = dict[str, list[dict[str, str]]]


def line(kind: str, check_id: str, description: str, raw: dict[str, str], source_id: str, **values: object) -> dict:
    return {
        "kind": kind,
        "check_id": check_id,
        "description": description,
        "source_id": source_id,
        "raw_file": raw.get("raw_file", ""),
        "raw_line": raw.get("raw_line", ""),
        **values,
    }


def same(expected: str, observed: str) -> dict:
    """The values of a check that two statements of one fact are the same text."""
    return {"comparator": "one_value", "expected": expected, "observed": observed, "distinct_values": len({expected, observed})}


def numeric(comparator: str, expected: float, observed: float, tolerance: float = 0.0, unit: str = "") -> dict:
    return {
        "comparator": comparator,
        "expected": f"{expected:g}{unit}",
        "observed": f"{observed:g}{unit}",
        "difference": observed - expected,
        "tolerance": tolerance,
        "excess": abs(observed - expected) - tolerance,
    }


def selected(table: pd.DataFrame, key: dict) -> pd.DataFrame | None:
    if any(column not in table.columns for column in key):
        return None
    # claims are about parties: rows without a party (the CPB baseline) never count
    mask = (table[list(key)].astype("str") == pd.Series(key, dtype="str")).all(axis=1) & table.party_id.notna()
    return table.loc[mask]


def poll_values(results: pd.DataFrame) -> dict[tuple[str, ...], object]:
    """value_pct by KEY, of the first row with that key (what a claim restates); looked up for
    every claim, so made once. A row with a missing key cell matches no claim."""
    values: dict[tuple[str, ...], object] = {}
    for *key, value in results[[*KEY, "value_pct"]].itertuples(index=False):
        if not any(pd.isna(cell) for cell in key):
            values.setdefault(tuple(key), value)
    return values


def claim_line(claim: pd.Series, raw: dict[str, str], frames: Frames, values: dict[tuple[str, ...], object]) -> dict:
    key = json.loads(claim.refers_key)
    base = line(
        "claim",
        f"claim-{claim.claim_id}",
        f"{claim.locator}: '{claim.printed}' against {claim.refers_to} {claim.refers_key}",
        raw,
        claim.source_id,
    )
    if claim.refers_to != "poll_results":
        rows = selected(frames[claim.refers_to], key)
        if rows is None:
            return {**base, "comparator": claim.comparator, "expected": claim.refers_key, "observed": "no such column"}
        parties = ";".join(sorted(set(rows.party_id)))
        if claim.comparator in ("set", "includes"):
            claimed = ";".join(sorted(str(claim.claimed_parties).split(";")))
            missing = ";".join(sorted(set(claimed.split(";")) - set(parties.split(";")))) or None
            return {
                **base,
                "comparator": claim.comparator,
                "expected": claimed,
                "observed": parties or "no party",
                "claimed_parties": claimed,
                "observed_parties": parties,
                "missing_parties": missing,
            }
        return {
            **base,
            **numeric(
                claim.comparator, claim.claimed_value, len(rows), APPROX["parties"] if claim.comparator == "approx" else 0, " parties"
            ),
        }
    results = frames["poll_results"]
    value = values.get(tuple(key[column] for column in KEY))
    if value is None or pd.isna(value):
        return {**base, "comparator": claim.comparator, "expected": f"{claim.claimed_value:g}", "observed": "no such value"}
    value = float(value)
    if claim.comparator == "rank":
        peers = results.loc[
            (results.question_id == key["question_id"])
            & (results.wave == key["wave"])
            & (results.respondent_group == key["respondent_group"])
            & (results.answer == key["answer"])
        ]
        return {**base, **numeric("rank", claim.claimed_value, int((peers.value_pct > value).sum()) + 1)}
    return {**base, **numeric(claim.comparator, claim.claimed_value, value, APPROX["percent"] if claim.comparator == "approx" else 0, "%")}


def claims_table(frames: Frames, rows: Rows) -> pd.DataFrame:
    values = poll_values(frames["poll_results"])
    lines = [claim_line(claim, rows["claims"][i], frames, values) for i, claim in frames["claims"].iterrows()]
    return pd.DataFrame(lines, columns=COLUMNS)


def decimals(printed: str) -> int:
    match = re.search(r"\d+(?:,(\d+))?", printed)
    return len(match.group(1) or "") if match else 0


def by_id(frames: Frames, rows: Rows, resource: str, key: str) -> dict[str, tuple[pd.Series, dict[str, str]]]:
    return {r[key]: (frames[resource].loc[i], r) for i, r in enumerate(rows[resource])}


def derived_table(frames: Frames, rows: Rows) -> pd.DataFrame:
    """Derived figures recomputed from the inputs the documents state."""
    lines = []
    for i, share in frames["fair_shares"].iterrows():
        raw = rows["fair_shares"][i]
        recomputed = round(share.computed_share_pct, decimals(raw["stated_printed"]))
        lines.append(
            line(
                "derived",
                f"fair-share-{share.fair_share_id}",
                f"{share.fair_share_id}: stated share against 100 × {raw['nl_printed']} / {raw['total_printed']}, "
                f"rounded as printed ({share.computed_share_pct:.2f}%)",
                raw,
                share.source_id,
                **numeric("eq", share.stated_share_pct, recomputed, unit="%"),
            )
        )
    force = by_id(frames, rows, "force_requirements", "requirement_id")
    for requirement_id, (req, raw) in force.items():
        match = re.fullmatch(r"([a-z0-9-]+) × (\d+(?:\.\d+)?)%", raw["derived_from"])
        if match and match.group(1) in force:
            product = force[match.group(1)][0].quantity * float(match.group(2)) / 100
            lines.append(
                line(
                    "derived",
                    f"force-{requirement_id}",
                    f"{requirement_id} = {match.group(2)}% of {match.group(1)}",
                    raw,
                    req.source_id,
                    **numeric("eq", req.quantity, product),
                )
            )
    shares = by_id(frames, rows, "fair_shares", "fair_share_id")
    if {"iob-nl-standby-share", "iob-nl-standby-eu", "iob-nl-standby-nato"} <= force.keys() and "iob-nato-personnel" in shares:
        share, raw = force["iob-nl-standby-share"]
        active = shares["iob-nato-personnel"][0].nl_value  # the report's 33.600 active military (IISS, footnotes 318 and 338)
        computed = 100 * (force["iob-nl-standby-eu"][0].quantity + force["iob-nl-standby-nato"][0].quantity) / active
        lines.append(
            line(
                "derived",
                "force-standby-share",
                f"stand-by share = (EU + NATO stand-by troops) / {active:g} active military; 'ruim' = above",
                raw,
                share.source_id,
                **numeric("gt", share.quantity, round(computed, 2), unit="%"),
            )
        )
    if {"iob-nato-nfm-tier-1", "iob-nato-nfm-tier-2", "nato-300000-one-month"} <= force.keys():
        month, raw = force["nato-300000-one-month"]
        tiers = force["iob-nato-nfm-tier-1"][0].quantity + force["iob-nato-nfm-tier-2"][0].quantity
        lines.append(
            line(
                "derived",
                "force-nfm-tiers-within-a-month",
                "troops deployable within a month (footnote 337) = NATO Force Model tiers 1 + 2",
                raw,
                month.source_id,
                **numeric("eq", month.quantity, tiers),
            )
        )
    contributions = by_id(frames, rows, "mission_contributions", "contribution_id")
    if "iob-eu-rdc-share" in contributions and {"iob-nl-rdc-commitment", "iob-eu-rdc"} <= force.keys():
        share, raw = contributions["iob-eu-rdc-share"]
        computed = 100 * force["iob-nl-rdc-commitment"][0].quantity / force["iob-eu-rdc"][0].quantity
        lines.append(
            line(
                "derived",
                "contribution-rdc-share",
                "Dutch share of the EU Rapid Deployment Capacity = 150 / 5.000; 'zo'n' within 0.5 points",
                raw,
                share.source_id,
                **numeric("approx", share.value, round(computed, 2), APPROX["zo'n"], "%"),
            )
        )
    norms = frames["spending_norms"]
    for source_id, part in norms[norms.organisation == "NATO"].groupby("source_id"):
        dated = part[part.agreed_year.notna()]
        core, related = dated[dated.component == "core_defence"], dated[dated.component == "defence_related"]
        total = dated[(dated.component == "total") & (dated.pct_gdp > 2)]
        if len(core) and len(related) and len(total):
            lines.append(
                line(
                    "derived",
                    f"sum-hague-norm-{source_id}",
                    "core defence + defence-related = the total Hague norm",
                    rows["spending_norms"][total.index[0]],
                    source_id,
                    **numeric("eq", total.pct_gdp.iloc[0], core.pct_gdp.iloc[0] + related.pct_gdp.iloc[0], unit="%"),
                )
            )
    figures = by_id(frames, rows, "financial_figures", "figure_id")
    parts, whole = ("aiv-readiness-2030-fiscal-space", "aiv-readiness-2030-loans"), "iob-rearm-europe"
    if set(parts) | {whole} <= figures.keys():
        amount, raw = figures[whole]
        lines.append(
            line(
                "derived",
                "sum-readiness-2030-rearm-europe",
                "Readiness 2030 fiscal space + loans (AIV) = the ReArm Europe plan (IOB)",
                raw,
                amount.source_id,
                **numeric("eq", amount.amount, sum(figures[p][0].amount for p in parts), unit=" bn"),
            )
        )
    method = by_id(frames, rows, "poll_method", "fact_id")
    if {"margin_of_error", "margin_of_error_reference_n", "margin_of_error_reference_pct"} <= method.keys():
        stated, raw = method["margin_of_error"]
        moe = half_width(
            method["margin_of_error_reference_pct"][0].value_number, int(method["margin_of_error_reference_n"][0].value_number)
        )
        lines.append(
            line(
                "derived",
                "poll-margin-of-error",
                "stated margin of error against the 95% Wilson interval at n = 2.000 and 50%, rounded as printed",
                raw,
                stated.source_id,
                **numeric("eq", stated.value_number, round(moe, 1), unit=" points"),
            )
        )
    if {"split_run_n_first", "split_run_n_second", "sample_n"} <= method.keys():
        total, raw = method["sample_n"]
        halves = method["split_run_n_first"][0].value_number + method["split_run_n_second"][0].value_number
        lines.append(
            line(
                "derived",
                "poll-split-run-halves",
                "the two split-run halves add up to the sample",
                method["split_run_n_second"][1],
                total.source_id,
                **numeric("eq", total.value_number, halves),
            )
        )
    lines += [l for l in sources_table_lines(frames, rows) if l["kind"] == "derived"]
    return pd.DataFrame(lines, columns=COLUMNS)


def distinct(check_id: str, description: str, frame: pd.DataFrame, column: str, rows: list[dict[str, str]]) -> list[dict]:
    stated = frame[column].dropna()
    if len(stated) < 2:
        return []
    values = sorted({f"{v:g}" if isinstance(v, float) else str(v) for v in stated})
    sources = sorted(set(frame.loc[stated.index, "source_id"]))
    return [
        line(
            "consistency",
            check_id,
            f"{description} ({', '.join(sources)})",
            rows[stated.index[0]],
            sources[0],
            comparator="one_value",
            expected="one value",
            observed=", ".join(values),
            distinct_values=len(values),
        )
    ]


def consistency_table(frames: Frames, rows: Rows) -> pd.DataFrame:
    """Facts stated in several places or documents."""
    lines = []
    norms = frames["spending_norms"]
    nato = norms[norms.organisation == "NATO"]
    nato_2pct = nato[(nato.pct_gdp == 2) & (nato.component == "total")]
    lines += distinct(
        "consistent-agreed-year-nato-2pct",
        "every statement gives the same year the NATO 2% norm was agreed",
        nato_2pct,
        "agreed_year",
        rows["spending_norms"],
    )
    lines += distinct(
        "consistent-nl-first-met-year-nato-2pct",
        "every statement gives the same year the Netherlands first met 2%",
        nato_2pct,
        "nl_first_met_year",
        rows["spending_norms"],
    )
    for component in ("core_defence", "defence_related"):
        lines += distinct(
            f"consistent-hague-{component.replace('_', '-')}",
            f"every document gives the same NATO {component} norm",
            nato[nato.component == component],
            "pct_gdp",
            rows["spending_norms"],
        )
    force = frames["force_requirements"]
    rdc = force[force.requirement_id.str.startswith("iob-eu-rdc")]
    lines += distinct(
        "consistent-eu-rdc-readiness",
        "every statement gives the same readiness window (days) for the EU rapid reaction force",
        rdc,
        "readiness_days_max",
        rows["force_requirements"],
    )
    guideline = force[(force.unit == "pct_of_capabilities") & (force.comparator == "lt")]
    lines += distinct(
        "consistent-single-ally-guideline",
        "every statement of the single-ally guideline gives the same share",
        guideline,
        "quantity",
        rows["force_requirements"],
    )
    # a later statement may say the guideline still applies; the year it dates from is each document's earliest
    since = guideline.loc[guideline.groupby("source_id").year.idxmin().dropna()]
    lines += distinct(
        "consistent-single-ally-guideline-since",
        "every document dates the single-ally guideline from the same year",
        since,
        "year",
        rows["force_requirements"],
    )
    contributions = frames["mission_contributions"]
    eu_military = contributions[
        (contributions.organisation == "EU")
        & (contributions.mission_type == "military_missions")
        & (contributions.relative_to_fair_share != "not_stated")
        & contributions.period_start.notna()
    ]
    for year in range(2015, 2025):
        covering = eu_military[(eu_military.period_start <= year) & (eu_military.period_end.fillna(year) >= year)]
        lines += distinct(
            f"consistent-eu-military-{year}",
            f"{year} is classified once relative to the EU military fair share",
            covering,
            "relative_to_fair_share",
            rows["mission_contributions"],
        )
    lines += [l for l in sources_table_lines(frames, rows) if l["kind"] == "consistency"]
    lines += wave_label_lines(frames, rows)
    lines += debt_rises(frames, rows)
    return pd.DataFrame(lines, columns=COLUMNS)


def debt_rises(frames: Frames, rows: Rows) -> list[dict]:
    """Clingendael: 'bij alle partijen de staatsschuld, zeker op lange termijn, flink zal oplopen', and the
    baseline 'koerst ... af op ... 50% van het bbp in 2030, en naar 126% van het bbp in 2060'."""
    debt = frames["party_fiscal_projections"]
    wide = debt[debt.value.notna()].pivot_table(index="subject", columns="year", values="value")
    if not {2030, 2060} <= set(wide.columns):
        return []
    falling = sorted(wide.index[wide[2060] <= wide[2030]])
    raw = rows["party_fiscal_projections"][debt.index[debt.subject == "baseline"][0]] if (debt.subject == "baseline").any() else {}
    return [
        line(
            "consistency",
            "cpb-debt-rises-2030-2060",
            "state debt is higher in 2060 than in 2030 for every costed party and the baseline",
            raw,
            clingendael.SOURCE_ID,
            comparator="one_value",
            expected="rises for all",
            observed="falls for " + ", ".join(falling) if falling else f"rises for all {len(wide)}",
            distinct_values=1 + bool(falling),
        )
    ]


# The inputs each derived or consistency check needs, so that a missing row stops the
# pipeline instead of silently skipping the check: (resource, id column, id).
REQUIRED_INPUTS = {
    "cpb-debt-rises-2030-2060": [("party_fiscal_projections", "subject", "baseline")],
    "poll-margin-of-error": [
        ("poll_method", "fact_id", f) for f in ("margin_of_error", "margin_of_error_reference_n", "margin_of_error_reference_pct")
    ],
    "poll-split-run-halves": [("poll_method", "fact_id", f) for f in ("split_run_n_first", "split_run_n_second", "sample_n")],
    "poll-sample-n-in-sources": [("poll_method", "fact_id", "sample_n"), ("sources", "source_id", ipsos.SOURCE_ID)],
    "poll-fieldwork-in-sources": [("poll_method", "fact_id", f) for f in ("fieldwork_start", "fieldwork_end")],
    "poll-this-survey-wave": [("poll_method", "fact_id", f) for f in ("fieldwork_start", "fieldwork_end", "sample_n")]
    + [("poll_waves", "wave", ipsos.THIS_SURVEY)],
    "force-iob-nl-standby-eu": [("force_requirements", "requirement_id", r) for r in ("iob-nl-standby-eu", "iob-eu-rdc-footnote-336")],
    "force-iob-nl-standby-nato": [("force_requirements", "requirement_id", r) for r in ("iob-nl-standby-nato", "nato-300000-one-month")],
    "force-standby-share": [
        ("force_requirements", "requirement_id", r) for r in ("iob-nl-standby-share", "iob-nl-standby-eu", "iob-nl-standby-nato")
    ]
    + [("fair_shares", "fair_share_id", "iob-nato-personnel")],
    "force-nfm-tiers-within-a-month": [
        ("force_requirements", "requirement_id", r) for r in ("iob-nato-nfm-tier-1", "iob-nato-nfm-tier-2", "nato-300000-one-month")
    ],
    "contribution-rdc-share": [
        ("mission_contributions", "contribution_id", "iob-eu-rdc-share"),
        ("force_requirements", "requirement_id", "iob-nl-rdc-commitment"),
        ("force_requirements", "requirement_id", "iob-eu-rdc"),
    ],
    f"sum-hague-norm-{kamerbrief.SOURCE_ID}": [
        ("spending_norms", "norm_id", n) for n in ("kamerbrief-hague-total", "kamerbrief-hague-core", "kamerbrief-hague-related")
    ],
    "sum-readiness-2030-rearm-europe": [
        ("financial_figures", "figure_id", f) for f in ("aiv-readiness-2030-fiscal-space", "aiv-readiness-2030-loans", "iob-rearm-europe")
    ],
    "consistent-agreed-year-nato-2pct": [
        ("spending_norms", "norm_id", n) for n in ("iob-nato-2pct-agreed-2006", "iob-nato-2pct-agreed-2014")
    ],
    "consistent-nl-first-met-year-nato-2pct": [
        ("spending_norms", "norm_id", n) for n in ("iob-nl-2pct-first-met", "aiv-nl-first-met-2pct")
    ],
    "consistent-hague-core-defence": [("spending_norms", "norm_id", n) for n in ("kamerbrief-hague-core", "clingendael-nato-hague-core")],
    "consistent-hague-defence-related": [
        ("spending_norms", "norm_id", n) for n in ("kamerbrief-hague-related", "clingendael-nato-hague-related")
    ],
    "consistent-eu-rdc-readiness": [
        ("force_requirements", "requirement_id", r) for r in ("iob-eu-rdc-footnote-336", "iob-eu-rdc-readiness-body")
    ],
    "consistent-single-ally-guideline": [
        ("force_requirements", "requirement_id", r) for r in ("iob-nato-single-ally-ambition-2019", "aiv-single-ally-guideline-2019")
    ],
}


def raw_file(resource: str, value: str) -> str:
    """The raw file a required row lives in, from its id's prefix."""
    if resource == "party_fiscal_projections":
        return rel(clingendael.FOLDER / "projections_text.csv")
    if resource == "sources":
        return "data/raw/reference/sources.csv"
    if resource == "poll_method":
        return rel(ipsos.FOLDER / "method.csv")
    if resource == "poll_waves":
        return rel(ipsos.FOLDER / "waves.csv")
    prefixes = {
        "iob": iob.SOURCE_ID,
        "nato": iob.SOURCE_ID,
        "kamerbrief": kamerbrief.SOURCE_ID,
        "aiv": aiv.SOURCE_ID,
        "clingendael": clingendael.SOURCE_ID,
    }
    return f"data/raw/{prefixes[value.split('-')[0]]}/{resource}.csv"


def missing_inputs(frames: Frames) -> list[str]:
    problems = []
    debt = frames["party_fiscal_projections"]
    for year in (2030, 2060):
        if not ((debt.subject == "baseline") & (debt.year == year)).any():
            problems.append(
                f"{raw_file('party_fiscal_projections', '')}: no baseline projection for {year}, which check cpb-debt-rises-2030-2060 needs"
            )
    for check_id, inputs in REQUIRED_INPUTS.items():
        for resource, column, value in inputs:
            if not (frames[resource][column] == value).any():
                problems.append(
                    f"{raw_file(resource, value)}: no row with {column} = {value!r}, which check {check_id} needs "
                    f"(a row was dropped or its id changed)"
                )
    return problems


def wave_label_lines(frames: Frames, rows: Rows) -> list[dict]:
    """A wave's label as printed is the label its table prints over its column (the survey
    itself is named by its method section instead)."""
    results, lines = frames["poll_results"], []
    for index, wave in frames["poll_waves"].iterrows():
        if wave.poll == "this_survey":
            continue
        printed = sorted(set(results.loc[(results.wave == wave.wave) & (results.value_origin == "table"), "wave_label"]))
        lines.append(
            line(
                "consistency",
                f"poll-wave-label-{wave.wave}",
                f"wave {wave.wave}: label_as_printed is the column label its table prints",
                rows["poll_waves"][index],
                wave.source_id,
                comparator="one_value",
                expected=wave.label_as_printed,
                observed=", ".join(printed) or "no table column",
                distinct_values=1 if printed == [wave.label_as_printed] else 2,
            )
        )
    return lines


def sources_table_lines(frames: Frames, rows: Rows) -> list[dict]:
    """Facts that both the sources table and the poll's method section state."""
    method = by_id(frames, rows, "poll_method", "fact_id")
    sources = by_id(frames, rows, "sources", "source_id")
    lines = []
    if {"sample_n"} <= method.keys() and ipsos.SOURCE_ID in sources:
        source, raw = sources[ipsos.SOURCE_ID]
        lines.append(
            line(
                "derived",
                "poll-sample-n-in-sources",
                "sample size in sources = sample size in the method section",
                raw,
                ipsos.SOURCE_ID,
                **numeric("eq", method["sample_n"][0].value_number, float(source.sample_n)),
            )
        )
    if {"fieldwork_start", "fieldwork_end"} <= method.keys() and ipsos.SOURCE_ID in sources:
        source, raw = sources[ipsos.SOURCE_ID]
        stated = f"{method['fieldwork_start'][0].value_text} to {method['fieldwork_end'][0].value_text}"
        listed = f"{source.fieldwork_start:%Y-%m-%d} to {source.fieldwork_end:%Y-%m-%d}"
        lines.append(
            line(
                "consistency",
                "poll-fieldwork-in-sources",
                "fieldwork dates in sources = fieldwork dates in the method section",
                raw,
                ipsos.SOURCE_ID,
                **same(stated, listed),
            )
        )
    waves = by_id(frames, rows, "poll_waves", "wave")
    if {"fieldwork_start", "fieldwork_end", "sample_n"} <= method.keys() and THIS_SURVEY in waves:
        wave, raw = waves[THIS_SURVEY]
        start, end, sample_n = (method[key][0] for key in ("fieldwork_start", "fieldwork_end", "sample_n"))
        stated = f"{start.value_text} to {end.value_text}, n = {sample_n.value_number:.0f}"
        listed = f"{wave.fieldwork_start:%Y-%m-%d} to {wave.fieldwork_end:%Y-%m-%d}, n = {wave.base_n}"
        lines.append(
            line(
                "consistency",
                "poll-this-survey-wave",
                f"fieldwork and n of wave {THIS_SURVEY} in poll_waves = the method section",
                raw,
                ipsos.SOURCE_ID,
                **same(stated, listed),
            )
        )
    return lines
