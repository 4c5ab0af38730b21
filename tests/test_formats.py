"""The SQLite, Excel and Parquet formats hold exactly what the CSVs hold, with the schemas' types;
two builds are byte-identical; a package that fails validation gives no file at all."""

from __future__ import annotations

import datetime
import functools
import hashlib
import io
import json
import shutil
import sqlite3
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from conftest import BIN, ROOT, run
from frictionless import Package

sys.path.insert(0, str(ROOT / "scripts"))
import formats

PACKAGE = Package(str(ROOT / "datapackage.json"))
NAMES = [resource.name for resource in PACKAGE.resources]
STEM = f"{PACKAGE.name}-{PACKAGE.version}"


@functools.cache  # read once per worker: five formats compare against it, and frictionless reads slowly
def csv_rows(name: str) -> list[dict[str, Any]]:
    """The CSV as frictionless reads it with the schema: the values every format must give back."""
    return [dict(row) for row in PACKAGE.get_resource(name).read_rows()]  # type: ignore[attr-defined]  # a TableResource


def schema_fields(name: str) -> list[dict]:
    return json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))["fields"]


def plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


@pytest.fixture(scope="module")
def formats_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("formats")
    formats.build_all(ROOT / "datapackage.json", out)
    return out


@functools.cache  # the typed rows of every resource, read once for the formats make test builds alone
def typed_tables() -> dict:
    return formats.typed_tables(PACKAGE)


@pytest.fixture(scope="module")
def workbook() -> openpyxl.Workbook:
    """The workbook alone, built in memory and opened once (openpyxl takes about a second to read
    it): make test checks it without building the other four formats (make test-slow builds all)."""
    return openpyxl.load_workbook(io.BytesIO(formats.build_xlsx(PACKAGE, typed_tables())))


