"""Double entry: the raw transcription against an independent second transcription of the
same text layer (data/raw/<source>/second_transcription.csv, typed without seeing ours)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from conftest import ROOT

FOLDER = Path("data/raw/ipsos-io-2025-06-navo")
TABLES = {"tabel_1_1": "Tabel 1.1", "tabel_1_2": "Tabel 1.2", "tabel_2_3": "Tabel 2.3", "tabel_2_1": "Tabel 2.1", "tabel_3_1": "Tabel 3.1"}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def table_differences(root: Path) -> list[tuple]:
    """Cells where the two transcriptions differ: (locator, row, column, ours, theirs)."""
    second = rows(root / FOLDER / "second_transcription.csv")
    differences = []
    for stem, locator in TABLES.items():
        ours = {(r["row"], c): v for r in rows(root / FOLDER / f"{stem}.csv") for c, v in r.items() if c != "row"}
        theirs = {(r["row_label"], r["column_label"]): r["value"] for r in second if r["locator"] == locator and r["column_label"]}
        differences += [(locator, *key, ours.get(key), theirs.get(key)) for key in sorted(ours.keys() | theirs.keys()) if ours.get(key) != theirs.get(key)]
    return differences


def squash(text: str) -> str:
    return " ".join(text.split()).lower()


def number(text: str) -> str:
    match = re.match(r"\d+(?:[.,]\d+)*", text.strip())
    return match.group(0).replace(".", "").replace(",", ".") if match else squash(text)


def unmatched_prose(root: Path) -> list[tuple[str, str, str]]:
    """Prose numbers of the second transcription that ours neither publishes nor lists as left out."""
    ours = [(r["printed"], r["quote"]) for name in ("text_values", "claims") for r in rows(root / FOLDER / f"{name}.csv")]
    ours += [(r["value_number"] or r["value_text"], r["quote"]) for r in rows(root / FOLDER / "method.csv")]
    ours += [(r["printed"], r["quote"]) for r in rows(root / FOLDER / "left_out.csv")]
    missing = []
    for theirs in rows(root / FOLDER / "second_transcription.csv"):
        if theirs["column_label"] or theirs["locator"].startswith("Tabel"):
            continue
        quote, values = squash(theirs["quote"]), {number(theirs["value"]), squash(theirs["value"])}
        if not any(
            (squash(q) in quote or quote in squash(q) or quote[:15] in squash(q))
            and any(value in squash(printed) or value in squash(q) for value in values)
            for printed, q in ours
        ):
            missing.append((theirs["locator"], theirs["value"], theirs["quote"]))
    return missing


def test_every_table_cell_matches_the_second_transcription() -> None:
    assert table_differences(ROOT) == []


def test_a_differing_cell_is_reported(repo: Path) -> None:
    raw = repo / FOLDER / "tabel_2_1.csv"
    raw.write_text(raw.read_text(encoding="utf-8").replace("Dick Schoof,29%", "Dick Schoof,26%"), encoding="utf-8")
    assert table_differences(repo) == [("Tabel 2.1", "Dick Schoof", "Maart 2025", "26%", "29%")]


def test_every_prose_number_is_published_or_left_out_with_a_reason() -> None:
    assert unmatched_prose(ROOT) == []


def test_a_missing_prose_value_is_reported(repo: Path) -> None:
    values = repo / FOLDER / "text_values.csv"
    values.write_text("\n".join(line for line in values.read_text(encoding="utf-8").splitlines() if ",88%," not in line) + "\n", encoding="utf-8")
    assert [(locator, value) for locator, value, _ in unmatched_prose(repo)] == [("1.3", "88")]
