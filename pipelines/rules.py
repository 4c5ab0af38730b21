"""In-table rules that a Table Schema cannot express, as pandera schemas.

Types, required fields, enums, ranges and keys live in the Table Schemas and are checked by
frictionless; this module holds only what spans several columns or rows, plus the Data
Package v2 `uniqueKeys` that frictionless 5 does not check.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa


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


SOURCES = [
    row_rule(
        "fieldwork_end is on or after fieldwork_start",
        ("fieldwork_end",),
        lambda df: df.fieldwork_start.isna() | (df.fieldwork_end >= df.fieldwork_start),
    ),
    row_rule(
        "a poll report has fieldwork dates and a sample size; other documents have none",
        ("document_type",),
        lambda df: (df.document_type == "poll_report")
        == (df.fieldwork_start.notna() & df.fieldwork_end.notna() & df.sample_n.notna()),
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

CHECKS: dict[str, list[pa.Check]] = {"sources": SOURCES, "parties": PARTIES}


def for_resource(name: str, table_schema: dict) -> pa.DataFrameSchema | None:
    checks = [*CHECKS.get(name, []), *unique_keys(table_schema)]
    return pa.DataFrameSchema(checks=checks, name=name) if checks else None
