"""The places issue 22 gave to statements that left_out.csv used to hold: counts of parties and
quantity words, ranks and comparisons in words, claims the lost cells leave open, and the fixed
reasons of left_out.csv. Each check is fed a broken case and must name it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import fails_cleanly, line_of, set_cell

from pipelines.lib import dutch_numbers, left_out, prose
from pipelines.lib.raw import RawRow
from pipelines.rules import cross_checks

PARTIES = {"cda": "CDA", "volt": "Volt", "vvd": "VVD", "fvd": "FVD", "bbb": "BBB"}


def count_row(**cells: str) -> RawRow:
    base = {"count": "", "out_of": "", "comparator": "eq", "printed": "", "party_ids": "", "quote": "", "note": ""}
    return RawRow("data/raw/x/counts.csv", 7, base | cells)


@pytest.mark.parametrize(
    ("printed", "size", "expected"),
    [
        ("Bijna alle partijen", 15, ("ge", 8)),
        ("de meeste politieke partijen", 15, ("ge", 8)),
        ("De meeste partijen", 10, ("ge", 6)),
        ("Een aantal partijen", 15, ("ge", 2)),
        ("ieder verkiezingsprogramma", 15, ("eq", 15)),
        ("geen enkele lidstaat", None, ("eq", 0)),
        ("Velen", 15, ("ge", 8)),
        ("Bijna alle partijen", None, None),  # needs the set's size
        ("alleen FVD", 15, None),  # 'alleen' is not 'alle'
        ("een brigade", 15, None),
    ],
)
def test_quantity_words_are_read_against_the_set(printed: str, size: int | None, expected: tuple[str, int] | None) -> None:
    assert dutch_numbers.quantifier_count(printed, size) == expected


def test_ranks_and_comparisons_in_words() -> None:
    assert dutch_numbers.read_printed("het meeste") == (1.0, "rank", False)
    assert dutch_numbers.read_printed("hoogtepunt") == (1.0, "rank_wave", False)
    assert dutch_numbers.read_comparison("lager dan gemiddeld") == "below"
    assert dutch_numbers.read_comparison("terug op het niveau van") == "same_level"
    assert dutch_numbers.read_comparison("ongeveer") is None
    with pytest.raises(ValueError, match="cannot read 'het minste'"):
        dutch_numbers.read_printed("het minste")


def test_a_count_in_words_must_be_what_the_words_state() -> None:
    row = count_row(count="9", out_of="15", comparator="ge", printed="Bijna alle partijen")
    assert prose.check_count(row, PARTIES) == [
        "data/raw/x/counts.csv, line 7, field 'count': ge '9' is not what 'Bijna alle partijen' states (ge 8)"
    ]
    assert prose.check_count(count_row(count="8", out_of="15", comparator="ge", printed="Bijna alle partijen"), PARTIES) == []


def test_a_count_in_words_needs_the_size_of_its_set() -> None:
    row = count_row(count="8", comparator="ge", printed="Velen")
    assert prose.check_count(row, PARTIES) == [
        "data/raw/x/counts.csv, line 7, field 'out_of': 'Velen' is a quantity in words; give the size of the set it counts from"
    ]


def test_parties_named_one_by_one_are_counted_and_must_exist() -> None:
    good = count_row(count="3", printed="CDA, Volt en VVD", party_ids="cda;volt;vvd")
    assert prose.check_count(good, PARTIES) == []
    wrong = count_row(count="2", printed="CDA, Volt en VVD", party_ids="cda;volt;vvd")
    assert prose.check_count(wrong, PARTIES) == [
        "data/raw/x/counts.csv, line 7, field 'count': eq '2' is not what 'CDA, Volt en VVD' states (eq 3)"
    ]
    # an unknown party is left to `validate`, which knows the published parties (below)
    assert prose.check_count(count_row(count="2", printed="CDA en BB", party_ids="cda;bb"), PARTIES) == []


def test_the_pipeline_stops_on_an_unknown_counted_party(repo: Path) -> None:
    path = repo / "data/raw/clingendael-2025-10-kantelpunt/counts.csv"
    set_cell(path, "clingendael-parties-renounce-treaties", "party_ids", "fvd;pvw")
    line = line_of(path, "clingendael-parties-renounce-treaties")
    fails_cleanly(repo, [f"counts.csv, line {line}, field 'party_ids': fails rule 'counted parties are known party ids'"])


def test_left_out_rows_need_an_allowed_class_and_an_out_of_subject_reason(tmp_path: Path) -> None:
    (tmp_path / "left_out.csv").write_text(
        "locator,printed,quote,reason_class,reason\n"
        "§1,5 procent,5 procent van het bbp,no_place,A norm.\n"
        "§2,twee,twee brigades,outside_subject,The package has no place for it yet.\n"
        "§3,2025,in 2025,date,The year of the summit.\n",
        encoding="utf-8",
    )
    where = f"{tmp_path.name}/left_out.csv".split("/")[-1]
    problems = left_out.problems(tmp_path)
    assert len(problems) == 2
    assert problems[0].endswith(f"{where}, line 2, field 'reason_class': 'no_place' is not one of {sorted(left_out.LEFT_OUT_CLASSES)}")
    assert f"{where}, line 3, field 'reason': 'no place': a statement in the package's subject gets a place" in problems[1]


def test_the_pipeline_stops_on_a_bad_left_out_class_and_on_a_count_its_words_do_not_state(repo: Path) -> None:
    """Both stop `tidy`, each named by file, line and field (one broken copy for the two)."""
    path = repo / "data/raw/iob-2025-samen-sterker/left_out.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",outside_subject,", ",no_place_for_it,", 1), encoding="utf-8")
    left = next(n for n, line in enumerate(text.splitlines(), start=1) if ",outside_subject," in line)
    counts = repo / "data/raw/clingendael-2025-10-kantelpunt/counts.csv"
    set_cell(counts, "clingendael-parties-for-eu-membership", "count", "14")
    line = line_of(counts, "clingendael-parties-for-eu-membership")
    fails_cleanly(
        repo,
        [
            f"data/raw/iob-2025-samen-sterker/left_out.csv, line {left}, field 'reason_class': 'no_place_for_it'",
            f"counts.csv, line {line}, field 'count': ge '14' is not what 'Bijna alle partijen' states (ge 8)",
        ],
    )


# ---- claims the lost cells leave open ------------------------------------------------------------


def matrix(cells: dict[str, list[str | None]]) -> pd.DataFrame:
    """party_positions rows of one table: per item, one position per party (None: lost)."""
    rows = [
        {
            "table_id": "t",
            "item": item,
            "party_id": f"p{i}",
            "position": position,
            "cell_status": "lost" if position is None else "transcribed",
        }
        for item, positions in cells.items()
        for i, position in enumerate(positions)
    ]
    return pd.DataFrame(rows)


def claim(comparator: str, value: float, key: dict) -> pd.Series:
    return pd.Series({"comparator": comparator, "claimed_value": value, "refers_key": json.dumps(key), "claimed_parties": ""})


@pytest.mark.parametrize(
    ("positions", "comparator", "value", "outcome"),
    [
        (["for", "for", None, None], "gt", 1, "pass"),  # 2 to 4: all more than 1
        (["for", None, None, None], "gt", 1, "undetermined"),  # 1 to 4
        (["against", "against", None, None], "gt", 2.5, "fail"),  # 0 to 2: none more than 2.5
        (["for", "for", "for", "against"], "gt", 3, "fail"),  # nothing lost: decided
    ],
)
def test_lost_cells_decide_a_count_only_when_every_count_they_allow_agrees(
    positions: list[str | None], comparator: str, value: float, outcome: str
) -> None:
    table = matrix({"a": positions})
    key = {"table_id": "t", "item": "a", "position": "for"}
    rows = cross_checks.selected(table, key)
    assert rows is not None
    line = cross_checks.party_claim(claim(comparator, value, key), rows, cross_checks.lost_cells(table, key))
    if outcome == "undetermined":
        assert line["comparator"] == "undetermined"
        assert line["observed"] == f"{len(rows)} parties, and 3 lost cells"
    else:
        assert cross_checks.holds(comparator, value, float(len(rows)), 0) == (outcome == "pass")


def test_a_rank_among_matrix_rows_with_lost_cells() -> None:
    key = {"table_id": "t", "item": "a", "position": "for", "peers": ["b"]}
    decided = matrix({"a": ["for", "for", "for"], "b": ["for", None, "against"]})
    assert cross_checks.party_rank(claim("rank", 1, key), dict(key), decided)["excess"] == 0  # a 3, b 1 to 2
    open_ = matrix({"a": ["for", "against", "against"], "b": [None, None, "against"]})
    assert cross_checks.party_rank(claim("rank", 1, key), dict(key), open_)["comparator"] == "undetermined"  # a 1, b 0 to 2
    wrong = matrix({"a": ["against", "against", "against"], "b": ["for", "for", "against"]})
    assert cross_checks.party_rank(claim("rank", 1, key), dict(key), wrong)["excess"] == 1  # a 0, b 2: rank 2


# ---- comparisons and ranks of poll values ----------------------------------------------------------

RESULTS = pd.DataFrame(
    [("q", w, g, "i", "yes", v) for w, g, v in [("w1", "total", 40.0), ("w2", "total", 52.0), ("w3", "total", 43.0), ("w3", "p", 30.0)]],
    columns=[*cross_checks.KEY, "value_pct"],
)


def poll(comparator: str, key: dict, compared: dict | None = None, value: float = 1, printed: bool = True) -> dict:
    series = pd.Series(
        {
            "comparator": comparator,
            "claimed_value": value,
            "compared_key": json.dumps(compared) if compared else "",
            "values_printed": printed,
        }
    )
    return cross_checks.poll_claim(series, key, RESULTS, cross_checks.poll_values(RESULTS))


def key(wave: str, group: str = "total") -> dict:
    return {"question_id": "q", "wave": wave, "respondent_group": group, "item": "i", "answer": "yes"}


def test_comparisons_in_words_against_the_row_compared() -> None:
    assert poll("below", key("w3", "p"), key("w3"))["difference"] == -13  # 30 below 43
    assert poll("above", key("w3", "p"), key("w3"))["comparator"] == "gt"  # compared as 'more than': fails on -13
    same = poll("same_level", key("w3"), key("w1"))
    assert (same["comparator"], same["excess"]) == ("approx", 0)  # 43 against 40: within 3 points
    assert poll("above", key("w3", "p"), key("w9"))["observed"] == "no such value"


def test_a_rank_among_waves() -> None:
    assert poll("rank_wave", key("w2"))["excess"] == 0  # 52 is the high point
    assert poll("rank_wave", key("w3"))["observed"] == "2"


def test_a_claim_on_unprinted_values_is_undetermined_unless_the_value_is_printed() -> None:
    assert poll("above", key("w3", "x"), key("w3"), printed=False)["comparator"] == "undetermined"
    assert poll("above", key("w3", "p"), key("w3"), printed=False)["observed"] == "printed"
