"""Every resource loads with the tools people use: pandas, frictionless, DuckDB, and from an
unzipped release archive."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import BIN, ROOT
from frictionless import Package

from pipelines.load import load

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
NAMES = [r["name"] for r in DESCRIPTOR["resources"]]
DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE"}
PANDAS_TYPES = {"string": "str", "integer": "Int64", "number": "Float64", "boolean": "boolean", "date": "datetime64[ns]"}


def schema(name: str, root: Path = ROOT) -> list[dict]:
    return json.loads((root / f"schemas/{name}.schema.json").read_text(encoding="utf-8"))["fields"]


@pytest.mark.parametrize("name", NAMES)
def test_pandas_reads_types_and_missing_values(name: str) -> None:
    frame = load(name)
    plain = pd.read_csv(ROOT / f"data/{name}.csv")
    assert len(frame) == len(plain) > 0
    for field in schema(name):
        assert str(frame[field["name"]].dtype).startswith(PANDAS_TYPES[field["type"]].split("[")[0]), field["name"]
    assert not frame.isin(["", "nan", "NaN", "<NA>"]).any().any(), "empty cells must be missing values, not strings"


def test_missing_values_are_missing() -> None:
    results = load("poll_results")
    not_asked = results[results.value_status == "not_asked"]
    assert len(not_asked) > 0 and not_asked.value_pct.isna().all()


@pytest.mark.slow  # make test-slow: validating the whole package again (test_package.py does in make test)
def test_frictionless_reads_every_row_and_checks_foreign_keys() -> None:
    package = Package(str(ROOT / "datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    for name in NAMES:
        assert len(package.get_resource(name).read_rows()) == len(pd.read_csv(ROOT / f"data/{name}.csv"))  # type: ignore[attr-defined]  # a TableResource


@pytest.mark.parametrize("name", NAMES)
def test_duckdb_reads_the_csvs_with_the_schema_types(name: str) -> None:
    fields = schema(name)
    columns = ", ".join(f"'{f['name']}': '{DUCKDB_TYPES[f['type']]}'" for f in fields)
    connection = duckdb.connect()
    relation = connection.sql(f"select * from read_csv('{ROOT / f'data/{name}.csv'}', header=true, columns={{{columns}}})")
    assert [t.id.upper() for t in relation.types] == [DUCKDB_TYPES[f["type"]] for f in fields]
    assert relation.aggregate("count(*)").fetchall()[0][0] == len(load(name))


@pytest.mark.parametrize("name", NAMES)
def test_every_name_works_unquoted_in_duckdb_and_sqlite(name: str) -> None:
    """No resource or column name is an SQL keyword that needs quoting (such as `group`)."""
    columns = [f["name"] for f in schema(name)]
    query = (
        f"select {', '.join(columns)} from {name} where {' and '.join(f'{c} is not null' for c in columns)} "
        f"group by {', '.join(columns)} order by {', '.join(columns)}"
    )
    connection = duckdb.connect()
    connection.execute(f"create table {name} as select * from read_csv('{ROOT / f'data/{name}.csv'}', header=true, all_varchar=true)")
    connection.execute(query).fetchall()
    lite = sqlite3.connect(":memory:")
    lite.execute(f"create table {name} ({', '.join(columns)})")
    lite.execute(query).fetchall()


@pytest.mark.slow
def test_an_unzipped_release_loads(release, tmp_path: Path) -> None:
    repo, archive = release
    zipfile.ZipFile(archive).extractall(tmp_path / "unzipped")
    package_root = next((tmp_path / "unzipped").iterdir())
    result = subprocess.run(
        [str(BIN / "frictionless"), "validate", "--json", "datapackage.json"], cwd=package_root, capture_output=True, text=True
    )
    assert json.loads(result.stdout)["valid"] is True
    for name in NAMES:
        assert len(load(name, package_root)) == len(load(name))


def test_load_imports_and_finds_the_package_from_any_folder(tmp_path: Path) -> None:
    """make test (and make repro) put the project on .venv's path: a reader's script elsewhere
    imports pipelines.load and gets the package's rows."""
    script = "from pipelines.load import load; print(len(load('parties')))"
    result = subprocess.run(
        [str(BIN / "python"), "-c", script], cwd=tmp_path, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == sum(1 for _ in (ROOT / "data" / "parties.csv").open(encoding="utf-8")) - 1
