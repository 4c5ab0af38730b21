"""In-table rules that a Table Schema cannot express, as pandera schemas.

Types, required fields, enums, ranges and keys live in the Table Schemas and are checked by
frictionless; this module holds only what spans several columns or rows, plus the Data
Package v2 `uniqueKeys` that frictionless 5 does not check.
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

from pipelines.lib.dutch_numbers import numbers_in
from pipelines.lib.package import table_schema
from pipelines.sources import PARTIES as PRINTED_PARTIES


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]


# The field each rule is about, so that a failure names the field to fix.
FIELDS: dict[str, tuple[str, ...]] = {}


def row_rule(name: str, fields: tuple[str, ...], test) -> pa.Check:
    """A rule evaluated per row; failures are reported with the row they occur in."""
    FIELDS[name] = fields
    return pa.Check(lambda df: test(df).fillna(False).astype(bool), name=name)


def unique_keys(schema: dict) -> list[pa.Check]:
    return [
        row_rule(f"uniqueKeys {keys}", tuple(keys), lambda df, keys=keys: ~df.duplicated(subset=keys, keep="first"))
        for keys in schema.get("uniqueKeys", [])
    ]


def both_or_neither(a: pd.Series, b: pd.Series) -> pd.Series:
    return a.isna() == b.isna()


NOT_VALUES = {"note", "notes", "raw_file", "raw_line", "raw_column"}


def description_numbers_are_stated(df: pd.DataFrame) -> pd.Series:
    """Every number in description_en occurs in the row's quotes or values (not in its notes).

    The English description and the Dutch quotes write numbers either way: thousands grouped by
    '.' or ',', decimals after a comma or a point ('2.253', '2,253' and '2253' are one number, as
    are '3,5' and '3.5'); references to parts of a document ('§2.3', 'Tabel 2.1') are not figures."""
    values = [c for c in df.columns if c not in NOT_VALUES and c != "description_en"]

    def figures(text: str) -> set[float]:
        return numbers_in(text, thousands=".,", skip_references=True)

    def stated(row) -> bool:
        told = figures(str(row["description_en"])) if pd.notna(row["description_en"]) else set()
        known = set().union(*(figures(str(row[c])) for c in values if pd.notna(row[c])))
        return told <= known

    return df.apply(stated, axis=1) if len(df) else pd.Series(dtype=bool)


DESCRIBED = [
    row_rule("every number in description_en is in the row's quotes or values", ("description_en",), description_numbers_are_stated)
]

SOURCES = [
    row_rule(
        "fieldwork_end is on or after fieldwork_start",
        ("fieldwork_end",),
        lambda df: df.fieldwork_start.isna() | (df.fieldwork_end >= df.fieldwork_start),
    ),
    row_rule(
        "a poll report has fieldwork dates and a sample size; other documents have none",
        ("document_type",),
        lambda df: (df.document_type == "poll_report") == (df.fieldwork_start.notna() & df.fieldwork_end.notna() & df.sample_n.notna()),
    ),
    row_rule(
        "reuse terms are quoted exactly when the document states them",
        ("reuse_terms_quote",),
        lambda df: (df.reuse_terms_status == "stated") == df.reuse_terms_quote.notna(),
    ),
    row_rule(
        "a quoted reuse term has an English translation",
        ("reuse_terms_en",),
        lambda df: both_or_neither(df.reuse_terms_quote, df.reuse_terms_en),
    ),
    row_rule(
        "a title that is not printed in the document says why in title_note",
        ("title_note",),
        lambda df: df.title_as_printed | df.title_note.notna(),
    ),
]

PARTIES = [
    row_rule(
        "party_id is the printed abbreviation in lower case",
        ("party_id",),
        lambda df: df.party_id == df.abbreviation.str.lower(),
    ),
]


# Rounding: each printed percentage may be off by up to 0.5 points.
def answer_sums(df: pd.DataFrame) -> pd.DataFrame:
    """Per row: sum, count and whether 'don't know' is among the answers of its answer set."""
    # built-in group aggregations only (no per-group Python): this scales with the number of rows
    grouped = df.assign(dont_know=df.answer.str.lower().str.startswith("weet")).groupby(
        ["question_id", "wave", "respondent_group", "item"], dropna=False
    )
    return pd.DataFrame(
        {
            "total": grouped.value_pct.transform("sum"),
            "slack": 0.5 * grouped.value_pct.transform("count"),
            "complete": grouped.dont_know.transform("max").astype(bool),
        }
    )


