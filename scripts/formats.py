"""Release formats: SQLite, Excel, Parquet, Stata and SPSS, made from the published package only.

    python scripts/formats.py                       # make formats: dist/<name>-<version>.{sqlite,xlsx}, -{parquet,stata,spss}.zip
    python scripts/formats.py --out DIR --package PATH/datapackage.json

Every format is made from `datapackage.json`, its Table Schemas and the CSVs it describes,
read with the schemas' types by frictionless (so "None" stays a label and only an empty cell is
missing), never from the staged tables. Nothing is written unless frictionless validates the
package first (types, keys, foreign keys, the files' sizes and hashes); a failure lists every
error and leaves the output folder as it was. Each file is built in memory or in a temporary
folder and then replaced in one step, so a reader never sees half a file.

The files are byte-reproducible: every timestamp inside them (zip entries, the workbook's
docProps) is the descriptor's `created`, entries are sorted, and the SQLite file is vacuumed.

SQLite is written with sqlite-utils. The alternatives were frictionless' SQL adapter, which
needs SQLAlchemy (not in the environment) and maps booleans and dates by its own rules, and
datapackage-to-datasette, which is little maintained and also goes through SQLAlchemy.
sqlite-utils is maintained with Datasette (which `make serve` uses), creates tables with
explicit column types, primary keys, NOT NULL and foreign keys in one call, and sets up
FTS5 full-text search that Datasette picks up by itself.
"""

from __future__ import annotations

import argparse
import datetime
import graphlib
import io
import json
import sys
import tempfile
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import sqlite_utils
import yaml
from frictionless import FrictionlessException, Package
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

# scripts/ is on the path when this runs as a script; the shared helpers live in pipelines/
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pipelines.lib.files import write_atomic
from pipelines.lib.package import DESCRIPTOR, ROOT

DIST = ROOT / "dist"

SQL_TYPES = {"string": str, "integer": int, "number": float, "boolean": int, "date": str}
ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "date": pa.date32()}
# Text worth searching: what the documents say (quotes), labels a reader looks for, descriptions.
SEARCHED_FIELDS = {
    "text_nl",
    "text_en",
    "item",
    "item_en",
    "answer",
    "answer_en",
    "section",
    "section_en",
    "title",
    "title_en",
    "name",
    "name_en",
    "label_as_printed",
    "base_description",
    "description",
    "description_en",
    "note",
    "notes",
    "what_en",
}
EXCEL_SHEET_NAME_MAX = 31
EXCEL_COLUMN_WIDTH_MAX = 60
ZIP_EPOCH = datetime.datetime(1980, 1, 1)  # the earliest time a zip entry can carry


class FormatsError(Exception):
    """The package is not fit to be converted; the message says what failed."""


Row = dict[str, Any]


def validated_package(descriptor: Path) -> Package:
    """The package, after frictionless found no error in it; otherwise a FormatsError listing them."""
    try:
        package = Package(str(descriptor))
        report = package.validate()
    except FrictionlessException as error:
        raise FormatsError(f"{descriptor.name} cannot be read: {error}") from None
    if not report.valid:
        problems = [f"  {descriptor.name}: {error.type}: {error.message}" for error in report.errors]
        problems += [f"  {task.name}: {error.type}: {error.message}" for task in report.tasks for error in task.errors]
        raise FormatsError(f"{descriptor.name} fails frictionless validation; no format was built:\n" + "\n".join(problems))
    return package


def typed_rows(package: Package, name: str) -> list[Row]:
    """A resource's rows with Python values of the schema's types (number as float, missing as None)."""
    resource = package.get_resource(name).to_copy()
    # validated_package checked the foreign keys; reading them again would reread every referenced table
    resource.schema.foreign_keys = []
    rows = resource.read_rows()  # type: ignore[attr-defined]  # a TableResource; frictionless' stubs name the base class
    return [{key: float(value) if isinstance(value, Decimal) else value for key, value in row.items()} for row in rows]


Tables = dict[str, list[Row]]


def typed_tables(package: Package) -> Tables:
    """typed_rows of every resource, read once for all the formats built from them."""
    return {resource.name: typed_rows(package, resource.name) for resource in package.resources}


