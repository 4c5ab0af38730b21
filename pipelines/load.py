"""Load a published resource as a pandas DataFrame, refusing a file that is not the one the
descriptor describes.

    from pipelines.load import load
    results = load("poll_results")          # the package this module belongs to
    results = load("poll_results", "path/to/an/unzipped/release")

`make repro` and `make test` put the project on .venv's path, so this works from any folder.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path, PurePosixPath

import pandas as pd

DTYPES = {"integer": "Int64", "number": "Float64", "string": "str"}


class IntegrityError(ValueError):
    """A resource file differs from the size or SHA-256 in datapackage.json."""


def safe_path(root: Path, relative: str) -> Path:
    """A descriptor path inside the package; absolute paths and '..' are refused."""
    parts = PurePosixPath(relative)
    if parts.is_absolute() or ".." in parts.parts or "\\" in relative or ":" in relative:
        raise ValueError(f"datapackage.json: path {relative!r} points outside the package")
    return root / parts


# the package this module is part of (a checkout or an unzipped release)
HERE = Path(__file__).resolve().parent.parent


def load(name: str, root: str | Path = HERE) -> pd.DataFrame:
    root = Path(root)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"]}
    if name not in resources:
        raise KeyError(f"no resource {name!r}; the package has {sorted(resources)}")
    resource = resources[name]
    path = safe_path(root, resource["path"])
    content = path.read_bytes()
    digest = "sha256:" + hashlib.sha256(content).hexdigest()
    if len(content) != resource["bytes"] or digest != resource["hash"]:
        raise IntegrityError(
            f"{resource['path']}: {len(content)} bytes with {digest}, but datapackage.json says "
            f"{resource['bytes']} bytes with {resource['hash']}; the file was changed or damaged"
        )
    fields = json.loads(safe_path(root, resource["schema"]).read_text(encoding="utf-8"))["fields"]
    frame = pd.read_csv(
        io.BytesIO(content), dtype={f["name"]: DTYPES.get(f["type"], "str") for f in fields}, keep_default_na=False, na_values=[""]
    )
    for field in fields:
        if field["type"] == "boolean":
            frame[field["name"]] = frame[field["name"]].map({"true": True, "false": False}).astype("boolean")
        elif field["type"] == "date":
            frame[field["name"]] = pd.to_datetime(frame[field["name"]], format="%Y-%m-%d")
    return frame