def single_answer_within_100(df: pd.DataFrame) -> pd.Series:
    sums = answer_sums(df)
    single = df.response_type == "single"
    too_high = sums.total > 100 + sums.slack
    too_low = sums.complete & (sums.total < 100 - sums.slack)
    return ~single | ~(too_high | too_low)


def multiple_answers_within_bounds(df: pd.DataFrame) -> pd.Series:
    limited = df.max_answers.notna() & (df.response_type != "single")
    grouped = df.groupby(["question_id", "wave", "respondent_group", "answer"], dropna=False).value_pct
    total = grouped.transform("sum")
    slack = 0.5 * grouped.transform("count")
    return ~limited | (total <= 100 * df.max_answers + slack)


POLL_RESULTS = [
    row_rule(
        "a value is given exactly when value_status is 'reported'",
        ("value_pct",),
        lambda df: df.value_pct.notna() == (df.value_status == "reported"),
    ),
    row_rule(
        "confidence bounds are given together, only with a base n",
        ("ci95_low_pct",),
        lambda df: both_or_neither(df.ci95_low_pct, df.ci95_high_pct) & (df.ci95_low_pct.isna() | df.base_n.notna()),
    ),
    row_rule(
        "an exact value with a known base n has confidence bounds",
        ("ci95_low_pct",),
        lambda df: df.ci95_low_pct.notna() | df.base_n.isna() | (df.comparator != "eq") | df.approximate,
    ),
    row_rule(
        "confidence bounds bracket the value",
        ("ci95_low_pct",),
        lambda df: df.ci95_low_pct.isna() | ((df.ci95_low_pct <= df.value_pct) & (df.value_pct <= df.ci95_high_pct)),
    ),
    row_rule(
        "party_id is the respondent group's party (empty for total)",
        ("party_id",),
        lambda df: df.party_id.fillna("total") == df.respondent_group,
    ),
    row_rule(
        "indicative is set exactly for the party columns printed with '*'",
        ("indicative",),
        lambda df: (df.value_origin != "table") | (df.indicative == df.raw_column.str.endswith("*")),
    ),
    row_rule("a value from the prose has its quote", ("quote",), lambda df: (df.value_origin != "text") | df.quote.notna()),
    # the prose states values of June 2025: of this survey's lost charts, or of the political poll
    # whose columns Tabel 2.1 and 2.3 print (the party breakdown of Tabel 2.1 in §2.3)
    row_rule(
        "a value from the prose is of June 2025 (wave 2025-06b or 2025-06c)",
        ("wave",),
        lambda df: (df.value_origin != "text") | df.wave.isin(["2025-06b", "2025-06c"]),
    ),
    row_rule("answers of a single-answer question sum to 100 within rounding", ("value_pct",), single_answer_within_100),
    row_rule("answers of a multiple-answer question stay within 100 x max answers", ("value_pct",), multiple_answers_within_bounds),
]

# Positions each matrix's legend allows (Tabel 5 adds check marks and 'not costed').
LEGENDS = {
    "threat_perception": {"threat", "unclear_or_not_mentioned", "no_threat"},
    "friends_orientation": {"for", "unclear_or_not_mentioned", "against"},
    "ukraine_support": {"for", "unclear_or_not_mentioned", "against"},
    "capabilities": {"mentioned", "unclear_or_not_mentioned"},
    "finances": {"for", "unclear_or_not_mentioned", "against", "mentioned", "not_costed_by_cpb"},
    "societal_resilience": {"for", "unclear_or_not_mentioned", "against"},
}
PARTY_COUNT = len(PRINTED_PARTIES)  # the matrices print a column for every party

PARTY_POSITIONS = [
    row_rule(
        f"every item of a matrix has exactly one cell for each of the {PARTY_COUNT} parties",
        ("party_id",),
        lambda df: (
            df.groupby(["table_id", "item"]).party_id.transform("nunique").eq(PARTY_COUNT)
            & df.groupby(["table_id", "item"]).party_id.transform("size").eq(PARTY_COUNT)
        ),
    ),
    row_rule(
        "the position is one of its table's legend",
        ("position",),
        lambda df: df.position.isna() | pd.Series([p in LEGENDS[t] for t, p in zip(df.table_id, df.position)], index=df.index),
    ),
    row_rule(
        "a lost cell has no position; any other cell has one", ("position",), lambda df: df.position.isna() == (df.cell_status == "lost")
    ),
    row_rule(
        "a position from the prose has its evidence quote, and only then",
        ("evidence_quote",),
        lambda df: df.evidence_quote.notna() == (df.cell_status == "from_text"),
    ),
]

