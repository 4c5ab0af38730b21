"""Stage `tidy`: raw transcriptions (data/raw/, as printed) -> tidy tables in build/tidy/.

Nothing here is published: `validate` checks the staged tables and `publish` copies them to
data/ only when every check passed. Each staged row keeps the raw file, line and column it came
from so that a failing check can say where to fix it.
"""

from __future__ import annotations

import json
import shutil
from typing import Callable

from pipelines import excerpts, matrices, poll, prose
from pipelines.common import (
    RAW,
    STAGING,
    InputError,
    csv_bytes,
    staged_header,
    transcribed_fields,
    data_resource_names,
    raw_columns,
    read_raw_csv,
    run,
    staged_path,
    write_atomic,
)

StagedRow = dict[str, str]


def copy_rows(resource: str, raw_name: str) -> list[StagedRow]:
    """A raw file that already has the published columns (reference tables)."""
    columns = transcribed_fields(resource)
    return [
        {**raw.cells, "raw_file": raw.file, "raw_line": str(raw.line), "raw_column": ""}
        for raw in read_raw_csv(RAW / raw_name, columns)
    ]


def discrepancies() -> list[StagedRow]:
    """The register of inconsistencies each source folder keeps (a missing file is an error)."""
    rows = []
    for path in (RAW / source_id / "discrepancies.csv" for source_id in prose.SOURCES):
        rows += [
            {**raw.cells, "source_id": path.parent.name, "raw_file": raw.file, "raw_line": str(raw.line), "raw_column": ""}
            for raw in read_raw_csv(path, raw_columns("discrepancies"))
        ]
    return rows


# Each resource is built by one or more builders (several sources may add rows to one resource).
BUILDERS: dict[str, list[Callable[[], list[StagedRow]]]] = {
    "sources": [lambda: copy_rows("sources", "reference/sources.csv")],
    "parties": [lambda: copy_rows("parties", "reference/parties.csv")],
    "poll_questions": [poll.questions],
    "poll_waves": [poll.waves],
    "poll_results": [poll.results],
    "poll_method": [poll.method],
    "party_positions": [matrices.party_positions],
    "party_fiscal_projections": [matrices.party_fiscal_projections],
    **{name: [lambda name=name: prose.collect(name)] for name in prose.CHECKS},
    "claims": [poll.claims, matrices.claims],
    "discrepancies": [discrepancies],
}


def main() -> None:
    # builders remember what they read within one run; a new run starts from nothing
    excerpts.CHECKED.clear()
    matrices.reset()
    staged: dict[str, list[StagedRow]] = {}
    problems: list[str] = []
    for name in data_resource_names():
        if name not in BUILDERS:
            problems.append(f"schemas/package.json: resource '{name}' has no builder in pipelines/tidy.py")
            continue
        staged[name] = []
        for build in BUILDERS[name]:
            try:
                staged[name].extend(build())
            except InputError as error:
                problems.extend(error.problems)
    if problems:
        # A builder shared by two resources reports its problems once for each.
        raise InputError(list(dict.fromkeys(problems)))
    shutil.rmtree(STAGING, ignore_errors=True)
    for name, rows in staged.items():
        header = staged_header(name)
        write_atomic(staged_path(name), csv_bytes(header, ([row[c] for c in header] for row in rows)))
    excerpt_checks = json.dumps(excerpts.CHECKED, indent=1, ensure_ascii=False) + "\n"
    write_atomic(STAGING / "excerpt_checks.json", excerpt_checks.encode("utf-8"))
    print(f"tidy: staged {sum(map(len, staged.values()))} rows in {len(staged)} tables")


if __name__ == "__main__":
    run(main)
