"""Checks on values typed from prose (IOB, government letter, AIV) catch the errors they are
for, on broken copies."""

from __future__ import annotations

from pathlib import Path

from conftest import edit, fails_cleanly, in_second_entries, line_of, set_cell

IOB = "data/raw/iob-2025-samen-sterker"


def test_typed_number_must_be_the_printed_number(repo: Path) -> None:
    raw = repo / IOB / "force_requirements.csv"
    line = line_of(raw, "iob-nato-nfm-tier-2")
    set_cell(raw, "iob-nato-nfm-tier-2", "quantity", "20000")
    fails_cleanly(repo, [f"force_requirements.csv, line {line}, field 'quantity': '20000' is not the number printed in '200.000'"])


def test_printed_words_must_be_in_the_quote(repo: Path) -> None:
    raw = repo / IOB / "fair_shares.csv"
    line = line_of(raw, "iob-eu-military")
    set_cell(raw, "iob-eu-military", "total_printed", "1.392.300")
    set_cell(raw, "iob-eu-military", "total_value", "1392300")
    fails_cleanly(repo, [f"fair_shares.csv, line {line}, field 'inputs_quote': does not contain the printed words '1.392.300'"])


def test_fair_share_is_recomputed(repo: Path) -> None:
    """A consistent typo in input, printed input and quote still breaks the recomputation."""
    raw = repo / IOB / "fair_shares.csv"
    line = line_of(raw, "iob-eu-civilian")
    edit(raw, "1118,USD 1.118 miljard", "1811,USD 1.811 miljard")
    edit(raw, "een bbp van Nederland van USD 1.118 miljard", "een bbp van Nederland van USD 1.811 miljard")
    in_second_entries(repo, IOB, "USD 1.118 miljard", "1.118", "1.811")
    set_cell(raw, "iob-eu-civilian", "nl_value", "1811")  # and in its field-level second entry
    fails_cleanly(repo, [f"fair_shares.csv, line {line}: check fair-share-iob-eu-civilian fails", "expected 6%, observed 10%"])


def test_stand_by_requirement_is_recomputed(repo: Path) -> None:
    raw = repo / IOB / "force_requirements.csv"
    line = line_of(raw, "iob-nl-standby-eu")
    edit(raw, "125,,125,troops", "120,,120,troops")
    edit(raw, "constant 125336 militairen", "constant 120336 militairen")
    set_cell(raw, "iob-nl-standby-eu", "quantity", "120")  # and in its field-level second entry
    fails_cleanly(repo, [f"force_requirements.csv, line {line}: check force-iob-nl-standby-eu fails", "expected 120, observed 125"])


def test_unregistered_contradiction_fails(repo: Path) -> None:
    raw = repo / IOB / "discrepancies.csv"
    set_cell(raw, "iob-eu-rdc-readiness", "check_ids", "")
    fails_cleanly(repo, ["check consistent-eu-rdc-readiness fails", "observed 20, 30"])


def test_registered_contradiction_that_no_longer_holds_fails(repo: Path) -> None:
    norms = repo / IOB / "spending_norms.csv"
    set_cell(norms, "iob-nato-2pct-agreed-2006", "agreed_year", "2014")
    fails_cleanly(
        repo, ["check consistent-agreed-year-nato-2pct passes (observed 2014)", "but discrepancy iob-nato-2pct-agreed-year says it fails"]
    )


def test_discrepancy_naming_an_unknown_check_fails(repo: Path) -> None:
    raw = repo / IOB / "discrepancies.csv"
    set_cell(raw, "iob-eu-rdc-readiness", "check_ids", "consistent-eu-rdc-readiness;no-such-check")
    fails_cleanly(repo, ["discrepancy iob-eu-rdc-readiness names check no-such-check, which does not exist"])


def test_hague_norm_parts_must_add_up(repo: Path) -> None:
    raw = repo / "data/raw/kamerbrief-2025-navo-top/spending_norms.csv"
    edit(
        raw,
        'kamerbrief-hague-related,NATO,1.5,,defence_related,agreed_norm,"1,5 procent"',
        'kamerbrief-hague-related,NATO,1.4,,defence_related,agreed_norm,"1,4 procent"',
    )
    edit(raw, "en 1,5 procent voor bredere", "en 1,4 procent voor bredere")
    in_second_entries(repo, "data/raw/kamerbrief-2025-navo-top", "1,5 procent voor bredere", "1,5", "1,4")
    set_cell(raw, "kamerbrief-hague-related", "pct_gdp", "1.4")  # and in its field-level second entry
    fails_cleanly(
        repo,
        [
            "check sum-hague-norm-kamerbrief-2025-navo-top fails",
            "expected 5%, observed 4.9%",
            "check consistent-hague-defence-related fails",
        ],
    )


def test_readiness_2030_must_match_rearm_europe(repo: Path) -> None:
    raw = repo / "data/raw/aiv-2025-briefadvies-navo-top/financial_figures.csv"
    edit(raw, ",150,EUR,billion,150 miljard,", ",160,EUR,billion,160 miljard,")
    edit(raw, "mogelijk meer dan de 150 miljard", "mogelijk meer dan de 160 miljard")
    in_second_entries(repo, "data/raw/aiv-2025-briefadvies-navo-top", "mogelijk meer dan de 150 miljard", "150", "160")
    set_cell(raw, "aiv-readiness-2030-loans", "amount", "160")  # and in its field-level second entry
    fails_cleanly(repo, ["check sum-readiness-2030-rearm-europe fails", "expected 800 bn, observed 810 bn"])


def test_documents_must_agree_on_when_nl_first_met_2pct(repo: Path) -> None:
    norms = repo / "data/raw/aiv-2025-briefadvies-navo-top/spending_norms.csv"
    set_cell(norms, "aiv-nl-first-met-2pct", "nl_first_met_year", "2023")
    set_cell(norms, "aiv-nl-first-met-2pct", "note", "'vorig jaar' read as 2023.")  # a consistent misreading
    fails_cleanly(repo, ["check consistent-nl-first-met-year-nato-2pct fails", "observed 2023, 2024"])
