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
# the second audit (issue 22), across documents: findings by theme (A: classifications and English
# labels; B: notes, lost cells, poll tables, new inconsistencies), one resolution file; a finding
# may also be resolved by documenting the meaning and the alternative reading
ROUND2 = ("A", "B")
RESOLUTIONS2 = (*RESOLUTIONS, "documented")


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
    folder = AUDIT / "round2"
    found = [r["finding_id"] for theme in ROUND2 for r in rows(folder / f"{theme}.findings.csv")]
    resolutions = rows(folder / "resolution.csv")
    resolved = Counter(r["finding_id"] for r in resolutions)
    problems += [f"round2: finding {f} has {resolved[f]} resolutions" for f in found if resolved[f] != 1]
    problems += [f"round2: resolution of unknown finding {f}" for f in resolved if f not in found]
    problems += [
        f"round2: finding {r['finding_id']} has resolution {r['resolution']!r}" for r in resolutions if r["resolution"] not in RESOLUTIONS2
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
        sections += ["", f"## `{source}`", "", f"Rows audited: {per_resource}. Findings by kind: {kinds}.", ""]
        sections += finding_table(findings, resolution)
    return "\n".join(out + sections + round2()) + "\n"


def finding_table(findings: list[dict[str, str]], resolution: dict[str, dict[str, str]]) -> list[str]:
    """One line per finding: where it is, how it was resolved and what changed."""
    lines = ["| finding | kind | row | resolution | what changed |", "|---|---|---|---|---|"]
    for f in findings:
        r = resolution.get(f["finding_id"], {"resolution": "**unresolved**", "what_changed": ""})
        where = " · ".join(x for x in (f["resource"], f["row_key"], f["field"]) if x)
        lines.append(f"| {f['finding_id']} | {f['kind']} | {cell(where)[:140]} | {r['resolution']} | {cell(r['what_changed'])} |")
    return lines


def round2() -> list[str]:
    """The second audit's section: by readers who transcribed none of the documents, across all
    five, of every classification column, English label, note, lost matrix cell and poll table."""
    folder = AUDIT / "round2"
    findings = [r for theme in ROUND2 for r in rows(folder / f"{theme}.findings.csv")]
    resolution = {r["finding_id"]: r for r in rows(folder / "resolution.csv")}
    counts = Counter(resolution[f["finding_id"]]["resolution"] for f in findings if f["finding_id"] in resolution)
    out = [
        "",
        "## Second audit (issue 22)",
        "",
        "Two new readers, who transcribed none of the documents, audited across all five: (A) every",
        "classification column across documents and years and every English label against the Dutch;",
        "(B) every note against its value, every lost matrix cell whose row's prose names the only",
        "exceptions (the elimination rule in `docs/audit/round2/ELIMINATION_RULE.md`), which report",
        "each poll table's columns come from, and new inconsistencies. Their findings are in",
        "`docs/audit/round2/`; the changes went through the blind second entry and third readings",
        "like any first entry. `documented`: the schema now states the meaning, and the note the",
        "alternative reading.",
        "",
        f"Findings: {len(findings)}. " + ", ".join(f"{r} {counts[r]}" for r in RESOLUTIONS2 if counts[r]) + ".",
        "",
    ]
    return out + finding_table(findings, resolution)


def main() -> None:
    (ROOT / "docs" / "AUDIT.md").write_text(report(), encoding="utf-8")
    problems = unresolved()
    for problem in problems:
        print(problem)
    print("wrote docs/AUDIT.md" + (f"; {len(problems)} finding(s) unresolved" if problems else "; every finding is resolved"))


if __name__ == "__main__":
    main()
