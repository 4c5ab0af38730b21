"""Write docs/CODEBOOK.md from the descriptor and the Table Schemas, for readers who do not code.

    python scripts/codebook.py

Every resource with its description, key and foreign keys, and every column with its type,
constraints (with the label of each category, where the schema gives one) and description. A
test fails when the codebook is not what this makes.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def labels(field: dict) -> dict[str, str]:
    """The labels of a field's categories (Data Package v2), where it gives them."""
    return {c["value"]: c["label"] for c in field.get("categories", []) if isinstance(c, dict)}


def value_text(value: str, labelled: dict[str, str]) -> str:
    return f"`{value}` ({labelled[value]})" if value in labelled else f"`{value}`"


def constraints(field: dict) -> str:
    c = field.get("constraints", {})
    parts = []
    if c.get("required"):
        parts.append("required")
    if c.get("unique"):
        parts.append("unique")
    if "enum" in c:
        parts.append("one of " + ", ".join(value_text(v, labels(field)) for v in c["enum"]))
    if "pattern" in c:
        parts.append(f"pattern `{c['pattern']}`")
    for key, word in (("minimum", "≥"), ("maximum", "≤")):
        if key in c:
            parts.append(f"{word} {c[key]}")
    return "; ".join(parts)


def cell(text: str) -> str:
    return " ".join(str(text).replace("|", "\\|").split())


def codebook() -> str:
    descriptor = json.loads((ROOT / "schemas" / "package.json").read_text(encoding="utf-8"))
    out = [
        "# Codebook",
        "",
        f"*{descriptor['title']}*, version {descriptor['version']}.",
        "",
        "Every resource (table) and every column, from the Table Schemas in `schemas/` (made by",
        "`python scripts/codebook.py`; a test keeps it current). An empty cell is a missing value.",
        "Types: `string` text, `integer` whole number,",
        "`number` decimal number, `boolean` `true`/`false`, `date` `YYYY-MM-DD`.",
        "",
        "| resource | file | one row is |",
        "|---|---|---|",
    ]
    out += [f"| [`{r['name']}`](#{r['name']}) | `{r['path']}` | {cell(r['description'])} |" for r in descriptor["resources"]]
    for resource in descriptor["resources"]:
        schema = json.loads((ROOT / resource["schema"]).read_text(encoding="utf-8"))
        key = schema.get("primaryKey", [])
        key = [key] if isinstance(key, str) else key
        out += ["", f"## {resource['name']}", "", cell(schema.get("description", resource["description"])), ""]
        out.append(f"Key: {', '.join(f'`{k}`' for k in key)}." if key else "Key: none.")
        for fk in schema.get("foreignKeys", []):
            out.append(f"`{', '.join(fk['fields'])}` refers to `{fk['reference']['resource']}` (`{', '.join(fk['reference']['fields'])}`).")
        out += ["", "| column | type | constraints | description |", "|---|---|---|---|"]
        out += [f"| `{f['name']}` | {f['type']} | {cell(constraints(f))} | {cell(f.get('description', ''))} |" for f in schema["fields"]]
    return "\n".join(out) + "\n"


def main() -> None:
    (ROOT / "docs" / "CODEBOOK.md").write_text(codebook(), encoding="utf-8")
    print("wrote docs/CODEBOOK.md")


if __name__ == "__main__":
    main()
