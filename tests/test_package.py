"""The descriptor is complete, frictionless accepts the package, and it rejects a broken one."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import yaml
from conftest import BIN, ROOT, run

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
    assert len(DESCRIPTOR["sources"]) == 6, "the five documents and Party Facts"
    aiv = next(source for source in DESCRIPTOR["sources"] if "AIV" in source["title"])
    assert "bronvermelding" in aiv["title"], "the AIV's attribution requirement is stated"
    party_facts = next(source for source in DESCRIPTOR["sources"] if "Party Facts" in source["title"])
    assert "764de8978f84ba41a1c88752d6a00b9a4d05f599" in party_facts["path"], "the commit the ids are from"
    assert "MIT" in party_facts["title"], "Party Facts' licence is stated"


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
    assert outs == {resource["path"] for resource in RESOURCES.values()} | {"datapackage.json", "reports", "metadata"}


def test_dvc_does_not_phone_home() -> None:
    config = (ROOT / ".dvc/config").read_text(encoding="utf-8")
    assert re.search(r"analytics\s*=\s*false", config)
    assert re.search(r"check_update\s*=\s*false", config)


def stage_code_deps(stages: dict) -> dict[str, set[str]]:
    """The code files each stage depends on in dvc.yaml, a folder standing for every .py file in it."""
    out = {}
    for name, stage in stages.items():
        files = set()
        for dep in (d for d in stage["deps"] if d.startswith("pipelines")):
            path = ROOT / dep
            files |= {p.relative_to(ROOT).as_posix() for p in path.rglob("*.py")} if path.is_dir() else {dep}
        out[name] = files
    return out


def module_file(module: str) -> Path | None:
    """The file of a pipelines module (a package's __init__.py), or None if it is no module."""
    path = ROOT.joinpath(*module.split("."))
    for candidate in (path / "__init__.py", path.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def with_packages(module: str) -> set[str]:
    """A module and the packages Python imports before it (pipelines, pipelines.lib, ...)."""
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def pipeline_imports(module: str) -> set[str]:
    """The pipelines modules `module` imports anywhere in its code (also inside a function,
    where a stage imports a heavy module only when it needs it)."""
    path = module_file(module)
    assert path is not None, module
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("pipelines")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipelines"):
            found.add(node.module)
            # `from pipelines.sources import aiv`: a submodule, where there is one
            found |= {f"{node.module}.{a.name}" for a in node.names if module_file(f"{node.module}.{a.name}")}
    return {package for name in found for package in with_packages(name)}


def imported_modules(stage: str) -> set[str]:
    """The stage's module and every pipelines module it imports, directly or through another."""
    seen: set[str] = set()
    todo = [*with_packages(f"pipelines.stages.{stage}")]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += pipeline_imports(module)
    files = [module_file(name) for name in seen]
    return {file.relative_to(ROOT).as_posix() for file in files if file is not None}


def test_dvc_reruns_a_stage_when_any_module_it_imports_changes() -> None:
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    assert stage_code_deps(stages) == {name: imported_modules(name) for name in stages}


def test_every_row_names_the_raw_line_it_was_transcribed_from() -> None:
    """raw_file, raw_line and raw_column point at the value as typed: a table cell's printed text
    stands in that column of that line."""
    import csv as _csv

    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    checked = 0
    for resource in descriptor["resources"]:
        if resource["name"] in ("checks", "agreement"):  # made by the pipeline from its own comparisons, not typed
            continue
        with (ROOT / resource["path"]).open(encoding="utf-8") as handle:
            for row in _csv.DictReader(handle):
                raw = ROOT / row["raw_file"]
                lines = raw.read_text(encoding="utf-8").split("\n")
                assert raw.is_file() and 2 <= int(row["raw_line"]) <= len(lines), (resource["name"], row["raw_file"], row["raw_line"])
                if row["raw_column"] and row.get("printed"):
                    header = next(_csv.reader([lines[0]]))
                    cells = dict(zip(header, next(_csv.reader([lines[int(row["raw_line"]) - 1]]))))
                    assert cells[row["raw_column"]] == row["printed"], (resource["name"], row["raw_file"], row["raw_line"])
                    checked += 1
    assert checked > 600  # the table cells of the poll and the matrices


def test_a_number_in_a_description_that_no_quote_states_is_caught(repo: Path) -> None:
    from conftest import edit, fails_cleanly

    raw = repo / "data/raw/iob-2025-samen-sterker/financial_figures.csv"
    edit(
        raw, "Proposed EDIP budget from the EU budget for 2025-2027", "Proposed EDIP budget of 1.8 billion from the EU budget for 2025-2027"
    )
    fails_cleanly(
        repo,
        [
            "data/raw/iob-2025-samen-sterker/financial_figures.csv, line 2, field 'description_en': "
            "fails rule 'every number in description_en is in the row's quotes or values'"
        ],
    )


WORKING_WORDS = re.compile(r"\b(HESITATION|CONTRADICTION|INCONSISTENT|AMBIGUITY|TODO|FIXME|XXX)\b")


def working_words(root: Path) -> list[str]:
    """Published text that carries a transcriber's working labels instead of words for readers."""
    import csv as _csv

    found = []
    for path in sorted((root / "data").glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            for number, row in enumerate(_csv.DictReader(handle), start=2):
                found += [f"{path.name}, line {number}, {k}" for k, v in row.items() if v and WORKING_WORDS.search(v)]
    return found


def test_published_text_is_written_for_readers() -> None:
    assert working_words(ROOT) == []


def test_a_working_label_in_a_note_is_caught(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.csv").write_text("id,note\na,HESITATION: read as against\n", encoding="utf-8")
    assert working_words(tmp_path) == ["x.csv, line 2, note"]


def test_a_deferred_module_is_loaded_on_first_use_and_then_is_the_real_one() -> None:
    import sys

    from pipelines.lib.speed import defer_import

    assert "wave" not in sys.modules, "pick a module nothing else in the tests imports"
    defer_import("wave")
    try:
        assert type(sys.modules["wave"]).__name__ == "_Deferred" and "open" not in vars(sys.modules["wave"])
        import wave

        assert callable(wave.open)  # the first use loads it
        assert sys.modules["wave"] is not wave and sys.modules["wave"].open is wave.open
        assert type(sys.modules["wave"]).__name__ == "module"
    finally:
        sys.modules.pop("wave", None)


def test_a_stage_process_collects_garbage_in_its_work_with_what_its_imports_made_frozen() -> None:
    """pipelines/__init__.py turns the collector off while a stage process imports its libraries;
    pipelines.stages.run() must turn it back on (frozen imports) before the work, and a program that only
    imports pipelines (the tests, scripts) must keep it on."""
    stage = (
        "import gc, sys; sys.argv = ['-m']; import pipelines.stages as stages; off = not gc.isenabled(); "
        "stage = lambda: print(off, gc.isenabled(), gc.get_freeze_count() > 0, flush=True); "
        "stage.__module__ = '__main__'; stages.run(stage)"
    )
    result = run([str(BIN / "python"), "-c", stage], ROOT)
    assert (result.returncode, result.stdout.split()) == (0, ["True", "True", "True"]), result.stderr
    imported = run([str(BIN / "python"), "-c", "import gc, pipelines.stages; print(gc.isenabled())"], ROOT)
    assert imported.stdout.split() == ["True"], imported.stderr


def test_crosscheck_runs_great_expectations_without_loading_scipy_stats_or_altair(built) -> None:
    """The deferral in pipelines/stages/crosscheck.py saves about 1 s a run only while nothing the stage
    runs uses them (make bench measures the time). Read from the crosscheck process of the
    session's from-scratch `dvc repro --force` (tests/offline/sitecustomize.py records it)."""
    repo, _ = built
    outcome = json.loads((repo.parent / "deferred.json").read_text(encoding="utf-8"))
    checks = (repo / "build" / "checks.csv").read_text(encoding="utf-8")
    assert re.search(r"^claim-[^,]*,.*known_discrepancy", checks, re.M)  # the registered discrepancies fail: the suites ran
    assert outcome == {"loaded": [], "stand_ins": {"scipy.stats": "_Deferred", "altair": "_Deferred"}}, outcome
