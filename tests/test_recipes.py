"""The recipes of docs/USING.md, run as printed, give the schema's types: a decimal column with
whole values stays decimal, an integer column with gaps stays integer, and the labels "None" and
"NA" stay text; the worked examples load exactly the values frictionless reads."""

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
    assert set(recipes()) == {
        "pandas 1",
        "pandas 2",
        "pandas 3",
        "Parquet, with pandas 1",
        "DuckDB 1",
        "DuckDB 2",
        "Polars 1",
        "Joining other party datasets 1",
    }


# the worked examples, which print what they load and name their frames after the resources
WORKED = ["pandas 3", "DuckDB 2", "Joining other party datasets 1"]


@pytest.mark.parametrize("name", WORKED)
def test_a_worked_example_loads_exactly_what_frictionless_reads(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    import pandas as pd
    from test_readme import RESOURCES, differences, run_example

    scope = run_example(recipes()[name], str(USING))
    assert capsys.readouterr().out.strip(), "the example prints what it loaded"
    frames = {resource: scope[resource] for resource in RESOURCES if isinstance(scope.get(resource), pd.DataFrame)}
    assert frames, "the example names its frames after the resources"
    assert [d for resource, frame in frames.items() for d in differences(frame, resource)] == []


def test_the_worked_examples_cover_the_tables_they_are_about() -> None:
    import pandas as pd
    from test_readme import RESOURCES, run_example

    loaded = {
        resource
        for name in WORKED
        for resource, value in run_example(recipes()[name], str(USING)).items()
        if resource in RESOURCES and isinstance(value, pd.DataFrame)
    }
    assert loaded == {"poll_results", "poll_waves", "fair_shares", "parties", "party_positions"}


SQL = re.findall(r"```sql\n(.*?)```", USING.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("query", SQL)
def test_the_sql_returns_the_values_frictionless_reads(query: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb
    from test_readme import frictionless_rows, plain

    found = re.search(r"read_csv\('data/([a-z_]+)\.csv'", query)
    assert found, query
    monkeypatch.chdir(ROOT)
    frame = duckdb.sql(query).df()  # type: ignore[union-attr]  # a SELECT gives a relation
    assert len(frame) > 0
    expected = [tuple(row[c] for c in frame.columns) for row in frictionless_rows(found.group(1))]
    assert [row for row in frame.to_dict("records") if tuple(plain(row[c]) for c in frame.columns) not in expected] == []


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


def r_recipes() -> list[str]:
    return re.findall(r"```r\n(.*?)```", USING.read_text(encoding="utf-8"), flags=re.S)


def run_r(code: str, cwd: Path, out: Path) -> list[dict[str, Any]]:
    """Run an R recipe as printed, then write the frame it made (`poll`) as JSON rows; the rows."""
    import shutil
    import subprocess

    assert shutil.which("Rscript"), "no Rscript: make test-slow installs R with readr, jsonlite and haven (apt-get)"
    dump = f'\njsonlite::write_json(as.data.frame(poll), "{out}", na = "null", digits = NA, dataframe = "rows", Date = "ISO8601")\n'
    script = out.with_suffix(".R")
    script.write_text(code + dump, encoding="utf-8")
    result = subprocess.run(["Rscript", str(script)], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def r_differences(rows: list[dict[str, Any]], empty_text_is_missing: bool = False) -> list[str]:
    """Cells where R's rows differ from what frictionless reads (a key R leaves out is missing)."""
    from test_readme import frictionless_rows

    expected = frictionless_rows("poll_results")
    if len(rows) != len(expected):
        return [f"R gives {len(rows)} rows, frictionless reads {len(expected)}"]
    out = []
    for number, (row, want) in enumerate(zip(rows, expected, strict=True), start=2):
        for column, value in want.items():
            got = row.get(column)
            if empty_text_is_missing and got == "" and value is None:
                continue  # Stata and SPSS have no missing text: an empty string stands for it
            if isinstance(value, bool) and isinstance(got, str):
                got = {"true": True, "false": False}.get(got, got)  # a labelled 0/1 as its label
            if isinstance(value, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
                got = float(got)
            if got != value:
                out.append(f"line {number}, {column}: R gives {got!r}, frictionless {value!r}")
    return out


def test_the_r_recipe_reads_every_value_with_the_schema_types(tmp_path: Path) -> None:
    assert r_differences(run_r(r_recipes()[0], ROOT, tmp_path / "readr.json")) == []


def test_a_lossy_r_read_is_caught(tmp_path: Path) -> None:
    """readr's default `na = c("", "NA")` and a reader who adds "None": the label 'None' (of
    'Geen') is lost, and the comparison says where."""
    recipe = r_recipes()[0]
    assert 'na = "")' in recipe
    rows = run_r(recipe.replace('na = "")', 'na = c("", "NA", "None"))'), ROOT, tmp_path / "lossy.json")
    assert any(d.endswith("item_en: R gives None, frictionless 'None'") for d in r_differences(rows))


def test_the_haven_recipe_reads_the_stata_and_spss_files_back(tmp_path: Path) -> None:
    import sys
    import zipfile

    sys.path.insert(0, str(ROOT / "scripts"))
    import formats

    package = formats.Package(str(ROOT / "datapackage.json"))
    recipe = r_recipes()[1]
    assert 'read_dta("poll_results.dta")' in recipe
    for kind, reader in (("dta", "read_dta"), ("sav", "read_sav")):
        folder = tmp_path / kind
        folder.mkdir()
        archive = folder / "statistics.zip"
        archive.write_bytes(formats.build_statistics(package, kind))
        zipfile.ZipFile(archive).extract(f"poll_results.{kind}", folder)
        code = recipe.replace('read_dta("poll_results.dta")', f'{reader}("poll_results.{kind}")')
        assert r_differences(run_r(code, folder, folder / "haven.json"), empty_text_is_missing=True) == [], kind
