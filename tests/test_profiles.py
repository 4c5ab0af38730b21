"""The published descriptor and every Table Schema against the official Data Package v2 JSON
Schemas (committed in schemas/profiles/, see the README there), offline; categories and enum."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from conftest import ROOT
from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

PROFILES = ROOT / "schemas" / "profiles" / "2.0"
PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
TABLE_SCHEMAS = sorted((ROOT / "schemas").glob("*.schema.json"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# every profile by the URL a descriptor's `$schema` names; a `$ref` to one resolves here, offline
REGISTRY = Registry().with_resources(
    (url, Resource.from_contents(load(PROFILES / url.rsplit("/", 1)[1]))) for url in (PACKAGE_PROFILE, TABLE_SCHEMA_PROFILE)
)


def errors(descriptor: dict) -> list[ValidationError]:
    """What the profile named by the descriptor's own `$schema` says is wrong with it."""
    profile = REGISTRY.contents(descriptor["$schema"])
    return list(Draft7Validator(profile, registry=REGISTRY).iter_errors(descriptor))


def fields_with_enum(schema: dict) -> list[dict]:
    return [field for field in schema["fields"] if "enum" in field.get("constraints", {})]


def test_the_published_descriptor_is_a_v2_data_package() -> None:
    descriptor = load(ROOT / "datapackage.json")
    assert descriptor["$schema"] == PACKAGE_PROFILE
    assert errors(descriptor) == []


@pytest.mark.parametrize("path", TABLE_SCHEMAS, ids=lambda p: p.name)
def test_every_table_schema_is_a_v2_table_schema(path: Path) -> None:
    schema = load(path)
    assert schema["$schema"] == TABLE_SCHEMA_PROFILE
    assert errors(schema) == []


def test_the_profiles_catch_a_broken_descriptor() -> None:
    """The test can fail: a resource without a name, a field type misspelt."""
    descriptor = load(ROOT / "datapackage.json")
    del descriptor["resources"][0]["name"]
    found = errors(descriptor)
    assert [list(e.absolute_path) for e in found] == [["resources", 0]]
    # a resource is a path resource or an inline one; both need a name
    assert "'name' is a required property" in {sub.message for sub in found[0].context}

    schema = load(ROOT / "schemas" / "parties.schema.json")
    schema["fields"][2]["type"] = "integr"
    found = errors(schema)
    assert [list(e.absolute_path) for e in found] == [["fields", 2]]
    # the field matches none of the field types; the string branch says why
    assert "'integr' is not one of ['string']" in {sub.message for sub in found[0].context}


def test_categories_are_the_enum() -> None:
    """frictionless 5 checks enum, not categories; so categories must say exactly what enum says
    (pandera need not check them again)."""
    for path in TABLE_SCHEMAS:
        for field in fields_with_enum(load(path)):
            assert "categories" in field, f"{path.name}: {field['name']} has an enum: give it categories (labelled where documented)"
            values = [c["value"] if isinstance(c, dict) else c for c in field["categories"]]
            assert values == field["constraints"]["enum"], f"{path.name}: {field['name']}"
        assert all("categories" not in field for field in load(path)["fields"] if field not in fields_with_enum(load(path))), path.name


def test_category_labels_are_the_documented_meanings() -> None:
    """A few labels checked by hand against the schema descriptions and DATA-MODEL.md."""

    def labels(resource: str, name: str) -> dict:
        field = next(f for f in load(ROOT / "schemas" / f"{resource}.schema.json")["fields"] if f["name"] == name)
        return {c["value"]: c["label"] for c in field["categories"] if isinstance(c, dict)}

    assert labels("party_positions", "cell_status")["lost"] == "colour lost and the prose does not settle it"
    assert labels("party_positions", "table_id")["finances"] == "Tabel 5"
    assert labels("poll_results", "value_origin")["derived"] == "computed by the pipeline"
    assert labels("checks", "kind")["consistency"] == "a fact stated in several places"
    # values the project does not explain one by one get no label
    assert labels("spending_norms", "component") == {}
    assert labels("parties", "party_id") == {}


def test_a_broken_copy_of_categories_is_caught() -> None:
    schema = load(ROOT / "schemas" / "poll_waves.schema.json")
    broken = copy.deepcopy(schema)
    field = fields_with_enum(broken)[0]
    field["categories"] = [{"label": "the survey the report is about"}]  # a label without its value
    found = errors(broken)
    assert [list(e.absolute_path) for e in found] == [["fields", 2]], "a category without a value must not pass the profile"