@pytest.mark.slow  # make test-slow, with every test that needs all five formats built (about 7 s)
def test_the_five_files_are_named_by_package_and_version(formats_dir: Path) -> None:
    assert sorted(p.name for p in formats_dir.iterdir()) == sorted(
        [f"{STEM}.sqlite", f"{STEM}.xlsx", f"{STEM}-parquet.zip", f"{STEM}-stata.zip", f"{STEM}-spss.zip"]
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_sqlite_holds_every_value_with_the_schema_type(formats_dir: Path, name: str) -> None:
    db = sqlite3.connect(formats_dir / f"{STEM}.sqlite")
    declared = {row[1]: (row[2], row[3], row[5]) for row in db.execute(f"pragma table_info({name})")}
    sql_type = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT"}
    schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
    for field in schema["fields"]:
        column_type, not_null, _ = declared[field["name"]]
        assert column_type == sql_type[field["type"]], field["name"]
        assert bool(not_null) == bool(field.get("constraints", {}).get("required")), field["name"]
    assert [c for c, (_, _, pk) in sorted(declared.items(), key=lambda i: i[1][2]) if pk] == schema.get("primaryKey")
    fks = {(row[3], row[2], row[4]) for row in db.execute(f"pragma foreign_key_list({name})")}
    assert fks == {(k["fields"][0], k["reference"]["resource"], k["reference"]["fields"][0]) for k in schema.get("foreignKeys", [])}
    db.row_factory = sqlite3.Row
    got = [dict(row) for row in db.execute(f"select * from {name} order by rowid")]
    expected = []
    for row in csv_rows(name):
        expected.append(
            {
                key: (int(value) if isinstance(value, bool) else value.isoformat() if isinstance(value, datetime.date) else plain(value))
                for key, value in row.items()
            }
        )
    assert got == expected
    for field in schema["fields"]:  # sqlite3 gives back int for INTEGER, float for REAL
        kinds = {type(row[field["name"]]) for row in got} - {type(None)}
        allowed: dict[str, set[type]] = {"string": {str}, "integer": {int}, "boolean": {int}, "number": {float}, "date": {str}}
        assert kinds <= allowed[field["type"]]


def test_sqlite_has_full_text_search_over_quotes_and_labels(tmp_path: Path) -> None:
    path = tmp_path / f"{STEM}.sqlite"
    path.write_bytes(formats.build_sqlite(PACKAGE, typed_tables()))  # the database alone (make test-slow builds all five formats)
    db = sqlite3.connect(path)
    # the one value of poll_results whose quote or note has the word "pakt" (read from the CSV)
    hits = db.execute(
        "select question_id, answer, value_pct from poll_results where rowid in "
        "(select rowid from poll_results_fts where poll_results_fts match 'pakt')"
    ).fetchall()
    assert hits == [("defence_statements", "(helemaal) eens", 21.0)]
    assert db.execute("select count(*) from discrepancies_fts where discrepancies_fts match 'Tabel'").fetchone()[0] > 0
    assert db.execute("select value from package_metadata where key = 'version'").fetchone()[0] == PACKAGE.version
    assert db.execute("select type from data_dictionary where resource = 'poll_waves' and field = 'base_n'").fetchone() == ("integer",)


@pytest.mark.slow  # make test-slow, with the other formats' every-value read-backs (about 4.5 s)
@pytest.mark.parametrize("name", NAMES)
def test_excel_holds_every_value_as_a_typed_cell(workbook: openpyxl.Workbook, name: str) -> None:
    sheet = workbook[name]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    fields = schema_fields(name)
    assert list(rows[0]) == [field["name"] for field in fields]
    expected = csv_rows(name)
    assert len(rows) - 1 == len(expected)
    for cells, row in zip(rows[1:], expected):
        for field, cell in zip(fields, cells):
            value = row[field["name"]]
            if value is None:
                assert cell is None, field["name"]
            elif field["type"] == "date":
                assert isinstance(cell, datetime.datetime) and cell.date() == value
            elif field["type"] == "boolean":
                assert cell is value
            elif field["type"] == "string":
                assert cell == value
            else:
                assert isinstance(cell, (int, float)) and not isinstance(cell, bool) and cell == plain(value)


def test_excel_about_sheet_has_version_citation_licence_and_every_column(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == ["About", *NAMES]
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True) if row[0]}
    assert about["Version"] == PACKAGE.version
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert about["Released"] == str(cff["date-released"])  # this version's date, not the first version's
    assert about["Citation"].startswith("nl-defence-opinion-2025 contributors (2026).")
    assert f"(version {PACKAGE.version})" in about["Citation"]
    assert about["Licence"].startswith("Creative Commons Attribution 4.0")
    dictionary = [row for row in workbook["About"].iter_rows(values_only=True) if row[0] in NAMES]
    assert len(dictionary) == sum(len(schema_fields(name)) for name in NAMES)
    base_n = next(row for row in dictionary if row[:2] == ("poll_waves", "base_n"))
    assert base_n[2] == "integer" and base_n[-1] == next(f for f in schema_fields("poll_waves") if f["name"] == "base_n")["description"]


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_parquet_holds_every_value_with_the_arrow_type(formats_dir: Path, name: str) -> None:
    with zipfile.ZipFile(formats_dir / f"{STEM}-parquet.zip") as archive:
        assert archive.namelist() == sorted(f"{n}.parquet" for n in NAMES)
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 22, 0, 0, 0)}
        table = pq.read_table(io.BytesIO(archive.read(f"{name}.parquet")))
    arrow = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "date": pa.date32()}
    for field in schema_fields(name):
        column = table.schema.field(field["name"])
        assert column.type == arrow[field["type"]]
        assert column.nullable == (not field.get("constraints", {}).get("required"))
        assert column.metadata[b"description"].decode() == field.get("description", "")
    schema = json.loads(table.schema.metadata[b"frictionless:schema"])
    assert [f["name"] for f in schema["fields"]] == table.column_names
    assert table.to_pylist() == [{key: plain(value) for key, value in row.items()} for row in csv_rows(name)]


@pytest.mark.slow
def test_two_builds_are_byte_identical(formats_dir: Path, release: tuple[Path, Path]) -> None:
    """This module's build and the release's (another process, in a fresh clone) give the same bytes."""
    dist = release[1].parent
    for path in formats_dir.iterdir():
        assert (dist / path.name).read_bytes() == path.read_bytes(), f"{path.name} differs between two builds"


