"""Stage `double_entry`: every first entry against its independent second entry.

The raw transcriptions (first entries) and the second transcriptions and readings
(data/raw/<source>/second_*.csv, typed by other people without seeing ours) are compared here,
in the pipeline, not only in the tests. Each document says what it compares
(`Document.second_entries` in its module in pipelines/sources/):

- table cells, cell by cell (the Ipsos tables, the Clingendael matrices);
- prose figures: every figure an independent extraction found must be in a staged row of its
  source, or listed with a reason in its left_out.csv (pipelines/lib/second_entry.py);
- then the readings (`Document.readings`): the Clingendael lost cells, where a third reading
  adjudicates between the first two.

Each comparison becomes a row of the `checks` resource (kind double_entry). A disagreement that
is not a registered outcome stops the pipeline, naming both entries' file, line and field.
"""

from __future__ import annotations

from pipelines.lib.files import json_bytes, write_atomic
from pipelines.lib.package import DOUBLE_ENTRY
from pipelines.lib.raw import InputError
from pipelines.sources.registry import DOCUMENTS
from pipelines.stages import run


def main() -> None:
    checks, problems = [], []
    comparisons = [c for document in DOCUMENTS for c in document.second_entries]
    comparisons += [c for document in DOCUMENTS for c in document.readings]
    for compare_entries in comparisons:
        try:
            found, wrong = compare_entries()
        except InputError as error:
            problems += error.problems
            continue
        checks += found
        problems += wrong
    if problems:
        raise InputError(problems)
    write_atomic(DOUBLE_ENTRY, json_bytes(checks))
    print(f"double_entry: {len(checks)} comparisons of first and second entries agree")


if __name__ == "__main__":
    run(main)