def fields(package: Package, name: str) -> list[dict]:
    return package.get_resource(name).schema.to_descriptor()["fields"]


def is_required(field: dict) -> bool:
    return bool(field.get("constraints", {}).get("required"))


def foreign_keys(package: Package, name: str) -> list[dict]:
    return package.get_resource(name).schema.to_descriptor().get("foreignKeys", [])


def primary_key(package: Package, name: str) -> list[str]:
    return package.get_resource(name).schema.to_descriptor().get("primaryKey", [])


def stamp(package: Package) -> datetime.datetime:
    """The one time written inside every file: when the package says it was created."""
    created = datetime.datetime.fromisoformat(package.to_descriptor()["created"]).replace(tzinfo=None)
    return max(created, ZIP_EPOCH)


def file_stem(package: Package) -> str:
    descriptor = package.to_descriptor()
    return f"{descriptor['name']}-{descriptor['version']}"


def sql_value(field: dict, value: Any) -> Any:
    if value is None:
        return None
    if field["type"] == "boolean":
        return int(value)
    if field["type"] == "date":
        return value.isoformat()
    return value


def build_sqlite(package: Package, tables: Tables | None = None) -> bytes:
    """One table per resource with the schema's types, keys and foreign keys, FTS5 over its
    text, and the tables `package_metadata` and `data_dictionary`."""
    tables = tables or typed_tables(package)
    names = [resource.name for resource in package.resources]
    # a table can only name tables in foreign keys that already exist
    order = graphlib.TopologicalSorter(
        {name: [key["reference"]["resource"] for key in foreign_keys(package, name)] for name in names}
    ).static_order()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "package.sqlite"
        db = sqlite_utils.Database(path)
        for name in order:
            schema_fields = fields(package, name)
            table = db.table(name)
            table.create(
                {field["name"]: SQL_TYPES[field["type"]] for field in schema_fields},
                pk=tuple(primary_key(package, name)) or None,
                not_null=[field["name"] for field in schema_fields if is_required(field)],
                foreign_keys=[
                    (key["fields"][0], key["reference"]["resource"], key["reference"]["fields"][0]) for key in foreign_keys(package, name)
                ],
            )
            by_name = {field["name"]: field for field in schema_fields}
            table.insert_all({key: sql_value(by_name[key], value) for key, value in row.items()} for row in tables[name])
            searched = [
                field["name"]
                for field in schema_fields
                if field["type"] == "string" and (field["name"] in SEARCHED_FIELDS or field["name"].endswith("quote"))
            ]
            if searched:
                table.enable_fts(searched, fts_version="FTS5")
        db.table("package_metadata").insert_all([{"key": key, "value": value} for key, value in package_facts(package).items()], pk="key")
        db.table("data_dictionary").insert_all(data_dictionary(package), pk=("resource", "field"))
        db.vacuum()
        db.close()
        return path.read_bytes()


def package_facts(package: Package) -> dict[str, str]:
    descriptor = package.to_descriptor()
    licence = descriptor["licenses"][0]
    return {
        "name": descriptor["name"],
        "title": descriptor["title"],
        "version": descriptor["version"],
        "created": descriptor["created"],
        "description": descriptor["description"],
        "license": licence["name"],
        "license_title": licence.get("title", ""),
        "license_url": licence.get("path", ""),
        "citation": citation(package),
        "released": released(package),
    }


def released(package: Package) -> str:
    """The date this version was released, as CITATION.cff (next to the descriptor) gives it."""
    cff = yaml.safe_load((Path(package.basepath or ".") / "CITATION.cff").read_text(encoding="utf-8"))
    return str(cff["date-released"])


def citation(package: Package) -> str:
    """The citation of this version, as CITATION.cff (next to the descriptor) gives it."""
    cff = yaml.safe_load((Path(package.basepath or ".") / "CITATION.cff").read_text(encoding="utf-8"))
    authors = "; ".join(a.get("name") or f"{a['family-names']}, {a['given-names']}" for a in cff["authors"])
    return f"{authors} ({str(cff['date-released'])[:4]}). {cff['title']} (version {cff['version']}) [data set]."


