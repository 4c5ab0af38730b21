"""Double entry runs in `dvc repro`: every first entry against its independent second entry,
published in `checks`; a one-digit typo in either entry stops the pipeline and names both."""

from __future__ import annotations

import csv
from pathlib import Path

from conftest import ROOT, edit, fails_cleanly

IPSOS = "data/raw/ipsos-io-2025-06-navo"
CLINGENDAEL = "data/raw/clingendael-2025-10-kantelpunt"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_comparison_is_a_published_check() -> None:
    checks = [r for r in rows(ROOT / "data" / "checks.csv") if r["kind"] == "double_entry"]
    ids = {r["check_id"] for r in checks}
    assert {f"double-entry-tabel-{n}-clingendael-2025-10-kantelpunt" for n in range(1, 7)} <= ids
    assert {
        f"double-entry-{t}-ipsos-io-2025-06-navo" for t in ("tabel-1-1", "tabel-1-2", "tabel-2-1", "tabel-2-3", "tabel-3-1", "prose")
    } <= ids
    assert "double-entry-lost-cells-clingendael-2025-10-kantelpunt" in ids
    for source in ("iob-2025-samen-sterker", "kamerbrief-2025-navo-top", "aiv-2025-briefadvies-navo-top"):
        assert {f"double-entry-second-transcription-{x}-{source}" for x in "ab"} <= ids
    assert {r["status"] for r in checks} == {"pass"}


def test_a_typo_in_the_first_entry_stops_the_pipeline(repo: Path) -> None:
    # changed in the transcription and its excerpt alike, so only the second entry can see it
    edit(repo / IPSOS / "tabel_2_1.csv", "Dick Schoof,29%,16%,86%", "Dick Schoof,26%,16%,86%")
    edit(repo / IPSOS / "tabel_2_1.excerpt.txt", "Dick Schoof 29% 16% 86%", "Dick Schoof 26% 16% 86%")
    fails_cleanly(
        repo,
        [
            f"{IPSOS}/tabel_2_1.csv, line 5, field 'Maart 2025': '26%' but {IPSOS}/second_transcription.csv, line 341, "
            "field 'value': '29%': the two entries of Tabel 2.1 cell ('Dick Schoof', 'Maart 2025') disagree"
        ],
    )


def test_a_typo_in_the_second_entry_stops_the_pipeline(repo: Path) -> None:
    edit(repo / IPSOS / "second_transcription.csv", "Tabel 2.1,Dick Schoof,Juni 2025,16%", "Tabel 2.1,Dick Schoof,Juni 2025,19%")
    fails_cleanly(
        repo,
        [
            f"{IPSOS}/tabel_2_1.csv, line 5, field 'Juni 2025': '16%' but {IPSOS}/second_transcription.csv, line 342, "
            "field 'value': '19%': the two entries of Tabel 2.1 cell ('Dick Schoof', 'Juni 2025') disagree"
        ],
    )


def test_a_changed_matrix_cell_in_the_second_entry_stops_the_pipeline(repo: Path) -> None:
    edit(repo / CLINGENDAEL / "second_transcription_cells.csv", "1,Dreiging,Rusland,BBB,Red", "1,Dreiging,Rusland,BBB,Grey")
    fails_cleanly(
        repo,
        [
            f"{CLINGENDAEL}/tabel_1.csv, line 3, field 'BBB': 'Red' but {CLINGENDAEL}/second_transcription_cells.csv, "
            "line 2, field 'value': 'Grey': the two entries of Tabel 1 cell ('Rusland', 'BBB') disagree"
        ],
    )


def test_a_prose_figure_with_a_typo_in_the_second_extraction_stops_the_pipeline(repo: Path) -> None:
    edit(repo / "data/raw/iob-2025-samen-sterker/second_transcription_a.csv", '2023",18%,18,', '2023",19%,19,')
    fails_cleanly(
        repo,
        [
            "data/raw/iob-2025-samen-sterker/second_transcription_a.csv, line 97, field 'printed': '19%'",
            "is in no staged row of iob-2025-samen-sterker and not in data/raw/iob-2025-samen-sterker/left_out.csv",
        ],
    )


def test_a_dropped_prose_figure_stops_the_pipeline(repo: Path) -> None:
    raw = repo / "data/raw/iob-2025-samen-sterker/industry_shares.csv"
    raw.write_text(
        "\n".join(line for line in raw.read_text(encoding="utf-8").splitlines() if "slechts 18%" not in line) + "\n", encoding="utf-8"
    )
    fails_cleanly(repo, ["second_transcription_a.csv, line 97, field 'printed': '18%'", "second_transcription_b.csv"])


def test_a_dropped_ipsos_prose_value_stops_the_pipeline(repo: Path) -> None:
    values = repo / IPSOS / "text_values.csv"
    values.write_text(
        "\n".join(line for line in values.read_text(encoding="utf-8").splitlines() if ",88%," not in line) + "\n", encoding="utf-8"
    )
    fails_cleanly(repo, [f"{IPSOS}/second_transcription.csv, line", "field 'value': '88'", "is in no staged row of ipsos-io-2025-06-navo"])


def test_readings_that_disagree_without_a_third_reading_stop_the_pipeline(repo: Path) -> None:
    edit(repo / CLINGENDAEL / "second_reading_lost_cells.csv", "2,Versterken VN,CU,LOST,,", "2,Versterken VN,CU,against,,")
    fails_cleanly(
        repo,
        [
            f"{CLINGENDAEL}/lost_cells.csv, line 64, field 'position': 'lost' but {CLINGENDAEL}/second_reading_lost_cells.csv, "
            "line 64, field 'position': 'against': the readings of ('Tabel 2', 'Versterken VN', 'CU') disagree and "
            f"{CLINGENDAEL}/third_reading_lost_cells.csv has no third reading"
        ],
    )


def test_the_third_reading_decides_where_two_readings_differ() -> None:
    first = {(r["table"], r["item"], r["party"]): r["position"] for r in rows(ROOT / CLINGENDAEL / "lost_cells.csv")}
    second = {
        (f"Tabel {r['table']}", r["item"].replace(" ⁹", ""), r["party"]): "" if r["position"] == "LOST" else r["position"]
        for r in rows(ROOT / CLINGENDAEL / "second_reading_lost_cells.csv")
    }
    third = {(r["table"], r["item"], r["party"]): r["position"] for r in rows(ROOT / CLINGENDAEL / "third_reading_lost_cells.csv")}
    published = {
        (r["locator"], r["item"], r["party_id"]): r
        for r in rows(ROOT / "data" / "party_positions.csv")
        if r["cell_status"] != "transcribed"
    }
    assert first.keys() == second.keys() and set(third) == {k for k in first if first[k] != second[k]}
    for (table, item, party), position in first.items():
        key = (table, item, party)
        expected = position if position == second[key] else third[key] if third[key] in (position, second[key]) else ""
        row = published[(table, item, party.lower())]
        assert (row["position"], row["cell_status"]) == (expected, "from_text" if expected else "lost"), key
