"""Stage `validate`: check the staged tables before anything is published.

frictionless checks structure against the Table Schemas in schemas/ (types, required fields,
enums, ranges, primary keys); foreign keys are checked against one lookup per table; pandera
checks the in-table rules in `pipelines.rules` and what frictionless 5 leaves out of Data
Package v2 (uniqueKeys).
Every failure is reported against the raw file, line and field it came from.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from frictionless import Report, Resource, Schema

from pipelines.lib import speed
from pipelines.lib.files import json_bytes, read_rows, sha256, write_atomic
from pipelines.lib.package import PROVENANCE, ROOT, VALIDATION, data_resource_names, read_staged, rel, staged_path, table_schema
from pipelines.lib.raw import InputError, where
from pipelines.stages import run

PANDAS_TYPES = {"integer": "Int64", "number": "Float64", "boolean": "boolean"}
# tables staged by `tidy`, which carry provenance columns
STAGED = set(data_resource_names())


def staged_schema(name: str) -> dict:
    """The published schema plus the provenance columns that staged tables carry."""
    schema = table_schema(name)
    published = {field["name"] for field in schema["fields"]}
    extra = [{"name": column, "type": "string"} for column in PROVENANCE if column not in published]
    return {**schema, "fields": [*schema["fields"], *extra]}


def foreign_keys(name: str) -> list[tuple[str, str, str]]:
    """(field, referenced table, referenced field) of each foreign key of a table (all are single-field)."""
    keys = []
    for key in table_schema(name).get("foreignKeys", []):
        fields, reference = key["fields"], key["reference"]
        fields = [fields] if isinstance(fields, str) else fields
        referenced = [reference["fields"]] if isinstance(reference["fields"], str) else reference["fields"]
        if len(fields) != 1 or len(referenced) != 1:
            raise InputError([f"schemas/{name}.schema.json: foreign key {fields} has more than one field, which validate does not check"])
        keys.append((fields[0], reference["resource"] or name, referenced[0]))
    return keys


def foreign_key_problems(names: list[str], tables: dict[str, list[dict[str, str]]]) -> dict[str, list[tuple[int, str]]]:
    """(row number as frictionless counts it, problem) per table, for values that the referenced table lacks.

    frictionless 5 copies, revalidates and rereads the referenced table for every foreign key of
    every table, which took half the time of a validation; this reads each table once, with the
    same rule (an empty, missing value refers to nothing) and the same order of problems.
    `make repro` still runs frictionless' own check on the published package."""
    known: dict[tuple[str, str], set[str]] = {}
    problems: dict[str, list[tuple[int, str]]] = {}
    for name in names:
        for field, resource, referenced in foreign_keys(name):
            if resource not in tables:
                problems.setdefault(name, []).append(
                    (0, f"schemas/{name}.schema.json: foreign key {field} names {resource!r}, which is not validated with it")
                )
                continue
            if (resource, referenced) not in known:
                known[resource, referenced] = {row[referenced] for row in tables[resource] if row.get(referenced)}
            for number, row in enumerate(tables[name], start=2):
                if row.get(field) and row[field] not in known[resource, referenced]:
                    problems.setdefault(name, []).append(
                        (number, f"{where(row, field)}: {[row[field]]} is not a known {referenced} in '{resource}'")
                    )
    return problems


def table_report(name: str, path: Path, schema: dict) -> Report:
    """frictionless' report on one table: a function of the file's bytes and the schema alone.

    Table by table, as Package.validate() would, without its check of a package descriptor
    made of schemas that Schema.from_descriptor() checks here. tidy writes UTF-8: frictionless
    need not guess the encoding (chardet)."""

    def validate() -> Report:
        resource = Resource(path=rel(path), name=name, basepath=str(ROOT), encoding="utf-8", schema=Schema.from_descriptor(schema))
        return resource.validate()

    return speed.kept_report(Path(__file__), name, path, json.dumps(schema, sort_keys=True), validate)