def data_dictionary(package: Package) -> list[Row]:
    """Every column of every resource: type, whether required, keys, other constraints, description."""
    entries = []
    for resource in package.resources:
        keys = {
            key["fields"][0]: f"{key['reference']['resource']}.{key['reference']['fields'][0]}"
            for key in foreign_keys(package, resource.name)
        }
        pk = primary_key(package, resource.name)
        for field in fields(package, resource.name):
            constraints = {k: v for k, v in field.get("constraints", {}).items() if k != "required"}
            entries.append(
                {
                    "resource": resource.name,
                    "field": field["name"],
                    "type": field["type"],
                    "required": is_required(field),
                    "key": ", ".join(
                        part
                        for part in (
                            "primary key" if field["name"] in pk else "",
                            f"foreign key to {keys[field['name']]}" if field["name"] in keys else "",
                        )
                        if part
                    ),
                    "constraints": json.dumps(constraints, ensure_ascii=False) if constraints else "",
                    "title": field.get("title", ""),
                    "description": field.get("description", ""),
                }
            )
    return entries


def printable(sheet: Any, header_row: bool) -> None:
    """Printed as a reader expects: landscape, every column on one page's width (as many pages
    down as needed), and a table's header row repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    if header_row:
        sheet.print_title_rows = "1:1"


def build_xlsx(package: Package, tables: Tables | None = None) -> bytes:
    """An "About" sheet (version, citation, licence, data dictionary), then a sheet per resource."""
    tables = tables or typed_tables(package)
    workbook = openpyxl.Workbook()
    about = workbook.active
    about.title = "About"
    bold = Font(bold=True)
    facts = package_facts(package)
    about.append([facts["title"]])
    about["A1"].font = Font(bold=True, size=14)
    for label, key in (
        ("Version", "version"),
        ("Released", "released"),
        ("Citation", "citation"),
        ("Licence", "license_title"),
        ("Licence URL", "license_url"),
        ("First created", "created"),
        ("Description", "description"),
    ):
        about.append([label, facts[key]])
        about.cell(about.max_row, 1).font = bold
    about.append([])
    about.append(["Data dictionary"])
    about.cell(about.max_row, 1).font = bold
    dictionary = data_dictionary(package)
    about.append(list(dictionary[0]))
    for cell in about[about.max_row]:
        cell.font = bold
    for entry in dictionary:
        about.append(list(entry.values()))
    for letter, width in zip("ABCDEFGH", (24, 24, 10, 10, 30, 30, 24, EXCEL_COLUMN_WIDTH_MAX)):
        about.column_dimensions[letter].width = width

    for resource in package.resources:
        if len(resource.name) > EXCEL_SHEET_NAME_MAX:
            raise FormatsError(f"resource {resource.name!r} is longer than an Excel sheet name may be ({EXCEL_SHEET_NAME_MAX})")
        sheet = workbook.create_sheet(resource.name)
        schema_fields = fields(package, resource.name)
        sheet.append([field["name"] for field in schema_fields])
        for cell in sheet[1]:
            cell.font = bold
        widths = [len(field["name"]) for field in schema_fields]
        for line, row in enumerate(tables[resource.name], start=2):
            sheet.append([row[field["name"]] for field in schema_fields])
            # sheet.cell, not sheet[line]: that scans every cell of the sheet for its width
            for number, field in enumerate(schema_fields):
                cell = sheet.cell(line, number + 1)
                if field["type"] == "date" and cell.value is not None:
                    cell.number_format = "yyyy-mm-dd"
                if field["type"] == "string" and cell.value is not None:
                    cell.data_type = "s"  # text that starts with "=" is text, not a formula
                widths[number] = max(widths[number], len(str(cell.value or "")))
        for number, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = min(width + 2, EXCEL_COLUMN_WIDTH_MAX)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        printable(sheet, header_row=True)
    printable(about, header_row=False)

    # openpyxl's save() stamps docProps with the current time; its writer, given the
    # properties, does not: the time is the package's, and the zip is repacked with it below
    moment = stamp(package)
    workbook.properties.created = workbook.properties.modified = moment
    workbook.properties.creator = workbook.properties.lastModifiedBy = facts["name"]
    workbook.properties.title = facts["title"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return repacked(buffer.getvalue(), moment, sort=False)


def repacked(content: bytes, moment: datetime.datetime, sort: bool) -> bytes:
    """The same zip with every entry's time set to `moment` and fixed permissions. An xlsx
    keeps its order ([Content_Types].xml first); other archives are sorted by name."""
    source = zipfile.ZipFile(io.BytesIO(content))
    entries = sorted(source.namelist()) if sort else source.namelist()
    return zipped({name: source.read(name) for name in entries}, moment)


def zipped(files: dict[str, bytes], moment: datetime.datetime) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content, compresslevel=9)
    return buffer.getvalue()


def arrow_schema(package: Package, name: str) -> pa.Schema:
    resource = package.get_resource(name)
    columns = [
        pa.field(
            field["name"],
            ARROW_TYPES[field["type"]],
            nullable=not is_required(field),
            metadata={"title": field.get("title", ""), "description": field.get("description", ""), "type": field["type"]},
        )
        for field in fields(package, name)
    ]
    return pa.schema(
        columns,
        metadata={
            "frictionless:resource": json.dumps(
                {k: v for k, v in resource.to_descriptor().items() if k != "schema"}, ensure_ascii=False, sort_keys=True
            ),
            "frictionless:schema": json.dumps(resource.schema.to_descriptor(), ensure_ascii=False, sort_keys=True),
        },
    )


def build_parquet(package: Package, tables: Tables | None = None) -> bytes:
    """A zip of one <resource>.parquet per resource, entries sorted, with the package's time."""
    tables = tables or typed_tables(package)
    files = {}
    for resource in package.resources:
        table = pa.Table.from_pylist(tables[resource.name], schema=arrow_schema(package, resource.name))
        buffer = pa.BufferOutputStream()
        pq.write_table(table, buffer)
        files[f"{resource.name}.parquet"] = buffer.getvalue().to_pybytes()
    return zipped(dict(sorted(files.items())), stamp(package))


