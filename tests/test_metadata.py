"""Citation, changelog and descriptor agree; the sources table matches the text layers."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

SHARED = ROOT.parent / "shared" / "sources"


def versions(root: Path) -> dict[str, str]:
    """The version each metadata file states."""
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    return {
        "datapackage.json": json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"],
        "CITATION.cff": str(yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))["version"]),
        "CHANGELOG.md": re.search(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.M).group(1),  # type: ignore[union-attr]
    }


def test_versions_agree() -> None:
    assert len(set(versions(ROOT).values())) == 1, versions(ROOT)


def test_version_mismatch_is_detected(repo: Path) -> None:
    cff = repo / "CITATION.cff"
    cff.write_text(re.sub(r"^version: .*$", "version: 9.9.9", cff.read_text(encoding="utf-8"), flags=re.M))
    assert versions(repo)["CITATION.cff"] == "9.9.9"
    assert len(set(versions(repo).values())) == 2


def test_citation_is_a_dataset_citing_the_five_documents() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["type"] == "dataset"
    assert cff["title"] and cff["date-released"]
    with (ROOT / "data/sources.csv").open(encoding="utf-8") as handle:
        titles = {row["title"] for row in csv.DictReader(handle)}
    assert {reference["title"] for reference in cff["references"]} == titles


def test_changelog_has_data_and_development_sections() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    latest = text.split("\n## [")[1]
    assert "### Data" in latest and "### Development" in latest


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared text layers are not beside this clone")
def test_text_layer_hashes_match_the_files_and_the_catalogue() -> None:
    catalogue = (SHARED / "README.md").read_text(encoding="utf-8")
    with (ROOT / "data/sources.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text_layer = SHARED / row["text_layer_file"]
            assert hashlib.sha256(text_layer.read_bytes()).hexdigest() == row["text_layer_sha256"]
            assert f"| `{row['source_id']}` |" in catalogue
            assert row["text_layer_sha256"] in catalogue
