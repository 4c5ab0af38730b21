"""The descriptor is complete, frictionless accepts the package, and it rejects a broken one."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

from conftest import ROOT, run

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {resource["name"]: resource for resource in DESCRIPTOR["resources"]}


def frictionless_validate(repo: Path):
    return run(["frictionless", "validate", "--json", "datapackage.json"], repo)


def test_frictionless_cli_accepts_the_package() -> None:
    result = frictionless_validate(ROOT)
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["valid"] is True


def test_frictionless_cli_rejects_an_edited_file(repo: Path) -> None:
    published = repo / "data/parties.csv"
    published.write_bytes(published.read_bytes().replace(b"Socialist Party", b"Socialist Party!"))
    result = frictionless_validate(repo)
    assert result.returncode == 1
    types = {error["type"] for task in json.loads(result.stdout)["tasks"] for error in task["errors"]}
    assert {"hash-count", "byte-count"} <= types


def test_descriptor_has_the_package_fields() -> None:
    assert DESCRIPTOR["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    for field in ("name", "title", "description", "version", "created", "keywords", "contributors"):
        assert DESCRIPTOR[field], field
    assert re.fullmatch(r"\d+\.\d+\.\d+", DESCRIPTOR["version"])
    assert [licence["name"] for licence in DESCRIPTOR["licenses"]] == ["CC-BY-4.0"]
    assert len(DESCRIPTOR["sources"]) == 5
    aiv = next(source for source in DESCRIPTOR["sources"] if "AIV" in source["title"])
    assert "bronvermelding" in aiv["title"], "the AIV's attribution requirement is stated"


def test_every_resource_is_described_and_hashed() -> None:
    for name, resource in RESOURCES.items():
        content = (ROOT / resource["path"]).read_bytes()
        assert resource["bytes"] == len(content)
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", resource["hash"])
        assert resource["description"] and resource["schema"] == f"schemas/{name}.schema.json"


def test_every_field_has_an_english_description() -> None:
    for name, resource in RESOURCES.items():
        schema = json.loads((ROOT / resource["schema"]).read_text(encoding="utf-8"))
        assert schema["primaryKey"], name
        for field in schema["fields"]:
            assert field.get("description"), f"{name}.{field['name']}"
            assert field.get("title"), f"{name}.{field['name']}"


def test_dvc_publishes_exactly_the_resources() -> None:
    """dvc.yaml lists the published files by hand; it must not drift from the descriptor."""
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    outs = {next(iter(out)) if isinstance(out, dict) else out for out in stages["publish"]["outs"]}
    assert outs == {resource["path"] for resource in RESOURCES.values()} | {"datapackage.json", "reports"}


def test_dvc_does_not_phone_home() -> None:
    config = (ROOT / ".dvc/config").read_text(encoding="utf-8")
    assert re.search(r"analytics\s*=\s*false", config)
    assert re.search(r"check_update\s*=\s*false", config)


def stage_code_deps(stages: dict) -> dict[str, set[str]]:
    return {name: {d for d in stage["deps"] if d.startswith("pipelines/")} for name, stage in stages.items()}


def imported_modules(stage: str) -> set[str]:
    code = f"import importlib, sys; importlib.import_module('pipelines.{stage}'); print(' '.join(k for k in sys.modules if k.startswith('pipelines.')))"
    out = run([sys.executable, "-c", code], ROOT).stdout.split()
    return {f"pipelines/{name.split('.')[1]}.py" for name in out}


def test_dvc_reruns_a_stage_when_any_module_it_imports_changes() -> None:
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    assert stage_code_deps(stages) == {name: imported_modules(name) for name in stages}
