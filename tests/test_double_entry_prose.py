"""Double entry for the prose documents: two independent extractions of every figure
(data/raw/<source>/second_transcription_a.csv and _b.csv) against what the package publishes.

Every figure either extraction found (other than its 'other_number' catch-all) must be in a
published row of the same source - its quote overlapping ours and its number in that row - or
be listed with a reason in that source's left_out.csv."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from conftest import ROOT

SOURCES = ("iob-2025-samen-sterker", "kamerbrief-2025-navo-top", "aiv-2025-briefadvies-navo-top")
RESOURCES = ("fair_shares", "mission_contributions", "force_requirements", "financial_figures", "spending_norms", "industry_shares")


def squash(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).lower()


def numbers(text: str) -> set[str]:
    found = {m.replace(".", "").replace(",", ".") for m in re.findall(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?", text)}
    return {n.rstrip("0").rstrip(".") if "." in n else n for n in found}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def published(root: Path, source_id: str) -> list[tuple[str, str]]:
    """(quote, all text of the row) of every published row of the source, quotes of every kind."""
    out = []
    for name in RESOURCES:
        for row in rows(root / "data" / f"{name}.csv"):
            if row["source_id"] == source_id:
                text = " ".join(row.values())
                out += [(squash(row[q]), squash(text)) for q in ("quote", "inputs_quote") if row.get(q)]
    left_out = root / "data" / "raw" / source_id / "left_out.csv"
    out += [(squash(r["quote"]), squash(" ".join(r.values()))) for r in rows(left_out)] if left_out.is_file() else []
    return out


def overlaps(a: str, b: str) -> bool:
    return a in b or b in a or (len(a) > 30 and a[:30] in b) or (len(b) > 30 and b[:30] in a) or (len(a) > 30 and a[-30:] in b)


def unmatched(root: Path, source_id: str) -> list[tuple[str, str, str]]:
    ours = published(root, source_id)
    missing = []
    for extraction in sorted((root / "data" / "raw" / source_id).glob("second_transcription_*.csv")):
        for figure in rows(extraction):
            if figure["category"] == "other_number":
                continue
            # the text layer glues footnote numbers to a sentence's full stop ('Roemenië.313')
            quote = re.sub(r"\.\d{1,3}$", ".", squash(figure["quote"]))
            wanted = numbers(figure["printed"]) or {squash(figure["printed"])}
            if not any(overlaps(quote, q) and (wanted & numbers(text) or any(w in text for w in wanted)) for q, text in ours):
                missing.append((extraction.name, figure["printed"], figure["quote"]))
    return missing


@pytest.mark.parametrize("source_id", SOURCES)
def test_every_figure_found_twice_is_published_or_left_out(source_id: str) -> None:
    assert unmatched(ROOT, source_id) == []


def test_a_missing_figure_is_reported(repo: Path) -> None:
    raw = repo / "data/raw/iob-2025-samen-sterker/industry_shares.csv"
    raw.write_text("\n".join(line for line in raw.read_text(encoding="utf-8").splitlines() if "slechts 18%" not in line) + "\n", encoding="utf-8")
    from conftest import dvc_repro

    assert dvc_repro(repo).returncode == 0
    missing = {printed for _, printed, _ in unmatched(repo, "iob-2025-samen-sterker")}
    assert missing == {"18%"}