# Stata allows 80 characters in a variable label; SPSS 256 (a longer description is cut, with '…')
LABEL_MAX = {"dta": 80, "sav": 256}


def labelled_frame(package: Package, name: str, rows: list[Row]) -> tuple[Any, dict[str, str], dict[str, dict[int | float, str]]]:
    """A resource as the statistics packages read it: a column with `categories` (or a boolean)
    coded 1, 2, ... (0/1) with value labels that give the category back; integers with gaps and
    numbers as floats (their missing value); dates as dates; text as text. And the variable
    labels: each column's title and description."""
    import pandas as pd  # noqa: PLC0415  (only the two statistics formats need it)

    columns: dict[str, list] = {}
    value_labels: dict[str, dict[int | float, str]] = {}
    variable_labels: dict[str, str] = {}
    for field in fields(package, name):
        column, values = field["name"], [row[field["name"]] for row in rows]
        variable_labels[column] = f"{field.get('title', column)}: {field.get('description', '')}".strip(": ")
        if field.get("categories") and field["type"] == "string":
            # a category is a value, or (Table Schema) an object with a value and a label
            categories = [c if isinstance(c, dict) else {"value": c} for c in field["categories"]]
            codes = {c["value"]: number for number, c in enumerate(categories, start=1)}
            columns[column] = [float(codes[v]) if v is not None else float("nan") for v in values]
            value_labels[column] = {codes[c["value"]]: c["value"] for c in categories}
        elif field["type"] == "boolean":
            columns[column] = [float(v) if v is not None else float("nan") for v in values]
            value_labels[column] = {0: "false", 1: "true"}
        elif field["type"] in ("integer", "number"):
            columns[column] = [float(v) if v is not None else float("nan") for v in values]
        elif field["type"] == "date":
            # datetime.date objects: pyreadstat misreads pandas 3's microsecond datetimes
            columns[column] = list(values)
        else:
            columns[column] = ["" if v is None else str(v) for v in values]
    return pd.DataFrame(columns), variable_labels, value_labels


