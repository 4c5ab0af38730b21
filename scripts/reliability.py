"""Write two sections of docs/RELIABILITY.md: how every published field is checked (coverage)
and how often the two independent entries agreed (from data/agreement.csv). The detection rate
of each class of error is the section tests/test_mutations.py writes.

    python scripts/reliability.py          # rewrite the two sections
    python scripts/reliability.py --check  # exit 1 when the committed page is not what it would write

Made from the code and the data (lib/field_entry.coverage, data/agreement.csv), so it cannot
drift: tests/test_field_entry.py runs --check.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.lib import field_entry  # noqa: E402
from pipelines.lib.package import ROOT, resource_names  # noqa: E402
from pipelines.stages.double_entry import FOLDERS  # noqa: E402

PAGE = ROOT / "docs" / "RELIABILITY.md"


def sections() -> dict[str, str]:
    """The text between <!-- coverage --> and <!-- /coverage -->, and <!-- agreement --> and <!-- /agreement -->."""
    routes, unchecked = field_entry.coverage([(folder, tables) for folder, tables, _ in FOLDERS])
    coverage = [
        "| resource | fields | entered twice | derived from cells entered twice | ids, provenance, links | free text | checked no way |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for resource in resource_names():
        if resource in field_entry.MACHINE_RESOURCES:
            continue
        mine = [route for (res, _), route in routes.items() if res == resource]
        twice = sum(r.startswith("entered twice") for r in mine)
        derived = sum(r.startswith("from:") for r in mine)
        free = sum(r.startswith("verbatim") for r in mine)
        missing = sum(u.startswith(f"{resource}.") for u in unchecked)
        coverage.append(
            f"| `{resource}` | {len(mine) + missing} | {twice} | {derived} | {len(mine) - twice - derived - free} | {free} | {missing} |"
        )
    coverage += ["", f"Fields checked no way: {len(unchecked)}. Derived fields and what they come from:", ""]
    coverage += ["| resource | field | from |", "|---|---|---|"]
    coverage += [
        f"| `{res}` | `{name}` | {route.removeprefix('from: ')} |"
        for (res, name), route in sorted(routes.items())
        if route.startswith("from:")
    ]
    rows = list(csv.DictReader((ROOT / "data" / "agreement.csv").open(encoding="utf-8")))
    agreement = [
        "| resource | field | cells | agreed | % | alpha | level | third reading decided |",
        "|---|---|---:|---:|---:|---:|---|---:|",
    ]
    agreement += [
        f"| `{r['resource']}` | `{r['field']}` | {r['cells']} | {r['agreed']} | {r['percent_agreement']} | "
        f"{r['alpha'] or 'n/a'} | {r['alpha_level']} | {r['adjudicated']} |"
        for r in rows
    ]
    cells, agreed = sum(int(r["cells"]) for r in rows), sum(int(r["agreed"]) for r in rows)
    agreement += [
        "",
        f"In all: {cells} cells compared in {len(rows)} fields, {agreed} agreed ({100 * agreed / cells:.1f}%), "
        f"{sum(int(r['adjudicated']) for r in rows)} decided by a third reading.",
    ]
    return {"coverage": "\n".join(coverage), "agreement": "\n".join(agreement)}


def page(text: str) -> str:
    for name, body in sections().items():
        start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = f"{before}{start}\n{body}\n{end}{after}"
    return text


def main(argv: list[str]) -> int:
    current = PAGE.read_text(encoding="utf-8")
    text = page(current)
    if argv == ["--check"]:
        if current != text:
            print("docs/RELIABILITY.md is not current: run python scripts/reliability.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
