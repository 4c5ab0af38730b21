"""The package's layout: where raw input, staged tables, checks and published files live, and
what the schemas say about each resource."""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.lib.files import read_rows

ROOT = Path(__file__).resolve().parent.parent.parent
RAW = ROOT / "data" / "raw"
SCHEMAS = ROOT / "schemas"
PACKAGE_METADATA = SCHEMAS / "package.json"
STAGING = ROOT / "build" / "tidy"
VALIDATION = ROOT / "build" / "validation.json"
DOUBLE_ENTRY = ROOT / "build" / "double_entry.json"
CHECKS = ROOT / "build" / "checks.csv"
AGREEMENT = ROOT / "build" / "agreement.csv"
REPORT = ROOT / "build" / "report"
DESCRIPTOR = ROOT / "datapackage.json"

# Staged tables carry these columns so that any later check can name the raw cell a row
# came from; `publish` keeps those that a resource's schema lists.
PROVENANCE = ("raw_file", "raw_line", "raw_column")

# Resources that later stages make from the checks themselves, not from raw files: the checks
# (crosscheck) and the agreement of the two entries (double_entry).
CHECK_RESOURCES = {"checks": CHECKS, "agreement": AGREEMENT}


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def package_metadata() -> dict:
    """The hand-written part of the descriptor: package fields and the list of resources."""
    return load_json(PACKAGE_METADATA)


def resource_names() -> list[str]:
    return [resource["name"] for resource in package_metadata()["resources"]]


def data_resource_names() -> list[str]:
    """Resources built from the raw transcriptions by `tidy`."""
    return [name for name in resource_names() if name not in CHECK_RESOURCES]


def table_schema(name: str) -> dict:
    return load_json(SCHEMAS / f"{name}.schema.json")


def field_names(name: str) -> list[str]:
    return [field["name"] for field in table_schema(name)["fields"]]


def transcribed_fields(name: str) -> list[str]:
    """A resource's fields less the provenance the pipeline adds (raw_file, raw_line, raw_column)."""
    return [field for field in field_names(name) if field not in PROVENANCE]


def raw_columns(name: str) -> list[str]:
    """Columns a raw file of this resource has: the published ones, less the source_id that
    the folder it lives in already says."""
    return [field for field in transcribed_fields(name) if field != "source_id"]


def staged_header(name: str) -> list[str]:
    """A staged table's columns: the published ones, then the provenance ones it does not publish."""
    fields = field_names(name)
    return [*fields, *(column for column in PROVENANCE if column not in fields)]


def staged_path(name: str) -> Path:
    return CHECK_RESOURCES.get(name, STAGING / f"{name}.csv")


def party_ids() -> list[str]:
    """The party ids of the data model: the parties schema's enum."""
    party_id = next(field for field in table_schema("parties")["fields"] if field["name"] == "party_id")
    return list(party_id["constraints"]["enum"])


def rel(path: Path) -> str:
    """A path as users see it in messages: relative to the repository, with forward slashes."""
    if path.is_absolute() and ".." not in path.parts and path.is_relative_to(ROOT):
        return path.relative_to(ROOT).as_posix()  # the stages' own paths: no need to ask the file system
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def read_staged(name: str) -> list[dict[str, str]]:
    """A staged table as string cells, provenance columns included."""
    return read_rows(staged_path(name))
