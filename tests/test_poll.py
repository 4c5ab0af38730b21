"""Each check on the Ipsos I&O poll catches the error it is for, on a broken copy."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import ROOT, edit, fails_cleanly, in_second_entries, line_of, set_cell

from pipelines.lib.dutch_numbers import read_printed
from pipelines.lib.stats import half_width

FOLDER = "data/raw/ipsos-io-2025-06-navo"


def test_changed_digit_is_caught_by_the_excerpt(repo: Path) -> None:
    raw = repo / FOLDER / "tabel_1_1.csv"
    line = line_of(raw, "Duitsland")
    edit(raw, "Duitsland,77,69,89,94", "Duitsland,77,69,89,49")
    fails_cleanly(repo, [f"{FOLDER}/tabel_1_1.csv, line {line}, field 'VVD': transcribed '49'", "reads '94'"])


def test_swapped_cells_are_caught_by_the_excerpt(repo: Path) -> None:
    raw = repo / FOLDER / "tabel_1_2.csv"
    line = line_of(raw, "Weet ik niet")
    edit(raw, "Weet ik niet,9%,9%,5%,5%,5%,5%,2%,7%", "Weet ik niet,9%,9%,5%,5%,5%,5%,7%,2%")
    fails_cleanly(
        repo, [f"tabel_1_2.csv, line {line}, field 'CDA': transcribed '7%'", f"tabel_1_2.csv, line {line}, field 'SP': transcribed '2%'"]
    )


def test_swapped_header_is_caught(repo: Path) -> None:
    edit(repo / FOLDER / "tabel_1_1.csv", "row,Totaal,PVV,GL-PvdA", "row,Totaal,GL-PvdA,PVV")
    fails_cleanly(repo, [f"{FOLDER}/tabel_1_1.csv, line 1 (header): columns out of order"])


def test_unknown_row_is_caught(repo: Path) -> None:
    raw = repo / FOLDER / "tabel_1_1.csv"
    line = line_of(raw, "Polen")
    edit(raw, "Polen,", "Polan,")
    fails_cleanly(repo, [f"tabel_1_1.csv, line {line}, field 'row': 'Polan' is not a row of tabel_1_1.meta.yaml"])


def test_dropped_not_asked_cell_is_caught(repo: Path) -> None:
    raw = repo / FOLDER / "tabel_3_1.csv"
    line = line_of(raw, "De Europese Unie is op het gebied van defensie te afhankelijk van de Verenigde Staten")
    edit(raw, "Staten,*,*,", "Staten,,*,")
    fails_cleanly(repo, [f"tabel_3_1.csv, line {line}, field 'apr-19': '' is not a percentage"])


def both(repo: Path, stem: str, label: str, old: str, new: str) -> None:
    """The same change in the raw file and its excerpt: a misprint in the source itself,
    which only the in-table rules can catch."""
    edit(repo / FOLDER / f"{stem}.csv", f"{label},{','.join(old.split())}", f"{label},{','.join(new.split())}")
    edit(repo / FOLDER / f"{stem}.excerpt.txt", f"{label} {old}", f"{label} {new}")


def test_single_answer_sum_is_checked(repo: Path) -> None:
    line = line_of(repo / FOLDER / "tabel_1_2.csv", "Weet ik niet")
    both(repo, "tabel_1_2", "Weet ik niet", "9% 9%", "19% 9%")
    in_second_entries(repo, FOLDER, "Tabel 1.2,Weet ik niet,Totaal,", "9%", "19%")
    fails_cleanly(repo, [f"tabel_1_2.csv, line {line}, field 'Totaal'", "answers of a single-answer question sum to 100 within rounding"])


def test_multiple_answer_bound_is_checked(repo: Path) -> None:
    line = line_of(repo / FOLDER / "tabel_2_3.csv", "Defensie")
    both(repo, "tabel_2_3", "Defensie", "* 5% 23% 19%", "* 5% 23% 99%")
    in_second_entries(repo, FOLDER, "Tabel 2.3,Defensie,16 juni", "19%", "99%")
    fails_cleanly(repo, [f"tabel_2_3.csv, line {line}, field '16 juni ‘25'", "stay within 100 x max answers"])


def test_indicative_flag_must_match_the_asterisk(repo: Path) -> None:
    edit(repo / FOLDER / "tabel_1_1.meta.yaml", "SGP*: {respondent_group: sgp, indicative: true}", "SGP*: {respondent_group: sgp}")
    fails_cleanly(
        repo,
        [
            "tabel_1_1.csv, line 2, field 'SGP*' (published as 'indicative')",
            "indicative is set exactly for the party columns printed with '*'",
        ],
    )


def test_excerpt_from_another_text_layer_is_refused(repo: Path) -> None:
    edit(repo / FOLDER / "tabel_1_1.excerpt.txt", "# text_layer_sha256: 59db", "# text_layer_sha256: 00db")
    fails_cleanly(repo, ["tabel_1_1.excerpt.txt, line 2: text_layer_sha256 differs"])


def test_unregistered_disagreement_is_caught(repo: Path) -> None:
    claims = repo / FOLDER / "claims.csv"
    line = line_of(claims, "ipsos-1-1-germany")
    edit(claims, "Duitsland (77%),77%", "Duitsland (78%),78%")
    in_second_entries(repo, FOLDER, "Duitsland (77%)", "77", "78")
    fails_cleanly(repo, [f"claims.csv, line {line}: check claim-ipsos-1-1-germany fails", "expected 78%, observed 77%"])


def test_registered_discrepancy_must_still_disagree(repo: Path) -> None:
    claims = repo / FOLDER / "claims.csv"
    line = line_of(claims, "ipsos-1-1-france")
    set_cell(claims, "ipsos-1-1-france", "discrepancy_id", "ipsos-distrust-41-vs-40")
    fails_cleanly(
        repo,
        [
            f"claims.csv, line {line}: check claim-ipsos-1-1-france passes (observed 70%)",
            "but discrepancy ipsos-distrust-41-vs-40 says it fails",
        ],
    )


def test_removing_a_registered_discrepancy_fails(repo: Path) -> None:
    claims = repo / FOLDER / "claims.csv"
    set_cell(claims, "ipsos-1-2-distrust", "discrepancy_id", "")
    fails_cleanly(repo, ["check claim-ipsos-1-2-distrust fails", "expected 41%, observed 40%"])


def test_quote_must_contain_the_printed_value(repo: Path) -> None:
    values = repo / FOLDER / "text_values.csv"
    edit(values, ",88%,", ",89%,")
    fails_cleanly(repo, ["text_values.csv, line 4, field 'quote': does not contain the printed value '89%'"])


def test_unreadable_printed_value_is_caught(repo: Path) -> None:
    edit(repo / FOLDER / "text_values.csv", ",een op vijf,", ",een op zes,")
    fails_cleanly(repo, ["text_values.csv, line 6, field 'printed': cannot read 'een op zes'"])


def test_stated_margin_of_error_is_recomputed(repo: Path) -> None:
    method = repo / FOLDER / "method.csv"
    line = line_of(method, "margin_of_error")
    set_cell(method, "margin_of_error", "value_number", "2.5")
    # the same misreading in the quote, so that only the recomputation can notice
    quote = next(r for r in csv.DictReader(method.open(encoding="utf-8")) if r["fact_id"] == "margin_of_error")["quote"]
    set_cell(method, "margin_of_error", "quote", quote.replace("2,2 procent", "2,5 procent"))
    fails_cleanly(repo, [f"method.csv, line {line}: check poll-margin-of-error fails", "expected 2.5 points, observed 2.2 points"])


def test_split_run_halves_add_up_to_the_sample(repo: Path) -> None:
    method = repo / FOLDER / "method.csv"
    set_cell(method, "split_run_n_second", "value_number", "1135")
    quote = next(r for r in csv.DictReader(method.open(encoding="utf-8")) if r["fact_id"] == "split_run_n_second")["quote"]
    set_cell(method, "split_run_n_second", "quote", quote.replace("1.153", "1.135"))  # a consistent misreading
    fails_cleanly(repo, ["check poll-split-run-halves fails", "expected 2253, observed 2235"])


def test_wilson_reproduces_the_reports_margin_of_error() -> None:
    assert round(half_width(50, 2000), 1) == 2.2
    assert round(half_width(50, 1000), 1) != 2.2, "the check is sensitive to n"


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("42%", (42.0, "eq", False)),
        ("31 procent", (31.0, "eq", False)),
        ("Eén op vijf", (20.0, "approx", True)),
        ("circa vier op tien", (40.0, "approx", True)),
        ("vierde", (4.0, "rank", False)),
    ],
)
def test_printed_values_are_read(printed: str, expected: tuple) -> None:
    assert read_printed(printed) == expected


def published(name: str) -> list[dict[str, str]]:
    with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_not_asked_and_not_applicable_cells_are_published() -> None:
    printed = {"*": 0, "-": 0}
    for path in (ROOT / FOLDER).glob("tabel_*.csv"):
        for row in csv.reader(path.open(encoding="utf-8")):
            for cell in row[1:]:
                if cell in printed:
                    printed[cell] += 1
    results = published("poll_results")
    assert sum(r["value_status"] == "not_asked" and r["value_pct"] == "" for r in results) == printed["*"] > 0
    assert sum(r["value_status"] == "not_applicable" and r["value_pct"] == "" for r in results) == printed["-"] > 0


def test_indicative_parties_are_the_asterisked_columns() -> None:
    indicative = {r["respondent_group"] for r in published("poll_results") if r["indicative"] == "true"}
    header = next(csv.reader((ROOT / FOLDER / "tabel_1_1.csv").open(encoding="utf-8")))
    assert indicative == {column[:-1].lower() for column in header if column.endswith("*")}


def test_a_wave_label_that_its_table_does_not_print_is_caught(repo: Path) -> None:
    edit(repo / FOLDER / "waves.csv", ",6 juni ‘25,Tabel 2.3,", ",7 juni ‘25,Tabel 2.3,")
    fails_cleanly(
        repo,
        [
            "data/raw/ipsos-io-2025-06-navo/waves.csv, line 10: check poll-wave-label-2025-06a fails",
            "expected 7 juni ‘25, observed 6 juni ‘25",
        ],
    )


def test_a_wave_whose_id_is_not_its_month_is_caught(repo: Path) -> None:
    edit(repo / FOLDER / "waves.csv", "2024-12a,earlier_measurement,2024-12,", "2024-12a,earlier_measurement,2024-11,")
    set_cell(repo / FOLDER / "waves.csv", "2024-12a", "month", "2024-11")  # and in its field-level second entry
    fails_cleanly(repo, ["data/raw/ipsos-io-2025-06-navo/waves.csv, line 6, field 'wave': fails rule 'the wave id starts with its month'"])


def test_a_result_of_an_unknown_wave_is_caught(repo: Path) -> None:
    edit(
        repo / FOLDER / "tabel_2_3.meta.yaml",
        '{wave: "2025-06a", wave_label: "6 juni ‘25"}',
        '{wave: "2025-06d", wave_label: "6 juni ‘25"}',
    )
    fails_cleanly(repo, ["field 'wave'", "is not a known wave in 'poll_waves'"])
