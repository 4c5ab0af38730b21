"""CONTRIBUTING.md, "Add a document", walked step by step with an invented document.

tests/fixtures/fixture-test-document/ holds a tiny invented text layer and everything the steps
add for it (its README says what goes where). Nothing of it is published: each test copies it
into a throw-away copy of the repository (the `repo` fixture), applies the steps there and runs
the stages there, as `dvc repro` runs them (tests/stage_server.py).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from conftest import ROOT, edit, fails_cleanly, snapshot, stages_in_process

sys.path.insert(0, str(ROOT / "scripts"))
import verify_sources  # noqa: E402

SOURCE_ID = "fixture-test-document"
MODULE = "fixture_test_document"
FIXTURE = ROOT / "tests" / "fixtures" / SOURCE_ID
TEXT_LAYER = FIXTURE / f"{SOURCE_ID}.txt"
RAW = f"data/raw/{SOURCE_ID}"
STEPS = ("raw folder", "module", "registry", "sources row", "schema enum")


def add_document(repo: Path, skip: str = "") -> None:
    """The steps of CONTRIBUTING.md, "Add a document", for the fixture, in the copy `repo`
    (all of them, or all but `skip`)."""
    assert skip in ("", *STEPS)
    if skip != "raw folder":
        shutil.copytree(FIXTURE / "raw", repo / RAW)
    if skip != "module":
        shutil.copy(FIXTURE / f"{MODULE}.py", repo / "pipelines" / "sources" / f"{MODULE}.py")
    if skip != "registry":
        registry = repo / "pipelines" / "sources" / "registry.py"
        text = registry.read_text(encoding="utf-8")
        imports = re.search(r"^from pipelines\.sources import .*\n", text, re.M)
        documents = re.search(r"^DOCUMENTS: tuple\[Document, \.\.\.\] = \(\n(?:    .*\n)*\)", text, re.M)
        assert imports and documents, "pipelines/sources/registry.py no longer has the layout CONTRIBUTING.md describes"
        edit(registry, imports.group(0), f"{imports.group(0)}from pipelines.sources import {MODULE}\n")
        edit(registry, documents.group(0), documents.group(0)[:-1] + f"    {MODULE}.DOCUMENT,\n)")
    if skip != "sources row":
        header, row = (FIXTURE / "sources.csv").read_text(encoding="utf-8").splitlines()
        sources = repo / "data" / "raw" / "reference" / "sources.csv"
        text = sources.read_text(encoding="utf-8")
        assert text.splitlines()[0] == header and text.endswith("\n")
        sources.write_text(text + row + "\n", encoding="utf-8")
        # and its blind second entry (the fixture's: tests/fixtures/.../sources.second_entry.csv)
        second = repo / "data" / "raw" / "reference" / "second_entry" / "sources.csv"
        theirs = (FIXTURE / "sources.second_entry.csv").read_text(encoding="utf-8").splitlines()
        assert second.read_text(encoding="utf-8").splitlines()[0] == theirs[0]
        second.write_text(second.read_text(encoding="utf-8") + theirs[1] + "\n", encoding="utf-8")
    if skip != "schema enum":
        path = repo / "schemas" / "sources.schema.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        field = next(f for f in schema["fields"] if f["name"] == "source_id")
        field["constraints"]["enum"].append(SOURCE_ID)
        field["categories"].append(SOURCE_ID)
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def rows(path: Path, source_id: str = SOURCE_ID) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["source_id"] == source_id]


def test_the_fixture_is_not_in_the_package() -> None:
    assert not (ROOT / RAW).exists()
    assert not (ROOT / "pipelines" / "sources" / f"{MODULE}.py").exists()
    assert rows(ROOT / "data" / "raw" / "reference" / "sources.csv") == []
    for path in [*(ROOT / "data").glob("*.csv"), ROOT / "datapackage.json", *(ROOT / "schemas").glob("*.json")]:
        assert SOURCE_ID not in path.read_text(encoding="utf-8"), path


def test_a_document_added_as_contributing_says_is_checked_double_entered_and_published(built_repo: Path) -> None:
    # a built copy: its report reuses the charts (no chart reads the tables the fixture adds to)
    repo = built_repo
    package = snapshot(ROOT)
    add_document(repo)
    result = stages_in_process(repo)
    assert result.returncode == 0, result.stderr
    # staged with its provenance: the raw file and line each row was typed on
    staged = rows(repo / "build" / "tidy" / "financial_figures.csv")
    assert [(r["figure_id"], r["amount"], r["scale"], r["raw_file"], r["raw_line"]) for r in staged] == [
        ("fixture-test-vehicles", "4.2", "million", f"{RAW}/financial_figures.csv", "2"),
        ("fixture-test-maintenance", "300000", "unit", f"{RAW}/financial_figures.csv", "3"),
    ]
    (source,) = rows(repo / "build" / "tidy" / "sources.csv")
    assert source["text_layer_sha256"] == hashlib.sha256(TEXT_LAYER.read_bytes()).hexdigest()
    assert (source["raw_file"], source["raw_line"]) == ("data/raw/reference/sources.csv", "7")
    # every figure of its second entry is found (the left-out one in left_out.csv), every value
    # field agrees with its field-level second entry (13 cells; the register is empty), and the checks passed
    checks = {r["check_id"]: r for r in rows(repo / "build" / "checks.csv")}
    assert {check_id: (r["kind"], r["status"], r["observed"]) for check_id, r in checks.items()} == {
        f"double-entry-fields-discrepancies-{SOURCE_ID}": ("double_entry", "pass", "0 equal"),
        f"double-entry-fields-financial-figures-{SOURCE_ID}": ("double_entry", "pass", "13 equal"),
        f"double-entry-second-transcription-a-{SOURCE_ID}": ("double_entry", "pass", "3 equal"),
    }
    # published in the copy, every quote verbatim in its text layer (make verify-sources)
    assert [r["figure_id"] for r in rows(repo / "data" / "financial_figures.csv")] == ["fixture-test-vehicles", "fixture-test-maintenance"]
    counts, problems = verify_sources.verify(repo, FIXTURE)  # FIXTURE holds this one text layer only
    with (repo / "data" / "sources.csv").open(encoding="utf-8", newline="") as handle:
        others = [r for r in csv.DictReader(handle) if r["source_id"] != SOURCE_ID]
    assert sorted(problems) == sorted(f"{r['source_id']}: text layer {FIXTURE / r['text_layer_file']} is missing" for r in others)
    assert counts[SOURCE_ID]["text layer sha256"] == 1 and counts[SOURCE_ID]["quotes"] > 0
    # and the package itself is untouched
    assert snapshot(ROOT) == package


def second_entry_differs(folder: Path) -> None:
    """The second entry read another number than the first entry typed."""
    edit(folder / "second_transcription_a.csv", "ruim 300.000 euro,300000", "ruim 350.000 euro,350000")


def first_entry_lacks_a_figure(folder: Path) -> None:
    """The first entry left out a figure that the second entry found."""
    path = folder / "financial_figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("fixture-test-maintenance,")), encoding="utf-8")


PROSE_CHECK = (
    "  {raw}/second_transcription_a.csv, line 4, field 'printed': {printed!r} "
    "('Voor het onderhoud daarvan is ruim 300.000 euro nodig.') is in no staged row of "
    "{source} and not in {raw}/left_out.csv\n"
)


@pytest.mark.parametrize(
    "break_entry, expected",
    [
        (
            second_entry_differs,
            [
                "1 problem(s) in the input; nothing was published:\n"
                + PROSE_CHECK.format(raw=RAW, printed="ruim 350.000 euro", source=SOURCE_ID)
            ],
        ),
        (
            first_entry_lacks_a_figure,
            [
                "2 problem(s) in the input; nothing was published:\n",
                # the field-level second entry names the row, the prose extraction the figure
                f"  {RAW}/second_entry/financial_figures.csv, line 3: the row 'fixture-test-maintenance' is in the second entry only "
                f"(not in {RAW}/financial_figures.csv)\n",
                PROSE_CHECK.format(raw=RAW, printed="ruim 300.000 euro", source=SOURCE_ID),
            ],
        ),
    ],
    ids=["second entry differs", "first entry lacks a figure"],
)
def test_a_disagreeing_second_entry_stops_the_pipeline_naming_file_line_and_field(repo: Path, break_entry, expected: list[str]) -> None:
    add_document(repo)
    break_entry(repo / RAW)
    fails_cleanly(repo, expected)


@pytest.mark.parametrize(
    "skip, message",
    [
        (
            "registry",
            f"  {RAW}/: no document in pipelines/sources/registry.py reads this folder; "
            'add its module\'s DOCUMENT to DOCUMENTS there (CONTRIBUTING.md, "Add a document")\n',
        ),
        (
            "sources row",
            f"  {RAW}/financial_figures.csv, line 2, field 'source_id': ['{SOURCE_ID}'] is not a known source_id in 'sources'\n",
        ),
        (
            "schema enum",
            f"  data/raw/reference/sources.csv, line 7, field 'source_id': '{SOURCE_ID}' violates constraint \"enum\" is ",
        ),
    ],
    ids=["registry", "sources row", "schema enum"],
)
def test_a_step_left_out_stops_the_pipeline_saying_which(repo: Path, skip: str, message: str) -> None:
    add_document(repo, skip=skip)
    fails_cleanly(repo, [message])
