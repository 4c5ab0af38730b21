"""Stage `double_entry`: every first entry against its independent second entry.

The raw transcriptions (first entries) and the second transcriptions and readings, typed by
other people without seeing ours, are compared here, in the pipeline, not only in the tests:

- every value field of every hand-typed file, field by field, rows matched by their key
  (pipelines/lib/field_entry.py: data/raw/<folder>/second_entry/, with the third readings that
  decided each disagreement), the tables' sidecars and the reference tables included;
- what each document adds (`Document.second_entries` in its module in pipelines/sources/): the
  printed table cells, cell by cell; every figure of an independent extraction of its prose
  is published or left out;
- then the readings (`Document.readings`): the Clingendael lost cells, where a third reading
  adjudicates between the first two.

Each comparison becomes a row of the `checks` resource (kind double_entry); how often the two
entries of each field agreed becomes the `agreement` resource (build/agreement.csv). A
disagreement that no third reading decides stops the pipeline, naming both entries' file, line
and field.
"""

from __future__ import annotations

from pipelines.lib import field_entry
from pipelines.lib.files import csv_bytes, json_bytes, write_atomic
from pipelines.lib.package import AGREEMENT, DOUBLE_ENTRY, RAW, rel
from pipelines.lib.raw import InputError
from pipelines.lib.second_entry import check
from pipelines.sources.registry import DOCUMENTS
from pipelines.stages import run

# the folders whose files are entered twice field by field: each document's, and the reference tables'
FOLDERS = [(document.folder, document.tables_resource, document.source_id) for document in DOCUMENTS] + [(RAW / "reference", "", "")]


def main() -> None:
    checks, problems, compared = [], [], []
    for folder, tables_resource, source_id in FOLDERS:
        results, wrong = field_entry.compare_folder(folder, tables_resource)
        problems += wrong
        compared += results
        for result in results:
            name = result.file.rsplit("/", 1)[-1].removesuffix(".csv").removesuffix(".yaml").replace("_", "-").replace(".", "-")
            checks.append(
                check(
                    f"double-entry-fields-{name}-{folder.name}",
                    f"{result.file}: every value field of every row against the blind second entry in "
                    f"{rel(folder / field_entry.SECOND)}/ (a third reading decides where they disagree)",
                    source_id,
                    result.cells,
                )
            )
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
    compared += [agreement() for document in DOCUMENTS for agreement in document.cell_agreements]
    rows = field_entry.agreement_rows(compared)
    write_atomic(AGREEMENT, csv_bytes(field_entry.AGREEMENT_COLUMNS, ([row[c] for c in field_entry.AGREEMENT_COLUMNS] for row in rows)))
    write_atomic(DOUBLE_ENTRY, json_bytes(checks))
    print(f"double_entry: {len(checks)} comparisons of first and second entries agree; agreement of {len(rows)} fields")


if __name__ == "__main__":
    run(main)
