"""The government's letter to parliament on the NATO summit in The Hague of 24 and 25 June 2025
("Verslag van de NAVO-top in Den Haag").

Everything of it is typed from its prose (data/raw/kamerbrief-2025-navo-top/<resource>.csv, read by
pipelines/lib/prose.py), with its register of discrepancies; an independent extraction of every
figure (second_transcription_*.csv) is its second entry.
"""

from __future__ import annotations

from pipelines.lib.second_entry import prose_figures
from pipelines.sources import CheckRow, Document

SOURCE_ID = "kamerbrief-2025-navo-top"


def second_entry_prose() -> tuple[list[CheckRow], list[str]]:
    return prose_figures(SOURCE_ID)


DOCUMENT = Document(
    SOURCE_ID,
    prose_resources=("mission_contributions", "financial_figures", "spending_norms"),
    second_entries=(second_entry_prose,),
)
