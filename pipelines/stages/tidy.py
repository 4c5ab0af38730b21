"""Stage `tidy`: raw transcriptions (data/raw/, as printed) -> tidy tables in build/tidy/.

Nothing here is published: `validate` checks the staged tables and `publish` copies them to
data/ only when every check passed. Each staged row keeps the raw file, line and column it came
from so that a failing check can say where to fix it. What each document contributes is said
by its module in pipelines/sources/ (the registry lists them); a folder of data/raw/ that no
registered document reads stops it.
"""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Callable

from pipelines.lib import left_out, prose
from pipelines.lib.field_entry import add_third_reading_notes
from pipelines.lib.files import csv_bytes, write_atomic
from pipelines.lib.package import RAW, STAGING, data_resource_names, raw_columns, rel, staged_header, staged_path
from pipelines.lib.raw import InputError, StagedRow, copied, read_raw_csv
from pipelines.sources import Document, Staged, staged_together
from pipelines.sources.reference import SOURCES
from pipelines.sources.registry import DOCUMENTS, REFERENCE
from pipelines.stages import run


def discrepancies(document: Document) -> list[dict[str, str]]:
    """The register of inconsistencies every document's folder keeps (a missing file is an error)."""
    path = document.folder / "discrepancies.csv"
    return [copied(raw, source_id=document.source_id) for raw in read_raw_csv(path, raw_columns("discrepancies"))]


def document_tables(document: Document) -> Staged:
    """Everything a document contributes: its own tables, its prose resources, its discrepancies."""
    parts: list[tuple[str, Callable[[], list[StagedRow] | Staged]]] = [("", document.build)] if document.build else []
    parts += [(name, functools.partial(prose.rows, document.source_id, name)) for name in document.prose_resources]
    parts += [("discrepancies", functools.partial(discrepancies, document))]
    return staged_together(*parts)


def unregistered_folders() -> list[str]:
    """A raw folder that no document of the registry reads would be left out without a word."""
    read = {document.folder for document in DOCUMENTS} | {SOURCES.parent}
    return [
        f"{rel(folder)}/: no document in pipelines/sources/registry.py reads this folder; "
        'add its module\'s DOCUMENT to DOCUMENTS there (CONTRIBUTING.md, "Add a document")'
        for folder in sorted(RAW.iterdir())
        if folder.is_dir() and folder not in read
    ]


def main() -> None:
    staged, problems = Staged(), unregistered_folders()
    problems += [p for document in DOCUMENTS for p in left_out.problems(document.folder)]
    builders: list[Callable[[], Staged]] = [REFERENCE, *(functools.partial(document_tables, document) for document in DOCUMENTS)]
    for build in builders:
        try:
            staged.merge(build())
        except InputError as error:
            problems.extend(error.problems)
    names = data_resource_names()
    if problems:
        raise InputError(list(dict.fromkeys(problems)))
    problems += [
        f"schemas/package.json: resource '{name}' has no builder in pipelines/sources/ (no document stages rows of it)"
        for name in names
        if name not in staged.rows
    ]
    problems += [
        f"pipelines/sources/: rows of '{name}', which schemas/package.json does not list" for name in staged.rows if name not in names
    ]
    if problems:
        raise InputError(problems)
    # where a third reading decided a field, the published row's note says so
    add_third_reading_notes(staged.rows, [(d.folder, d.tables_resource) for d in DOCUMENTS] + [(SOURCES.parent, "")])
    shutil.rmtree(STAGING, ignore_errors=True)
    for name in names:
        header = staged_header(name)
        write_atomic(staged_path(name), csv_bytes(header, ([row[c] for c in header] for row in staged.rows[name])))
    excerpt_checks = json.dumps(staged.checks, indent=1, ensure_ascii=False) + "\n"
    write_atomic(STAGING / "excerpt_checks.json", excerpt_checks.encode("utf-8"))
    print(f"tidy: staged {sum(map(len, staged.rows.values()))} rows in {len(names)} tables")


if __name__ == "__main__":
    run(main)