def broken_copy(tmp_path: Path) -> Path:
    """A copy of the package in which one integer is typed with a Dutch thousands dot, the
    descriptor's size and hash updated so that only the type is wrong."""
    root = tmp_path / "package"
    (root / "data").mkdir(parents=True)
    for name in ("datapackage.json", "CITATION.cff"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "schemas", root / "schemas")
    for path in (ROOT / "data").glob("*.csv"):
        shutil.copy(path, root / "data" / path.name)
    waves = root / "data" / "poll_waves.csv"
    text = waves.read_text(encoding="utf-8")
    assert ",2025-06-13,2025-06-16,2253," in text
    waves.write_text(text.replace(",2025-06-13,2025-06-16,2253,", ",2025-06-13,2025-06-16,2.253,"), encoding="utf-8")
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "poll_waves":
            resource["bytes"] = len(waves.read_bytes())
            resource["hash"] = f"sha256:{hashlib.sha256(waves.read_bytes()).hexdigest()}"
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return root


def test_a_package_that_fails_validation_gives_no_file_and_says_why(tmp_path: Path) -> None:
    root = broken_copy(tmp_path)
    out = tmp_path / "dist"
    result = run(
        [str(BIN / "python"), str(ROOT / "scripts" / "formats.py"), "--package", str(root / "datapackage.json"), "--out", str(out)],
        tmp_path,
    )
    assert result.returncode == 1
    assert result.stderr == (
        "formats: datapackage.json fails frictionless validation; no format was built:\n"
        '  poll_waves: type-error: Type error in the cell "2.253" in row "11" and field "base_n" at position "7": '
        'type is "integer/default"\n'
    )
    assert not out.exists()


def test_excel_prints_landscape_one_page_wide_with_the_header_on_every_page(workbook: openpyxl.Workbook) -> None:
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert (setup.orientation, int(setup.fitToWidth), int(setup.fitToHeight)) == ("landscape", 1, 0), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        if sheet.title != "About":
            assert sheet.print_title_rows == "$1:$1", sheet.title


@pytest.mark.slow  # make test-slow: reading every file back takes about 3 s
@pytest.mark.parametrize("kind", ["dta", "sav"])
def test_stata_and_spss_files_read_back_with_every_value_and_their_labels(formats_dir: Path, kind: str, tmp_path: Path) -> None:
    """pyreadstat reads each file back: with the value labels applied, every cell is the CSV's
    value (a category as its code, a boolean as true/false, a number as the number, a gap as a
    gap), and every column has its title as a variable label."""
    import pyreadstat

    archive_name = f"{STEM}-{'stata' if kind == 'dta' else 'spss'}.zip"
    with zipfile.ZipFile(formats_dir / archive_name) as archive:
        assert archive.namelist() == sorted(f"{n}.{kind}" for n in NAMES)
        archive.extractall(tmp_path)
    read = pyreadstat.read_dta if kind == "dta" else pyreadstat.read_sav
    for name in NAMES:
        frame, meta = read(str(tmp_path / f"{name}.{kind}"), apply_value_formats=True)
        fields = schema_fields(name)
        assert list(frame.columns) == [f["name"] for f in fields]
        labels = dict(zip(meta.column_names, meta.column_labels))
        assert all((labels[f["name"]] or "").startswith(f.get("title", f["name"])) for f in fields), name
        for field in fields:
            if field.get("categories") or field["type"] == "boolean":
                assert field["name"] in meta.variable_value_labels, (name, field["name"])
        for line, (row, expected) in enumerate(zip(frame.to_dict("records"), csv_rows(name), strict=True), start=2):
            for field in fields:
                got, want = row[field["name"]], expected[field["name"]]
                if want is None:
                    assert got is None or got == "" or pd.isna(got), (name, line, field["name"], got)
                elif field["type"] == "boolean":
                    assert got == ("true" if want else "false"), (name, line, field["name"], got)
                elif field["type"] in ("integer", "number"):
                    assert float(got) == float(plain(want)), (name, line, field["name"], got)
                elif field["type"] == "date":
                    assert pd.Timestamp(got).date() == want, (name, line, field["name"], got)
                else:
                    assert got == want, (name, line, field["name"], got)


def test_the_catalogue_metadata_lists_every_file_of_the_release() -> None:
    """pipelines/harvest.py lists the release's files for catalogues (schema.org, DCAT-AP): the
    CSV data package (scripts/release.py) and then every format, in the release's order."""
    from pipelines import harvest

    assert [suffix for _, suffix, *_ in harvest.FORMATS] == [".zip", ".sqlite", ".xlsx", "-parquet.zip", "-stata.zip", "-spss.zip"]
    assert list(formats.BUILDERS) == [".sqlite", ".xlsx", "-parquet.zip", "-stata.zip", "-spss.zip"]
