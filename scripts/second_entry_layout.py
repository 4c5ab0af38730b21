"""Write the empty layouts a blind second reader fills (see pipelines/lib/field_entry.py).

    python scripts/second_entry_layout.py data/raw/<folder> OUT_DIR
    python scripts/second_entry_layout.py --third data/raw/<folder> OUT_DIR [TABLE_RESOURCE]

For each first-entry file of the folder, OUT_DIR/<file> (a sidecar as <name>.meta.csv) holds
every row's key and context (locator, quote) and empty value columns, and nothing else of the
first entry. The reader fills them from the text layer and the schemas, and the result goes to
data/raw/<folder>/second_entry/.

With --third: OUT_DIR/third_reading.csv lists the cells where the first and second entry
disagree, each with its file, key, field and context but neither entry's value, for a third
reader to read again; the readings, with both entries added, become
data/raw/<folder>/second_entry/third_reading.csv.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.lib.field_entry import compare_folder, entered_files, layout  # noqa: E402


def main(folder: str, out: str) -> None:
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    for entered in entered_files(Path(folder)):
        columns, rows = layout(entered)
        path = target / entered.second_path.name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        print(f"{path}: {len(rows)} rows, to fill: {', '.join(c for c in columns if all(not r[c] for r in rows)) or '-'}")


def third(folder: str, out: str, table_resource: str = "") -> None:
    compared, _ = compare_folder(Path(folder), table_resource)
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    with (target / "third_reading.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["file", "key", "field", "locator", "quote", "third_reading", "note"])
        for result in compared:
            for key, field, _first, _second, row in result.disputed:
                name = result.file.rsplit("/", 1)[-1]
                writer.writerow([name, key, field, row.cells.get("locator", ""), row.cells.get("quote", ""), "", ""])
    print(f"{target / 'third_reading.csv'}: {sum(len(r.disputed) for r in compared)} cells to read a third time")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--third":
        third(*sys.argv[2:])
    elif len(sys.argv) == 3:
        main(sys.argv[1], sys.argv[2])
    else:
        sys.exit(__doc__)
