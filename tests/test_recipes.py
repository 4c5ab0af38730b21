"""The Python recipes of docs/USING.md, run as printed, give the schema's types: a decimal
column with whole values stays decimal, an integer column with gaps stays integer, and the
labels "None" and "NA" stay text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow  # make test-slow: the documentation's recipes, run as printed

USING = ROOT / "docs" / "USING.md"
VERSION = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]


def recipes() -> dict[str, str]:
    """The Python code blocks of docs/USING.md, by the heading they are under."""
    text = USING.read_text(encoding="utf-8")
    found: dict[str, str] = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        heading = section.splitlines()[0].strip()
        blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
        for number, block in enumerate(blocks, start=1):
            found[f"{heading} {number}"] = block
    return found


def run(code: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, Any] = {}
    exec(compile(code, str(USING), "exec"), namespace)  # noqa: S102  (the documentation's own code, a fixed file)
    return namespace


def test_the_recipes_are_there() -> None:
    assert set(recipes()) == {"pandas 1", "pandas 2", "Parquet, with pandas 1", "DuckDB 1", "Polars 1"}


@pytest.mark.parametrize("name", ["pandas 1", "pandas 2"])
def test_pandas_recipes_give_the_schema_types(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    poll = run(recipes()[name], monkeypatch)["poll"]
    assert str(poll["value_pct"].dtype) == "Float64" and str(poll["base_n"].dtype) == "Int64"
    assert str(poll["indicative"].dtype) == "boolean"
    assert poll["base_n"].isna().any() and not poll["base_n"].dropna().empty


def test_parquet_recipe_keeps_integers_with_gaps(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    import formats

    # the package as published (validated by the pipeline and by test_package.py): not validated again here
    built = formats.build_parquet(formats.Package(str(ROOT / "datapackage.json")))
    archive = tmp_path / f"nl-defence-opinion-2025-{VERSION}-parquet.zip"
    archive.write_bytes(built)
    code = recipes()["Parquet, with pandas 1"]
    assert f'"dist/nl-defence-opinion-2025-{VERSION}-parquet.zip"' in code, "the recipe names another version than this one"
    poll = run(code.replace(f"dist/nl-defence-opinion-2025-{VERSION}-parquet.zip", str(archive)), monkeypatch)["poll"]
    assert str(poll["base_n"].dtype) == "Int64" and str(poll["value_pct"].dtype) == "Float64"


def test_duckdb_recipe_gives_the_schema_types(monkeypatch: pytest.MonkeyPatch) -> None:
    poll = run(recipes()["DuckDB 1"], monkeypatch)["poll"]
    types = dict(zip(poll.columns, (str(t) for t in poll.types), strict=True))
    assert (types["value_pct"], types["base_n"], types["indicative"], types["ci95_low_pct"]) == ("DOUBLE", "BIGINT", "BOOLEAN", "DOUBLE")
    assert poll.filter("item = 'Geen'").fetchall()  # a label, not missing


def test_polars_recipe_gives_the_schema_types(monkeypatch: pytest.MonkeyPatch) -> None:
    import polars as pl

    poll = run(recipes()["Polars 1"], monkeypatch)["poll"]
    assert (poll.schema["value_pct"], poll.schema["base_n"], poll.schema["indicative"]) == (pl.Float64, pl.Int64, pl.Boolean)
    assert poll["base_n"].null_count() > 0