def structural_problems(
    names: list[str], rows: dict[str, list[dict[str, str]]], paths: dict[str, Path] | None = None, references: tuple[str, ...] = ()
) -> list[str]:
    """frictionless on the named staged tables, and their foreign keys into each other and into
    the `references` (staged tables validated before, read here only for their keys). Tables
    without provenance columns (the checks) are validated against their plain schema."""
    paths = {n: (paths or {}).get(n, staged_path(n)) for n in [*names, *references]}
    schemas = {n: table_schema(n) if n in (rows.keys() - STAGED) else staged_schema(n) for n in names}
    reports = [table_report(n, paths[n], {k: v for k, v in schemas[n].items() if k != "foreignKeys"}) for n in names]
    tables = {n: rows[n] if n in rows else read_rows(paths[n]) for n in [*names, *references]}
    foreign = foreign_key_problems(names, tables)
    # Errors that stop frictionless from reading a table at all are reported outside its task.
    problems = [f"build/tidy: {error.message}" for report in reports for error in report.errors]
    for task in (task for report in reports for task in report.tasks):
        table = rows.get(task.name, [])
        found: list[tuple[int, str]] = []
        for error in task.errors:
            row_number = getattr(error, "row_number", None)
            if row_number is None:
                found.append((0, f"build/tidy/{task.name}.csv: {error.message}"))
                continue
            row = table[row_number - 2] if task.name in rows else {}
            field = getattr(error, "field_name", None)
            if error.type == "primary-key":
                key = table_schema(task.name)["primaryKey"]
                key = [key] if isinstance(key, str) else key
                first = next(r for r in table if all(r[k] == row[k] for k in key))
                # in a melted table the key comes from the row label and the column header
                field = None if row.get("raw_column") else key[0]
                message = f"{where(row, field)}: duplicate key {[row[k] for k in key]}, already on line {first['raw_line']}"
            elif error.type == "type-error":
                kind = error.note.split('"')[1].split("/")[0] if '"' in error.note else error.note
                message = f"{where(row, field)}: {getattr(error, 'cell', '')!r} is not a valid {kind}"
            elif hasattr(error, "cell"):
                value = repr(error.cell) if error.cell else "an empty value"
                message = f"{where(row, field)}: {value} violates {error.note}"
            else:
                message = f"{where(row, field)}: {error.note or error.message}"
            found.append((row_number, message))
        # a row's foreign-key problems after its other ones, as frictionless orders them
        problems += [message for _, message in sorted(found + foreign.get(task.name, []), key=lambda problem: problem[0])]
    if not all(report.valid for report in reports) and not problems:
        problems.append("build/tidy: frictionless found the package invalid without naming an error")
    return problems


def typed_frame(name: str, rows: list[dict[str, str]]) -> pd.DataFrame:
    """The staged table with the column types its schema declares (empty cell = missing)."""
    frame = pd.DataFrame(rows, dtype="str").replace("", pd.NA)
    for field in table_schema(name)["fields"]:
        column, kind = field["name"], field["type"]
        if kind in PANDAS_TYPES and kind != "boolean":
            frame[column] = pd.to_numeric(frame[column]).astype(PANDAS_TYPES[kind])
        elif kind == "boolean":
            frame[column] = frame[column].map({"true": True, "false": False}).astype("boolean")
        elif kind == "date":
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
    return frame


def semantic_problems(name: str, frames: dict[str, pd.DataFrame], rows: list[dict[str, str]]) -> list[str]:
    # pandera (about 0.8 s to import) only where the rules run: crosscheck imports this module for
    # structural_problems and typed_frame alone
    import pandera.pandas as pa

    from pipelines.rules import in_table as rules

    schema = rules.for_resource(name, table_schema(name))
    if schema is None:
        return []
    try:
        schema.validate(rules.prepare(name, frames), lazy=True)
    except pa.errors.SchemaErrors as errors:
        problems = []
        # A table-wide rule fails once per column of a failing row: report each row once.
        cases = errors.failure_cases.drop_duplicates(subset=["check", "index"])
        for case in cases.itertuples():
            if pd.isna(case.index):
                problems.append(f"build/tidy/{name}.csv: fails rule {case.check}")
                continue
            row = rows[int(case.index)]
            field = rules.FIELDS.get(case.check, (None,))[0]
            problems.append(f"{where(row, field)}: fails rule '{case.check}'")
        return problems
    return []


def main() -> None:
    from pipelines.rules import in_table as rules

    names = data_resource_names()
    rows = {name: read_staged(name) for name in names}
    problems = structural_problems(names, rows)
    # In-table rules need correctly typed columns, so they run only on structurally valid data.
    if not problems:
        frames = {name: typed_frame(name, rows[name]) for name in names}
        for name in names:
            problems.extend(semantic_problems(name, frames, rows[name]))
    if problems:
        raise InputError(problems)
    checks = [
        {
            "check_id": f"structure-{name}",
            "kind": "structure",
            "tool": "frictionless",
            "status": "pass",
            "description": f"{name}: types, required fields, enums, ranges, primary and foreign keys (schemas/{name}.schema.json)",
            "expected": "valid",
            "observed": f"valid ({len(rows[name])} rows)",
        }
        for name in names
    ]
    for name in names:
        schema = rules.for_resource(name, table_schema(name))
        for check in schema.checks if schema is not None else []:
            checks.append(
                {
                    "check_id": f"rule-{name}-{rules.slug(check.name)}",
                    "kind": "in_table",
                    "tool": "pandera",
                    "status": "pass",
                    "description": f"{name}: {check.name}",
                    "expected": "every row",
                    "observed": f"{len(rows[name])} rows",
                }
            )
    summary = {
        # publish refuses staged files that differ from the ones validated here
        "staged_sha256": {name: sha256(staged_path(name).read_bytes()) for name in names},
        "checks": checks,
    }
    write_atomic(VALIDATION, json_bytes(summary))
    print(f"validate: {sum(map(len, rows.values()))} rows in {len(names)} tables pass {len(checks)} checks")


if __name__ == "__main__":
    run(main)
