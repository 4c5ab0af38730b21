"""Resources typed from prose: each raw row has the published columns (less source_id, which its
folder gives) plus the words as printed and the verbatim quote. A document lists the prose
resources it has a raw file for (`Document.prose_resources`); this module reads them all alike.

Every row is checked against its own words before anything else: the quote contains the
printed words, and the typed number is the number those words state (Dutch formats:
'33.600' is 33600, '6,3 miljard' is 6.3, 'dertig' is 30; read by pipelines.lib.dutch_numbers).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pipelines.lib.dutch_numbers import first_number, is_stated, quantifier_count
from pipelines.lib.package import RAW, raw_columns
from pipelines.lib.raw import InputError, RawRow, StagedRow, read_raw_csv, read_table, staged


def check_number(raw: RawRow, field: str, printed_field: str = "printed") -> str | None:
    """A problem if the typed number is not the number its printed words state."""
    typed, printed = raw.cells[field], raw.cells[printed_field]
    if typed and not re.fullmatch(r"\d+(\.\d+)?", typed):
        return f"{raw.file}, line {raw.line}, field '{field}': {typed!r} is not a plain number (write 6.3, not 6,3, 6.3% or 6.)"
    stated = first_number(printed)
    # 'een' is also the indefinite article: it counts as 1 only where 1 was typed ('een extra brigade')
    if stated is None and typed in ("1", "1.0") and re.match(r"(?i)een\b", printed):
        stated = 1.0
    if typed == "" and stated is None:
        return None
    try:
        same = stated is not None and float(typed) == stated
    except ValueError:
        same = False
    if not same:
        return f"{raw.file}, line {raw.line}, field '{field}': {typed!r} is not the number printed in {raw.cells[printed_field]!r}"
    return None


def check_count(raw: RawRow, parties: dict[str, str]) -> list[str]:
    """A count's number, comparator and parties against its printed words: quantity words read
    against out_of ('bijna alle partijen' of 15: ge 8); parties printed one by one ('CDA, Volt en
    VVD': their number, eq); else a number printed (check_number). Every party named must exist."""
    cells = raw.cells
    where = f"{raw.file}, line {raw.line}"
    named = [p for p in cells["party_ids"].split(";") if p]
    if any(p not in parties for p in named):
        return []  # `validate` names the unknown party id (in_table: counted parties are known party ids)
    problems: list[str] = []
    words = quantifier_count(cells["printed"], 1) is not None
    printed_parties = bool(named) and all(parties.get(p, "\0") in cells["printed"] for p in named)
    if not words and not printed_parties:
        if first_number(cells["printed"]) is not None or re.match(r"(?i)een\b", cells["printed"]):
            return problems + [p for p in [check_number(raw, "count")] if p]
        return [*problems, f"{where}, field 'printed': {cells['printed']!r} states no number, quantity word or named parties"]
    size = cells["out_of"]
    reading = quantifier_count(cells["printed"], int(size) if size.isdigit() else None) if words else ("eq", len(named))
    if reading is None:
        return [*problems, f"{where}, field 'out_of': {cells['printed']!r} is a quantity in words; give the size of the set it counts from"]
    if (cells["comparator"], cells["count"]) != (reading[0], str(reading[1])):
        problems.append(
            f"{where}, field 'count': {cells['comparator']} {cells['count']!r} is not what {cells['printed']!r} states "
            f"({reading[0]} {reading[1]})"
        )
    return problems


def party_abbreviations() -> dict[str, str]:
    """party_id -> its abbreviation as printed ('gl-pvda' -> 'GL-PvdA')."""
    return {r.cells["party_id"]: r.cells["abbreviation"] for r in read_table(RAW / "reference" / "parties.csv")}


# Further typed numbers of each resource that no other check ties to the document: each must
# appear in its own row's words (quote, printed words, period, description or note), written
# as a plain number, in Dutch format ('600.000', '3,5') or as a number word.
CONTEXT_NUMBERS = {
    "fair_shares": (),
    "mission_contributions": ("value_max", "period_start", "period_end"),
    "force_requirements": ("quantity_max", "readiness_days_min", "readiness_days_max", "year", "period_years_min", "period_years_max"),
    "financial_figures": ("item_count", "reference_year"),
    "spending_norms": ("pct_gdp_max", "agreed_year", "target_year", "review_year", "nl_first_met_year", "allies_meeting"),
    "industry_shares": (),
    "counts": ("year", "out_of"),
    "poll_method": ("value_number",),
}


def context_problems(raw: RawRow, resource: str) -> list[str]:
    text = (
        " ".join(
            raw.cells[c] for c in ("quote", "printed", "quantity_printed", "period_printed", "description_en", "note") if c in raw.cells
        )
        .lower()
        .replace("\u00a0", " ")
    )
    problems = []
    for field in CONTEXT_NUMBERS.get(resource, ()):
        typed = raw.cells[field]
        try:
            value = float(typed) if typed else None
        except ValueError:
            continue  # frictionless reports the type error with file, line and field
        if value is not None and not is_stated(value, text):
            problems.append(f"{raw.file}, line {raw.line}, field '{field}': {typed!r} is not stated in the row's quote, words or note")
    return problems


def rows(source_id: str, resource: str) -> list[StagedRow]:
    """The rows of `resource` typed in data/raw/<source_id>/<resource>.csv, each checked against
    its own words first (CHECKS says how)."""
    numbers, quotes, derive = CHECKS[resource]
    columns = [c for c in raw_columns(resource) if not (derive and c in DERIVED_FIELDS)]
    records = read_raw_csv(RAW / source_id / f"{resource}.csv", columns)
    problems = []
    parties = party_abbreviations() if resource == "counts" else {}
    for raw in records:
        for printed, quote in (quotes or {"printed": "quote"}).items():
            if raw.cells[printed] and raw.cells[printed] not in raw.cells[quote]:
                problems.append(f"{raw.file}, line {raw.line}, field '{quote}': does not contain the printed words {raw.cells[printed]!r}")
        if resource == "counts":
            problems += check_count(raw, parties)
        else:
            problems += [p for field, printed in numbers.items() if (p := check_number(raw, field, printed))]
        problems += context_problems(raw, resource)
    if problems:
        raise InputError(problems)
    return [staged(raw, "", **raw.cells, **(derive(raw.cells) if derive else {}), source_id=source_id) for raw in records]


def computed_share(cells: dict[str, str]) -> dict[str, str]:
    return {"computed_share_pct": f"{100 * float(cells['nl_value']) / float(cells['total_value']):.2f}"}


# fields a `derive` function adds, which the raw files therefore do not have
DERIVED_FIELDS = ("computed_share_pct",)


# How each prose resource is checked: typed number -> its printed words; printed words -> the
# quote that must contain them (default: printed -> quote); a function adding derived fields.
CHECKS: dict[str, tuple[dict[str, str], dict[str, str] | None, Callable[[dict[str, str]], dict[str, str]] | None]] = {
    "fair_shares": (
        {"nl_value": "nl_printed", "total_value": "total_printed", "stated_share_pct": "stated_printed"},
        {"stated_printed": "quote", "nl_printed": "inputs_quote", "total_printed": "inputs_quote"},
        computed_share,
    ),
    "mission_contributions": ({"value": "printed"}, None, None),
    "force_requirements": ({"quantity": "quantity_printed"}, {"quantity_printed": "quote"}, None),
    "financial_figures": ({"amount": "printed"}, None, None),
    "spending_norms": ({"pct_gdp": "printed"}, None, None),
    "industry_shares": ({"share_pct": "printed"}, None, None),
    "counts": ({"count": "printed"}, None, None),
}
