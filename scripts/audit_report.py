"""Write docs/AUDIT.md from the independent audit's files in docs/audit/.

    python scripts/audit_report.py

Per source: the rows the auditor checked (audited_rows.csv), the findings by kind
(<source>.findings.csv, written by the auditor, who did not transcribe the document) and how
each was resolved (<source>.resolution.csv). A test fails when AUDIT.md is not what this makes,
or when a finding has no resolution.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.sources.registry import source_ids  # noqa: E402

AUDIT = ROOT / "docs" / "audit"
RESOLUTIONS = ("corrected", "added", "registered", "left_out", "not_changed")


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def unresolved() -> list[str]:
    """Findings without exactly one resolution, and resolutions of no finding."""
    problems = []
    for source in source_ids():
        found = [r["finding_id"] for r in rows(AUDIT / f"{source}.findings.csv")]
        resolved = Counter(r["finding_id"] for r in rows(AUDIT / f"{source}.resolution.csv"))
        problems += [f"{source}: finding {f} has {resolved[f]} resolutions" for f in found if resolved[f] != 1]
        problems += [f"{source}: resolution of unknown finding {f}" for f in resolved if f not in found]
        problems += [
            f"{source}: finding {r['finding_id']} has resolution {r['resolution']!r}"
            for r in rows(AUDIT / f"{source}.resolution.csv")
            if r["resolution"] not in RESOLUTIONS
        ]
    return problems


def cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def report() -> str:
    audited = rows(AUDIT / "audited_rows.csv")
    out = [
        "# Independent audit",
        "",
        "Every published row was audited one document at a time by a reader who saw only that",
        "document's text layer and the published CSVs, and who did not transcribe it: the number, unit,",
        "scale, currency, comparator, years and periods, every classification column and the English",
        "description of each row; then every in-scope number of the document (body and footnotes) that",
        "is neither published nor listed in `left_out.csv`, and every inconsistency not yet registered.",
        "Other readers, again not the auditors, resolved each finding in the raw files; a third",
        "independent reading decided the lost matrix cells on which two readings differed.",
        "`make verify-sources` added two findings of its own (marked below). Made by",
        "`python scripts/audit_report.py` from `docs/audit/`, where each finding and each resolution",
        "is one row; a test keeps this page current and fails on a finding without a resolution.",
        "",
        "| source | rows audited | findings | " + " | ".join(RESOLUTIONS) + " |",
        "|---|---|---|" + "---|" * len(RESOLUTIONS),
    ]
    sections = []
    for source in source_ids():
        findings = rows(AUDIT / f"{source}.findings.csv")
        resolution = {r["finding_id"]: r for r in rows(AUDIT / f"{source}.resolution.csv")}
        counts = Counter(resolution[f["finding_id"]]["resolution"] for f in findings if f["finding_id"] in resolution)
        total = sum(int(r["rows"]) for r in audited if r["source_id"] == source)
        out.append(f"| `{source}` | {total} | {len(findings)} | " + " | ".join(str(counts[r]) for r in RESOLUTIONS) + " |")
        per_resource = ", ".join(f"{r['resource']} {r['rows']}" for r in audited if r["source_id"] == source)
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(Counter(f["kind"] for f in findings).items()))
        sections += [
            "",
            f"## `{source}`",
            "",
            f"Rows audited: {per_resource}. Findings by kind: {kinds}.",
            "",
            "| finding | kind | row | resolution | what changed |",
            "|---|---|---|---|---|",
        ]
        for f in findings:
            r = resolution.get(f["finding_id"], {"resolution": "**unresolved**", "what_changed": ""})
            where = " · ".join(x for x in (f["resource"], f["row_key"], f["field"]) if x)
            sections.append(f"| {f['finding_id']} | {f['kind']} | {cell(where)[:140]} | {r['resolution']} | {cell(r['what_changed'])} |")
    return "\n".join(out + sections) + "\n"


def main() -> None:
    (ROOT / "docs" / "AUDIT.md").write_text(report(), encoding="utf-8")
    problems = unresolved()
    for problem in problems:
        print(problem)
    print("wrote docs/AUDIT.md" + (f"; {len(problems)} finding(s) unresolved" if problems else "; every finding is resolved"))


if __name__ == "__main__":
    main()
