"""One module per document, the reference tables (`reference`), and `registry`, the one list of
the documents. This module holds what they share: `Document`, `Staged` and the parties.

A document module describes its document with one `Document`: its source_id (data/raw/<source_id>/
is its raw folder), the builder of its own tables, the prose resources it has a raw file for,
and how its second entries and readings are compared. Adding a document is one module and
one line in the registry (CONTRIBUTING.md, "Add a document").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.lib.package import RAW
from pipelines.lib.raw import InputError, StagedRow

# The fifteen parties, as the documents print their abbreviations (party_id is the lower case),
# in the order the Clingendael matrices print their columns. Listed here only.
PARTIES = ("BBB", "CDA", "CU", "D66", "DENK", "FVD", "GL-PvdA", "JA21", "NSC", "PvdD", "PVV", "SGP", "SP", "Volt", "VVD")

CheckRow = dict[str, str]
# a comparison of entries: the check rows of what agreed, and one problem per disagreement
Comparison = Callable[[], tuple[list[CheckRow], list[str]]]


@dataclass
class Staged:
    """What a builder staged: rows by resource, and the check rows of what it verified while
    staging (a transcription against its excerpt of the text layer)."""

    rows: dict[str, list[StagedRow]] = field(default_factory=dict)
    checks: list[CheckRow] = field(default_factory=list)

    def add(self, resource: str, rows: list[StagedRow]) -> None:
        self.rows.setdefault(resource, []).extend(rows)

    def merge(self, other: Staged) -> None:
        for resource, rows in other.rows.items():
            self.add(resource, rows)
        self.checks += other.checks


def staged_together(*parts: tuple[str, Callable[[], list[StagedRow] | Staged]]) -> Staged:
    """The rows of several builders, (resource, builder) each, and every problem of every one of
    them: a builder whose input is bad does not hide the problems of the next."""
    built, problems = Staged(), []
    for resource, builder in parts:
        try:
            part = builder()
        except InputError as error:
            problems += error.problems
            continue
        if isinstance(part, Staged):
            built.merge(part)
        else:
            built.add(resource, part)
    if problems:
        raise InputError(problems)
    return built


@dataclass(frozen=True)
class Document:
    """A source document and what the pipeline does with it."""

    source_id: str
    # the resources built from its own raw tables (data/raw/<source_id>/), with their check rows
    build: Callable[[], Staged] | None = None
    # the resources typed from its prose, one raw file each (<resource>.csv), read by lib/prose.py
    prose_resources: tuple[str, ...] = ()
    # first entries against the independent second entries (stage double_entry)
    second_entries: tuple[Comparison, ...] = ()
    # readings where a third reading decides between the first two (after every second entry)
    readings: tuple[Comparison, ...] = ()

    @property
    def folder(self) -> Path:
        return RAW / self.source_id
