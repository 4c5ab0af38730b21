"""The AIV's advisory letter on the eve of the NATO summit (2025, "Briefadvies aan de vooravond
van de NAVO-top").

Everything of it is typed from its prose (data/raw/aiv-2025-briefadvies-navo-top/<resource>.csv, read by
pipelines/lib/prose.py), with its register of discrepancies; an independent extraction of every
figure (second_transcription_*.csv) is its second entry.
"""

from __future__ import annotations

from pipelines.lib.second_entry import prose_figures
from pipelines.sources import CheckRow, Document

SOURCE_ID = "aiv-2025-briefadvies-navo-top"


def second_entry_prose() -> tuple[list[CheckRow], list[str]]:
    return prose_figures(SOURCE_ID)


DOCUMENT = Document(
    SOURCE_ID,
    prose_resources=("force_requirements", "financial_figures", "spending_norms", "counts"),
    second_entries=(second_entry_prose,),
)
