"""The registry: the documents the package transcribes, in the package's order, each described
by its module's `Document` (source_id, raw folder, builders, prose resources, second entries).

Every stage that works per document iterates over DOCUMENTS; nothing else lists them. Adding a
document is one module in pipelines/sources/ and one entry here.
"""

from __future__ import annotations

from pipelines.sources import PARTIES, Document, aiv, clingendael, iob, ipsos, kamerbrief, reference

DOCUMENTS: tuple[Document, ...] = (
    ipsos.DOCUMENT,
    clingendael.DOCUMENT,
    iob.DOCUMENT,
    kamerbrief.DOCUMENT,
    aiv.DOCUMENT,
)

# the reference tables (sources, parties), built before the documents
REFERENCE = reference.build

__all__ = ["DOCUMENTS", "PARTIES", "REFERENCE", "Document", "source_ids"]


def source_ids() -> list[str]:
    return [document.source_id for document in DOCUMENTS]
