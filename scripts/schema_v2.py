"""Bring the Table Schemas in schemas/ to Data Package v2: `$schema` and `categories`.

    python scripts/schema_v2.py

Idempotent and mechanical, so that it can be run again after a merge: every table schema
gets `"$schema"` (the v2 Table Schema profile) first, and every field with an `enum` gets
`categories` right after its constraints, in the enum's order. `enum` stays, because
frictionless 5 checks it and does not check categories (a test keeps both equal).

A category has a label only where the project documents what each value means (the field's
description or ../shared/DATA-MODEL.md); the labels below are those words, copied. A field
whose values are not all explained gets v2's plain-value form (the values alone).
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"

# (resource, field) -> {value: label}, each label as the schema description (or the data model) words it
LABELS: dict[tuple[str, str], dict[str, str]] = {
    ("checks", "kind"): {
        "excerpt": "transcription against the text layer",
        "double_entry": "a first entry against its independent second entry",
        "structure": "Table Schema",
        "in_table": "rules within a table",
        "claim": "prose against the value it restates",
        "derived": "a figure recomputed from its inputs",
        "consistency": "a fact stated in several places",
    },
    ("party_positions", "table_id"): {
        "threat_perception": "Tabel 1",
        "friends_orientation": "Tabel 2",
        "ukraine_support": "Tabel 3",
        "capabilities": "Tabel 4",
        "finances": "Tabel 5",
        "societal_resilience": "Tabel 6",
    },
    ("party_positions", "cell_status"): {
        "transcribed": "read from the table",
        "from_text": "colour lost, position stated in the prose",
        "lost": "colour lost and the prose does not settle it",
    },
    ("poll_waves", "poll"): {
        "this_survey": "the survey the report is about",
        "political_poll": "the Ipsos I&O political poll the report names",
        "earlier_measurement": "an earlier measurement the report prints without naming its poll",
    },
    ("poll_results", "value_origin"): {
        "table": "a table cell",
        "text": "stated in prose",
        "derived": "computed by the pipeline",  # DATA-MODEL.md, Vocabularies
    },
    ("sources", "reuse_terms_status"): {
        "stated": "the document states terms for reusing its content",
        "not_stated": "its text layer states none",
    },
    ("party_fiscal_projections", "indicator"): {"state_debt": "gross state debt"},
    ("party_fiscal_projections", "unit"): {"pct_gdp": "% of gross domestic product"},
}


def categories(resource: str, field: dict) -> list:
    values = field["constraints"]["enum"]
    labels = LABELS.get((resource, field["name"]))
    if labels is None:
        return list(values)
    if set(labels) != set(values):
        raise SystemExit(f"schemas/{resource}.schema.json, field {field['name']}: labels {sorted(labels)} != enum {sorted(values)}")
    return [{"value": value, "label": labels[value]} for value in values]


def with_categories(resource: str, field: dict) -> dict:
    if "enum" not in field.get("constraints", {}):
        return field
    out = {}
    for key, value in field.items():
        if key != "categories":
            out[key] = value
        if key == "constraints":
            out["categories"] = categories(resource, field)
    return out


def upgraded(resource: str, schema: dict) -> dict:
    rest = {key: value for key, value in schema.items() if key != "$schema"}
    rest["fields"] = [with_categories(resource, field) for field in schema["fields"]]
    return {"$schema": TABLE_SCHEMA_PROFILE, **rest}


def main() -> None:
    for path in sorted((ROOT / "schemas").glob("*.schema.json")):
        resource = path.name.removesuffix(".schema.json")
        schema = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(upgraded(resource, schema), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print("schemas/*.schema.json: $schema and categories written")


if __name__ == "__main__":
    main()
