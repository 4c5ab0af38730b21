"""The number ledger of make verify-sources (scripts/ledger.py): every number token of a text
layer is covered by a published quote or excerpt, a left_out.csv quote or a declared non-figure;
shown to name what it cannot account for, on broken copies of the documents and the package."""

from __future__ import annotations

import csv
import io
import shutil
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run

sys.path.insert(0, str(ROOT / "scripts"))
import ledger  # noqa: E402

SOURCES = ROOT.parent / "shared" / "sources"
pytestmark = pytest.mark.skipif(not SOURCES.is_dir(), reason="the text layers are not beside this clone (make test says so)")
LETTER = "kamerbrief-2025-navo-top"


def unaccounted(root: Path, folder: Path, source_id: str) -> list[tuple[int, str]]:
    accounts, problems, _ = ledger.ledger(root, folder, only=source_id)
    assert problems == []
    return [(t.line, t.text) for a in accounts if a.source_id == source_id for t in a.unaccounted]


def test_every_number_is_counted_once_and_the_declarations_are_sound() -> None:
    accounts, problems, _ = ledger.ledger(ROOT, SOURCES)
    assert problems == []
    assert {a.source_id for a in accounts} == {
        "ipsos-io-2025-06-navo",
        "clingendael-2025-10-kantelpunt",
        "iob-2025-samen-sterker",
        "kamerbrief-2025-navo-top",
        "aiv-2025-briefadvies-navo-top",
    }
    for account in accounts:
        assert account.total > 0 and sum(account.by.values()) == account.accounted == account.total - len(account.unaccounted)


def test_a_number_added_to_a_text_layer_is_named_with_its_line(tmp_path: Path) -> None:
    folder = shutil.copytree(SOURCES, tmp_path / "sources")
    path = folder / f"{LETTER}.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(9, "Nederland levert daarnaast 417 extra pantservoertuigen.")
    path.write_text("\n".join(lines), encoding="utf-8")
    before = unaccounted(ROOT, SOURCES, LETTER)
    after = unaccounted(ROOT, folder, LETTER)
    assert (10, "417") in after and len(after) == len(before) + 1
    result = run([sys.executable, "scripts/ledger.py", str(folder), "--source", LETTER], ROOT)
    assert result.returncode == 1
    assert f"{LETTER}, line 10: number '417' not accounted for: Nederland levert daarnaast 417 extra pantservoertuigen." in result.stdout


def test_a_published_row_removed_leaves_its_number_unaccounted(repo: Path) -> None:
    """The row goes from the published table and from its first entry (as a row dropped with its
    second entry would): nothing covers its number any more."""
    raw = repo / "data/raw" / LETTER / "spending_norms.csv"
    rows = list(csv.DictReader(io.StringIO(raw.read_text(encoding="utf-8"))))
    before = unaccounted(repo, SOURCES, LETTER)
    for row in rows:
        kept = [r for r in rows if r is not row]
        for path, key in ((raw, "norm_id"), (repo / "data/spending_norms.csv", "norm_id")):
            table = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=list(table[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(r for r in table if r[key] != row["norm_id"])
            path.write_text(out.getvalue(), encoding="utf-8")
        after = unaccounted(repo, SOURCES, LETTER)
        if len(after) > len(before):
            assert any(text in row["printed"] for _, text in set(after) - set(before)), (row, after)
            return
        rows = kept
    raise AssertionError("removing every spending norm of the letter left no number unaccounted")


def test_a_declaration_outside_the_classes_or_declaring_nothing_is_named(repo: Path) -> None:
    path = repo / "data/raw" / LETTER / "non_figures.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("title,\\bCT25\\b", "misc,\\bCT25\\b", 1) + "date,\\b31 februari 1999\\b,,no such date\n", encoding="utf-8"
    )
    _, problems, _ = ledger.ledger(repo, SOURCES, only=LETTER)
    relative = f"data/raw/{LETTER}/non_figures.csv"
    lines = text.split("\n")
    line = next(n for n, l in enumerate(lines, start=1) if l.startswith("title,\\bCT25\\b"))
    assert f"{relative}, line {line}, field 'class': 'misc' is not one of" in "\n".join(problems)
    assert f"{relative}, line {len(lines)}: declares no number of the document" in problems


def test_a_left_out_reason_class_outside_the_list_is_named(repo: Path) -> None:
    path = repo / "data/raw" / LETTER / "left_out.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, [*rows[0], "reason_class"], lineterminator="\n")
    writer.writeheader()
    writer.writerows({**row, "reason_class": "restatement" if n else "no_place_for_it"} for n, row in enumerate(rows))
    path.write_text(out.getvalue(), encoding="utf-8")
    _, problems, _ = ledger.ledger(repo, SOURCES, only=LETTER)
    assert problems == [
        f"data/raw/{LETTER}/left_out.csv, line 2, field 'reason_class': 'no_place_for_it' is not one of {sorted(ledger.LEFT_OUT_CLASSES)}"
    ]


def test_make_ledger_fails_while_a_number_is_unaccounted_and_names_it() -> None:
    result = run(["make", "--no-print-directory", "ledger", f"SOURCES={SOURCES}"], ROOT)
    accounts, _, _ = ledger.ledger(ROOT, SOURCES)
    expected = [(a.source_id, t.line, t.text) for a in accounts for t in a.unaccounted]
    assert (result.returncode == 0) == (not expected), result.stderr
    for source_id, line, text in expected:
        assert f"{source_id}, line {line}: number {text!r} not accounted for" in result.stdout