def build_statistics(package: Package, kind: str, tables: Tables | None = None) -> bytes:
    """A zip of one Stata (kind "dta") or SPSS ("sav") file per resource, written by pyreadstat,
    with variable labels and value labels; entries sorted, with the package's time."""
    import tempfile  # noqa: PLC0415

    import pyreadstat  # noqa: PLC0415  (only this format needs it)

    tables = tables or typed_tables(package)
    files = {}
    with tempfile.TemporaryDirectory() as folder:
        for resource in package.resources:
            frame, variable_labels, value_labels = labelled_frame(package, resource.name, tables[resource.name])
            limit = LABEL_MAX[kind]
            labels: list[str | None] = [text if len(text) <= limit else text[: limit - 1] + "…" for text in variable_labels.values()]
            path = Path(folder) / f"{resource.name}.{kind}"
            if kind == "dta":
                pyreadstat.write_dta(frame, path, column_labels=labels, variable_value_labels=value_labels, version=15)
            else:
                pyreadstat.write_sav(frame, path, column_labels=labels, variable_value_labels=value_labels)
            files[path.name] = stamped(path.read_bytes(), kind, stamp(package))
    return zipped(dict(sorted(files.items())), stamp(package))


def stamped(content: bytes, kind: str, moment: datetime.datetime) -> bytes:
    """The file with the time readstat writes into its header (the time of writing) replaced by
    the package's, so that two builds give the same bytes: a .sav header has the date
    ('dd Mon yy') at byte 92 and the time ('hh:mm:ss') at byte 101; a .dta header has
    '<timestamp>', a length byte and 'dd Mon yyyy hh:mm'."""
    month = MONTHS[moment.month - 1]  # English, whatever the locale (strftime's %b is not)
    if kind == "sav":
        if content[:4] not in (b"$FL2", b"$FL3"):
            raise FormatsError("pyreadstat wrote a .sav file without its header")
        date = f"{moment.day:02d} {month} {moment.year % 100:02d}{moment:%H:%M:%S}"
        return content[:92] + date.encode("ascii") + content[109:]
    at = content.find(b"<timestamp>")
    if at < 0 or content[at + 11] != 17:
        raise FormatsError("pyreadstat wrote a .dta file without its timestamp")
    start = at + 12
    return content[:start] + f"{moment.day:02d} {month} {moment.year} {moment:%H:%M}".encode("ascii") + content[start + 17 :]


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# The formats by the suffix of their file name (after <name>-<version>), in the order the release
# lists them; pipelines/harvest.py lists the same files for catalogues (a test keeps them equal).
BUILDERS: dict[str, Callable[[Package, Tables], bytes]] = {
    ".sqlite": build_sqlite,
    ".xlsx": build_xlsx,
    "-parquet.zip": build_parquet,
    "-stata.zip": lambda package, tables: build_statistics(package, "dta", tables),
    "-spss.zip": lambda package, tables: build_statistics(package, "sav", tables),
}


def build_all(descriptor: Path, out: Path, package: Package | None = None) -> list[Path]:
    """Validate the package (unless given it validated), build every format in memory, then write each in one step."""
    package = package or validated_package(descriptor)
    stem = file_stem(package)
    tables = typed_tables(package)
    contents = {out / f"{stem}{suffix}": build(package, tables) for suffix, build in BUILDERS.items()}
    for path, content in contents.items():
        write_atomic(path, content)
    return list(contents)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Build the SQLite, Excel, Parquet, Stata and SPSS release formats.")
    parser.add_argument("--package", type=Path, default=DESCRIPTOR, help="datapackage.json to convert")
    parser.add_argument("--out", type=Path, default=DIST, help="folder to write the files to")
    args = parser.parse_args(argv)
    try:
        written = build_all(args.package, args.out)
    except FormatsError as error:
        print(f"formats: {error}", file=sys.stderr)
        sys.exit(1)
    for path in written:
        print(f"formats: wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
