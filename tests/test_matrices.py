"""Each check on the Clingendael party matrices catches the error it is for, on a broken copy,
and the transcription agrees with an independent second reading."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from conftest import ROOT, edit, fails_cleanly, line_of

FOLDER = "data/raw/clingendael-2025-10-kantelpunt"
PARTIES = ["BBB", "CDA", "CU", "D66", "DENK", "FVD", "GL-PvdA", "JA21", "NSC", "PvdD", "PVV", "SGP", "SP", "Volt", "VVD"]


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def in_both(repo: Path, stem: str, raw_old: str, raw_new: str) -> None:
    """A change in the raw table, its excerpt and the second transcription alike: the source
    itself says something else."""
    edit(repo / FOLDER / f"{stem}.csv", raw_old, raw_new)
    edit(repo / FOLDER / f"{stem}.excerpt.txt", raw_old.replace(",", "\t"), raw_new.replace(",", "\t"))
    label, *before = raw_old.split(",")
    after = raw_new.split(",")[1:]
    second = repo / FOLDER / "second_transcription_cells.csv"
    table = list(csv.DictReader(second.open(encoding="utf-8")))
    for party, old, new in zip(PARTIES, before, after):
        if old != new:
            cell = next(r for r in table if r["table"] == stem.removeprefix("tabel_") and r["item"] == label and r["party"] == party)
            cell["value"] = new
    with second.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)


def test_changed_colour_is_caught_by_the_excerpt(repo: Path) -> None:
    raw = repo / FOLDER / "tabel_1.csv"
    line = line_of(raw, "Iran")
    edit(raw, "Iran,Red,Red,Red,Grey", "Iran,Red,Red,Red,Red")
    fails_cleanly(repo, [f"tabel_1.csv, line {line}, field 'D66': transcribed 'Red', excerpt", "reads 'Grey'"])


def test_shifted_check_mark_is_caught_by_the_excerpt(repo: Path) -> None:
    raw = repo / FOLDER / "tabel_4.csv"
    line = line_of(raw, "Ruimtevaart")
    edit(raw, "Ruimtevaart,✓,,,,,,✓,✓", "Ruimtevaart,✓,,,,,✓,,✓")
    fails_cleanly(
        repo, [f"tabel_4.csv, line {line}, field 'FVD': transcribed '✓'", f"tabel_4.csv, line {line}, field 'GL-PvdA': transcribed ''"]
    )


def test_value_outside_the_legend_is_caught(repo: Path) -> None:
    line = line_of(repo / FOLDER / "tabel_6.csv", "Herinvoering opkomstplicht")
    in_both(repo, "tabel_6", "Herinvoering opkomstplicht,Red", "Herinvoering opkomstplicht,Blue")
    fails_cleanly(repo, [f"tabel_6.csv, line {line}, field 'BBB': 'Blue' is not in the legend of Tabel 6"])


def test_duplicated_item_row_is_caught(repo: Path) -> None:
    raw, excerpt = repo / FOLDER / "tabel_4.csv", repo / FOLDER / "tabel_4.excerpt.txt"
    drones = next(line for line in raw.read_text(encoding="utf-8").splitlines() if line.startswith("Drones,"))
    raw.write_text(raw.read_text(encoding="utf-8") + drones + "\n", encoding="utf-8")
    excerpt.write_text(
        excerpt.read_text(encoding="utf-8").replace("# lines: 202-206", "# lines: 202-207") + drones.replace(",", "\t") + "\n",
        encoding="utf-8",
    )
    fails_cleanly(repo, ["tabel_4.csv, line 6: duplicate key ['capabilities', 'Drones', 'bbb'], already on line 3"])


def drop_lines(path: Path, start: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line for line in lines if not line.startswith(start)) + "\n", encoding="utf-8")


def test_unresolved_lost_cell_is_caught(repo: Path) -> None:
    drop_lines(repo / FOLDER / "lost_cells.csv", "Tabel 3,Militair,SGP,")
    drop_lines(repo / FOLDER / "second_reading_lost_cells.csv", "3,Militair,SGP,")
    line = line_of(repo / FOLDER / "tabel_3.csv", "Militair")
    fails_cleanly(repo, [f"tabel_3.csv, line {line}, field 'SGP': the cell is empty (lost) and lost_cells.csv does not resolve it"])


def test_lost_cell_read_in_one_reading_only_is_caught(repo: Path) -> None:
    drop_lines(repo / FOLDER / "lost_cells.csv", "Tabel 3,Militair,SGP,")
    fails_cleanly(repo, ["second_reading_lost_cells.csv, line 178: cell ('Tabel 3', 'Militair', 'SGP') is read in one reading only"])


def test_lost_cell_resolved_twice_is_caught(repo: Path) -> None:
    lost = repo / FOLDER / "lost_cells.csv"
    lines = lost.read_text(encoding="utf-8").splitlines()
    twice = next(line for line in lines if line.startswith("Tabel 2,Versterken VN,CU,"))
    lost.write_text("\n".join([*lines, twice]) + "\n", encoding="utf-8")
    fails_cleanly(
        repo, [f"lost_cells.csv, line {len(lines) + 1}: cell ('Tabel 2', 'Versterken VN', 'CU') is read twice in one file (also line 64)"]
    )


def test_position_from_text_needs_its_quote(repo: Path) -> None:
    # both readings agree on a position, but neither gives the sentence that states it
    edit(repo / FOLDER / "lost_cells.csv", "Tabel 2,Versterken VN,CU,,", "Tabel 2,Versterken VN,CU,for,")
    edit(repo / FOLDER / "second_reading_lost_cells.csv", "2,Versterken VN,CU,LOST,", "2,Versterken VN,CU,for,")
    fails_cleanly(repo, ["lost_cells.csv, line 64, field 'evidence_quote': a position from the prose needs its quote"])


def test_position_outside_the_tables_legend_is_caught(repo: Path) -> None:
    edit(repo / FOLDER / "lost_cells.csv", "Tabel 3,Fysieke inzet,VVD,for,", "Tabel 3,Fysieke inzet,VVD,threat,")
    edit(repo / FOLDER / "second_reading_lost_cells.csv", "3,Fysieke inzet,VVD,for,", "3,Fysieke inzet,VVD,threat,")
    fails_cleanly(repo, ["field 'position': 'threat' is not a position of the Tabel 3 legend"])


def test_prose_claim_against_a_changed_matrix_fails(repo: Path) -> None:
    in_both(repo, "tabel_1", "Venezuela,Red,Grey", "Venezuela,Red,Red")
    fails_cleanly(repo, ["check claim-clingendael-venezuela fails", "expected bbb, observed bbb;cda"])


def test_registered_discrepancy_that_no_longer_disagrees_fails(repo: Path) -> None:
    in_both(repo, "tabel_1", "Hybride dreigingen,Red,Red,Red,Red,Grey,Grey", "Hybride dreigingen,Red,Red,Red,Red,Grey,Red")
    fails_cleanly(repo, ["check claim-clingendael-hybrid passes", "but discrepancy clingendael-hybrid-fvd says it fails"])


def test_count_claim_is_checked(repo: Path) -> None:
    in_both(repo, "tabel_6", "Meer ruimte voor defensie,Green,Green,Green,Green", "Meer ruimte voor defensie,Grey,Grey,Grey,Green")
    fails_cleanly(repo, ["check claim-clingendael-space fails", "expected 7.5 parties, observed 4 parties"])


def test_debt_projection_must_be_a_percentage(repo: Path) -> None:
    line = line_of(repo / FOLDER / "tabel_5.csv", "2060 (% van bbp)")
    in_both(repo, "tabel_5", "124%", "124")
    fails_cleanly(repo, [f"tabel_5.csv, line {line}, field 'BBB': '124' is not a percentage like 49,6%"])


def test_money_amount_must_be_the_printed_number(repo: Path) -> None:
    figures = repo / FOLDER / "financial_figures.csv"
    edit(figures, ",19.3,EUR,", ",13.9,EUR,")
    fails_cleanly(repo, ["financial_figures.csv, line 3, field 'amount': '13.9' is not the number printed in '19,3 miljard'"])


def published(name: str) -> list[dict[str, str]]:
    return rows(ROOT / "data" / f"{name}.csv")


def test_every_matrix_is_complete() -> None:
    cells = Counter((r["table_id"], r["item"]) for r in published("party_positions"))
    assert set(cells.values()) == {15}
    tables = {r["table_id"] for r in published("party_positions")}
    assert len(tables) == 6
