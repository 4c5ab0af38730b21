"""Stage `publish`: copy the validated staged tables to data/ and write datapackage.json,
with the harvestable metadata made from it (metadata/, see pipelines/harvest.py).

Runs only after `validate` passed. The published set (data/, datapackage.json, reports/,
metadata/) changes as one (lib/files.replace_set): every file is built in memory and written in
full under build/publishing/ first, then moved in by renames; a failure, a full disk or a kill
leaves the old set, complete, and no temporary file beside it.
"""

from __future__ import annotations

import csv
import json

from pipelines.harvest import ADDRESS_KEY, address, harvest_files
from pipelines.lib.files import csv_bytes, json_bytes, replace_set, sha256
from pipelines.lib.package import (
    CHECK_RESOURCES,
    DESCRIPTOR,
    REPORT,
    ROOT,
    VALIDATION,
    field_names,
    load_json,
    package_metadata,
    staged_header,
    staged_path,
)
from pipelines.lib.raw import InputError
from pipelines.stages import run

# where the new set is written in full before it replaces the old (same file system as data/)
PUBLISHING = ROOT / "build" / "publishing"


def published_table(name: str) -> bytes:
    if name in CHECK_RESOURCES:  # made by crosscheck in the published layout
        return staged_path(name).read_bytes()
    with staged_path(name).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = field_names(name)
        if reader.fieldnames != staged_header(name):
            raise InputError([f"build/tidy/{name}.csv: columns differ from schemas/{name}.schema.json"])
        return csv_bytes(columns, ([row[c] for c in columns] for row in reader))


def report_files() -> dict[str, bytes]:
    """The validation report and charts made by the `report` stage, by their published path."""
    listed = json.loads((REPORT / "manifest.json").read_text(encoding="utf-8"))
    return {f"reports/{name}": (REPORT / name).read_bytes() for name in listed}


def release_date() -> str:
    """This version's release date, as CITATION.cff gives it (its date-released line)."""
    for line in (ROOT / "CITATION.cff").read_text(encoding="utf-8").splitlines():
        if line.startswith("date-released:"):
            return line.split(":", 1)[1].strip().strip('"')
    raise InputError(["CITATION.cff: no date-released line"])


def main() -> None:
    metadata = package_metadata()
    validated = load_json(VALIDATION)["staged_sha256"] if VALIDATION.is_file() else {}
    files: dict[str, bytes] = {}
    resources = []
    for resource in metadata["resources"]:
        name = resource["name"]
        # the descriptor names where files are written: never outside data/ and schemas/
        if resource["path"] != f"data/{name}.csv" or resource["schema"] != f"schemas/{name}.schema.json":
            raise InputError(
                [f"schemas/package.json: resource {name!r} must have path data/{name}.csv and schema schemas/{name}.schema.json"]
            )
        if name not in CHECK_RESOURCES and validated.get(name) != sha256(staged_path(name).read_bytes()):
            raise InputError([f"build/tidy/{name}.csv: not validated; run `dvc repro`"])
        content = published_table(name)
        files[resource["path"]] = content
        resources.append(
            {
                **resource,
                "type": "table",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(content),
                "hash": f"sha256:{sha256(content)}",
            }
        )
    # homepage and id only once the package has an address: an empty one is invalid
    base = address(metadata)
    package = {key: value for key, value in metadata.items() if key != ADDRESS_KEY}
    descriptor = {**package, **({"id": base, "homepage": base} if base else {}), "resources": resources}
    files.update(report_files())
    files.update(harvest_files(descriptor, base, files["data/sources.csv"], release_date()))
    files[DESCRIPTOR.relative_to(ROOT).as_posix()] = json_bytes(descriptor)
    # charts that the report no longer makes must not linger next to the new ones
    stale = [
        path.relative_to(ROOT).as_posix()
        for path in sorted([*(ROOT / "reports").rglob("*"), *(ROOT / "metadata").rglob("*")])
        if path.is_file() and path.relative_to(ROOT).as_posix() not in files
    ]
    replace_set(ROOT, files, stale, PUBLISHING)
    print(f"publish: {len(files) - 1} files and datapackage.json" + ("" if base else f" (no {ADDRESS_KEY}: no download URLs)"))


if __name__ == "__main__":
    run(main)
