"""The generated reader documents are current."""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import codebook  # noqa: E402


def test_the_codebook_is_current() -> None:
    assert (ROOT / "docs" / "CODEBOOK.md").read_text(encoding="utf-8") == codebook.codebook(), (
        "docs/CODEBOOK.md is stale: run python scripts/codebook.py"
    )


def test_the_codebook_describes_every_column() -> None:
    import json

    text = codebook.codebook()
    for schema in (ROOT / "schemas").glob("*.schema.json"):
        for field in json.loads(schema.read_text(encoding="utf-8"))["fields"]:
            assert f"| `{field['name']}` | {field['type']} |" in text, (schema.name, field["name"])
