"""The IOB evaluation "Samen sterker?" (2025) of Dutch policy on contributing to EU and NATO
security and defence efforts, 2020-2024.

Everything of it is typed from its prose (data/raw/iob-2025-samen-sterker/<resource>.csv, read by
pipelines/lib/prose.py), with its register of discrepancies; an independent extraction of every
figure (second_transcription_*.csv) is its second entry.
"""

from __future__ import annotations

from pipelines.lib.second_entry import prose_figures
from pipelines.sources import CheckRow, Document

SOURCE_ID = "iob-2025-samen-sterker"


def second_entry_prose() -> tuple[list[CheckRow], list[str]]:
    return prose_figures(SOURCE_ID)


DOCUMENT = Document(
    SOURCE_ID,
    prose_resources=(
        "fair_shares",
        "mission_contributions",
        "force_requirements",
        "financial_figures",
        "spending_norms",
        "industry_shares",
    ),
    second_entries=(second_entry_prose,),
)