POLL_QUESTIONS = [
    row_rule(
        "max_answers follows the response type (single: 1, max_3: 3, multiple: none)",
        ("max_answers",),
        lambda df: (
            df.max_answers.eq(df.response_type.map({"single": 1, "max_3": 3})).fillna(False)
            | (df.response_type.eq("multiple") & df.max_answers.isna())
        ),
    ),
    row_rule(
        "a printed base n appears in the printed base",
        ("base_n",),
        lambda df: (
            df.base_n.isna()
            | pd.Series(
                [f"{n:,}".replace(",", ".") in str(d) for n, d in zip(df.base_n.fillna(0).astype(int), df.base_description)], index=df.index
            )
        ),
    ),
]


def in_order(low: str, high: str):
    """A rule that a range's lower end is not above its upper end."""
    return row_rule(f"{low} <= {high}", (low,), lambda df: ~(df[low] > df[high]).fillna(False))


FORCE_REQUIREMENTS = [in_order("readiness_days_min", "readiness_days_max"), in_order("quantity", "quantity_max")]
POLL_WAVES = [
    in_order("fieldwork_start", "fieldwork_end"),
    row_rule("the wave id starts with its month", ("wave",), lambda df: df.wave.str[:7] == df.month),
    row_rule(
        "printed fieldwork days lie in the wave's month",
        ("fieldwork_start",),
        lambda df: df.fieldwork_start.isna() | (df.fieldwork_start.dt.strftime("%Y-%m") == df.month),
    ),
    row_rule(
        "printed fieldwork dates come with the quote that states them", ("quote",), lambda df: df.fieldwork_start.isna() | df.quote.notna()
    ),
]

MISSION_CONTRIBUTIONS = [in_order("value", "value_max"), in_order("period_start", "period_end")]

SPENDING_NORMS = [
    in_order("pct_gdp", "pct_gdp_max"),
    row_rule(
        "years are in order: agreed <= review <= target",
        ("review_year",),
        lambda df: (
            ~((df.agreed_year > df.review_year) | (df.review_year > df.target_year) | (df.agreed_year > df.target_year)).fillna(False)
        ),
    ),
]


def known_parties(column: str):
    """A ';'-separated list of party ids, each a party of the parties schema's enum (a foreign key
    frictionless cannot check on a list)."""

    def test(df: pd.DataFrame) -> pd.Series:
        known = set(next(f for f in table_schema("parties")["fields"] if f["name"] == "party_id")["constraints"]["enum"])
        return df[column].isna() | df[column].fillna("").map(lambda v: set(v.split(";")) <= known)

    return test


CLAIMS = [row_rule("claimed parties are known party ids", ("claimed_parties",), known_parties("claimed_parties"))]
COUNTS = [row_rule("counted parties are known party ids", ("party_ids",), known_parties("party_ids"))]

CHECKS: dict[str, list[pa.Check]] = {
    "sources": SOURCES,
    "parties": PARTIES,
    "poll_questions": POLL_QUESTIONS,
    "poll_waves": POLL_WAVES,
    "poll_results": POLL_RESULTS,
    "party_positions": PARTY_POSITIONS,
    "spending_norms": SPENDING_NORMS,
    "claims": CLAIMS,
    "counts": COUNTS,
    "force_requirements": FORCE_REQUIREMENTS,
    "mission_contributions": MISSION_CONTRIBUTIONS,
}


def prepare(name: str, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The frame a resource's rules see; poll results are read with their question's response type."""
    frame = frames[name]
    if name == "poll_results":
        questions = frames["poll_questions"][["question_id", "response_type", "max_answers"]]
        frame = frame.merge(questions, on="question_id", how="left").set_index(frame.index)
    return frame


def for_resource(name: str, table_schema: dict) -> pa.DataFrameSchema | None:
    described = DESCRIBED if any(f["name"] == "description_en" for f in table_schema["fields"]) else []
    checks = [*CHECKS.get(name, []), *described, *unique_keys(table_schema)]
    return pa.DataFrameSchema(checks=checks, name=name) if checks else None
