"""One module per document, the reference tables (`reference`), and `registry`, the one list of
the documents. This module holds what they share: `Document`, `Staged`, the parties, and the
records a cross-check is declared with.

A document module describes its document with one `Document`: its source_id (data/raw/<source_id>/
is its raw folder), the builder of its own tables and the raw file of each, the prose resources
it has a raw file for, how its second entries and readings are compared, and the cross-checks
of its own figures. Adding a document is one module and one line in the registry.

A cross-check is a record: `CrossCheck` (a figure against its recomputation, or a fact against
its restatement, from the rows it names), `OneValue` (a fact with one value wherever it is
stated) or `EachRow` (the check each row of a table declares, as a fair share does with its
inputs). An `Input` names the row a check needs and where that row is typed, so that a missing
row is reported at the raw file it is missing from. pipelines/rules/cross_checks.py runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from pipelines.lib.field_entry import Compared
from pipelines.lib.package import RAW
from pipelines.lib.raw import InputError, StagedRow

if TYPE_CHECKING:  # tidy does not import pandas; the checks only receive its objects
    import pandas as pd

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
    """A source document and what the pipeline does with it.

    Its cross-checks' inputs name the document, and a frozen record cannot hold records that
    name it: a module makes its Document without them (ORIGIN), then DOCUMENT =
    replace(ORIGIN, cross_checks=CROSS_CHECKS)."""

    source_id: str
    # the resources built from its own raw tables (data/raw/<source_id>/), with their check rows
    build: Callable[[], Staged] | None = None
    # the resources typed from its prose, one raw file each (<resource>.csv), read by lib/prose.py
    prose_resources: tuple[str, ...] = ()
    # first entries against the independent second entries (stage double_entry)
    second_entries: tuple[Comparison, ...] = ()
    # readings where a third reading decides between the first two (after every second entry)
    readings: tuple[Comparison, ...] = ()
    # the resource its printed tables build, whose sidecars (tabel_*.meta.yaml) are entered
    # twice like its other raw files (lib/field_entry.py)
    tables_resource: str = ""
    # the printed table cells and their second transcription, as pairs for the `agreement` resource
    cell_agreements: tuple[Callable[[], Compared], ...] = ()
    # the raw file (in its folder) of each resource it builds from one table of its own, where a
    # cross-check's input from it is typed
    raw_files: Mapping[str, str] = field(default_factory=dict)
    # the cross-checks of its own figures (those across documents are in pipelines/rules/cross_checks.py)
    cross_checks: tuple[Check, ...] = ()

    @property
    def folder(self) -> Path:
        return RAW / self.source_id

    def raw_file(self, resource: str) -> Path:
        """The raw file it types `resource` in: a prose resource is <resource>.csv in its folder."""
        if resource in self.prose_resources:
            return self.folder / f"{resource}.csv"
        return self.folder / self.raw_files[resource]


@dataclass(frozen=True)
class ReferenceTables:
    """The tables no document owns (sources, parties): where a cross-check's input is one of them."""

    files: Mapping[str, Path]

    def raw_file(self, resource: str) -> Path:
        return self.files[resource]


# ---- cross-checks ------------------------------------------------------------------------------

Frames = dict[str, "pd.DataFrame"]


@dataclass(frozen=True)
class Input:
    """A row a cross-check cannot do without: the row of `resource` with the values of `key`,
    typed in a raw file of `origin`. Without it the pipeline stops, naming that raw file."""

    origin: Document | ReferenceTables
    resource: str
    key: Mapping[str, str | int]

    def raw_file(self) -> Path:
        return self.origin.raw_file(self.resource)


class Found(NamedTuple):
    """What a check computes from: the rows of its inputs, in their order, and every table (for
    a check over all rows of one)."""

    rows: tuple[pd.Series, ...]
    frames: Frames


class Recomputed(NamedTuple):
    """A figure as a document states it and as the pipeline recomputes it (a derived check)."""

    stated: float
    recomputed: float


class Restated(NamedTuple):
    """A fact as one place states it and as another restates it, and whether they agree (a
    consistency check)."""

    expected: str
    observed: str
    agree: bool


Outcome = Recomputed | Restated
# how a recomputed figure must compare with the stated one: equal, within the tolerance, or above
Comparator = Literal["eq", "approx", "gt"]


@dataclass(frozen=True)
class CrossCheck:
    """A check of the rows its inputs name. The first input is the row a failure is reported
    at; `compute` returns what the rows state and what they imply."""

    check_id: str
    # a description that names a value of the inputs is computed from them
    description: str | Callable[[Found], str]
    inputs: tuple[Input, ...]
    compute: Callable[[Found], Outcome]
    comparator: Comparator = "eq"
    tolerance: float = 0.0
    unit: str = ""


@dataclass(frozen=True)
class OneValue:
    """A fact stated in several rows: `column` has one distinct value across the rows of
    `resource` that `select` keeps. No check when fewer than two rows state it; `inputs` are the
    rows without which it is not checked at all."""

    check_id: str
    description: str
    inputs: tuple[Input, ...]
    resource: str
    select: Callable[[pd.DataFrame], pd.DataFrame]
    column: str


class RowCheck(NamedTuple):
    """The check one row declares."""

    check_id: str
    description: str
    outcome: Outcome


@dataclass(frozen=True)
class EachRow:
    """The checks the rows of `resource` declare, as a claim does: `check` gives a row's check,
    or None for a row that declares none; a failure is reported at that row."""

    resource: str
    check: Callable[[pd.Series, Frames], RowCheck | None]
    unit: str = ""


Check = CrossCheck | OneValue | EachRow


def sum_of_parts(column: str) -> Callable[[Found], Recomputed]:
    """The first input's `column` is the sum of the other inputs' (a total, then its parts)."""

    def compute(found: Found) -> Recomputed:
        total, *parts = found.rows
        return Recomputed(total[column], sum(part[column] for part in parts))

    return compute
