"""The government's letter to parliament on the NATO summit in The Hague of 24 and 25 June 2025
("Verslag van de NAVO-top in Den Haag").

Everything of it is typed from its prose (data/raw/kamerbrief-2025-navo-top/<resource>.csv, read by
pipelines/lib/prose.py), with its register of discrepancies; an independent extraction of every
figure (second_transcription_*.csv) is its second entry. Its cross-check adds up the parts of the
Hague norm.
"""

from __future__ import annotations

from dataclasses import replace

from pipelines.lib.second_entry import prose_figures
from pipelines.sources import Check, CheckRow, CrossCheck, Document, Input, sum_of_parts

SOURCE_ID = "kamerbrief-2025-navo-top"


def second_entry_prose() -> tuple[list[CheckRow], list[str]]:
    return prose_figures(SOURCE_ID)


# ---- cross-checks ----------------------------------------------------------------------------

# the document its cross-checks' inputs name; DOCUMENT, at the end, adds the checks
ORIGIN = Document(
    SOURCE_ID,
    prose_resources=("mission_contributions", "financial_figures", "spending_norms", "counts"),
    second_entries=(second_entry_prose,),
)


def norm(norm_id: str) -> Input:
    return Input(ORIGIN, "spending_norms", {"norm_id": norm_id})


CROSS_CHECKS: tuple[Check, ...] = (
    CrossCheck(
        f"sum-hague-norm-{SOURCE_ID}",
        "core defence + defence-related = the total Hague norm",
        (norm("kamerbrief-hague-total"), norm("kamerbrief-hague-core"), norm("kamerbrief-hague-related")),
        sum_of_parts("pct_gdp"),
        unit="%",
    ),
)

DOCUMENT = replace(ORIGIN, cross_checks=CROSS_CHECKS)
