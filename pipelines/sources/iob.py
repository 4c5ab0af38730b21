"""The IOB evaluation "Samen sterker?" (2025) of Dutch policy on contributing to EU and NATO
security and defence efforts, 2020-2024.

Everything of it is typed from its prose (data/raw/iob-2025-samen-sterker/<resource>.csv, read by
pipelines/lib/prose.py), with its register of discrepancies; an independent extraction of every
figure (second_transcription_*.csv) is its second entry. Its cross-checks recompute the stand-by
troops and the Dutch share of the EU Rapid Deployment Capacity from the figures the report
derives them from.
"""

from __future__ import annotations

from dataclasses import replace

from pipelines.lib.second_entry import prose_figures
from pipelines.sources import Check, CheckRow, CrossCheck, Document, Found, Input, Recomputed, sum_of_parts

SOURCE_ID = "iob-2025-samen-sterker"


def second_entry_prose() -> tuple[list[CheckRow], list[str]]:
    return prose_figures(SOURCE_ID)


# ---- cross-checks ----------------------------------------------------------------------------

# the document its cross-checks' inputs name; DOCUMENT, at the end, adds the checks
ORIGIN = Document(
    SOURCE_ID,
    prose_resources=(
        "fair_shares",
        "mission_contributions",
        "force_requirements",
        "financial_figures",
        "spending_norms",
        "industry_shares",
        "counts",
    ),
    second_entries=(second_entry_prose,),
)


def requirement(requirement_id: str) -> Input:
    return Input(ORIGIN, "force_requirements", {"requirement_id": requirement_id})


def active_military(found: Found) -> str:
    """The stand-by share's description names the active military it divides by."""
    personnel = found.rows[-1]  # the report's 33.600 active military (IISS, footnotes 318 and 338)
    return f"stand-by share = (EU + NATO stand-by troops) / {personnel.nl_value:g} active military; 'ruim' = above"


def standby_share(found: Found) -> Recomputed:
    share, eu, nato, personnel = found.rows
    return Recomputed(share.quantity, round(100 * (eu.quantity + nato.quantity) / personnel.nl_value, 2))


def rdc_share(found: Found) -> Recomputed:
    share, commitment, rdc = found.rows
    return Recomputed(share.value, round(100 * commitment.quantity / rdc.quantity, 2))


CROSS_CHECKS: tuple[Check, ...] = (
    CrossCheck(
        "force-standby-share",
        active_military,
        (
            requirement("iob-nl-standby-share"),
            requirement("iob-nl-standby-eu"),
            requirement("iob-nl-standby-nato"),
            Input(ORIGIN, "fair_shares", {"fair_share_id": "iob-nato-personnel"}),
        ),
        standby_share,
        comparator="gt",
        unit="%",
    ),
    CrossCheck(
        "force-nfm-tiers-within-a-month",
        "troops deployable within a month (footnote 337) = NATO Force Model tiers 1 + 2",
        (requirement("nato-300000-one-month"), requirement("iob-nato-nfm-tier-1"), requirement("iob-nato-nfm-tier-2")),
        sum_of_parts("quantity"),
    ),
    CrossCheck(
        "contribution-rdc-share",
        "Dutch share of the EU Rapid Deployment Capacity = 150 / 5.000; 'zo'n' within 0.5 points",
        (
            Input(ORIGIN, "mission_contributions", {"contribution_id": "iob-eu-rdc-share"}),
            requirement("iob-nl-rdc-commitment"),
            requirement("iob-eu-rdc"),
        ),
        rdc_share,
        comparator="approx",
        tolerance=0.5,
        unit="%",
    ),
)

DOCUMENT = replace(ORIGIN, cross_checks=CROSS_CHECKS)
