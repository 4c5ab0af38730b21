"""The pipeline works offline, never runs data as code, keeps its paths inside the package,
and a run that is killed half-way is repaired by the next one."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import BIN, ROOT, dvc_repro, env, snapshot, stages_in_process

from pipelines.load import IntegrityError, load

OFFLINE = ROOT / "tests" / "offline"


def offline_env() -> dict[str, str]:
    return {**env(), "PYTHONPATH": f"{OFFLINE}{os.pathsep}{env().get('PYTHONPATH', '')}"}


def test_network_is_really_blocked_in_offline_runs(tmp_path: Path) -> None:
    code = "import urllib.request; urllib.request.urlopen('http://example.org', timeout=5)"
    result = subprocess.run([str(BIN / "python"), "-c", code], env=offline_env(), capture_output=True, text=True)
    assert result.returncode != 0 and "network access is blocked" in result.stderr


def test_the_whole_pipeline_runs_offline(built) -> None:
    """The session's `built` copy is rebuilt from nothing by `dvc repro` with the network blocked."""
    repo, result = built
    assert result["returncode"] == 0, result["stderr"]
    assert "network access is blocked" not in result["stdout"] + result["stderr"]
    assert all(
        f"Running stage '{stage}'" in result["stdout"] + result["stderr"]
        for stage in ("tidy", "double_entry", "validate", "crosscheck", "report", "publish")
    )
    assert snapshot(repo) == snapshot(ROOT)


def code_from_data(source: str) -> list[str]:
    """What in `source` could run data as code: eval/exec/compile/__import__, pickle and the
    like, and yaml.load with any loader but the safe one."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if isinstance(node.func, ast.Name) and name in {"eval", "exec", "compile", "__import__"}:  # re.compile is fine
                found.append(f"{name}()")
            if name == "load" and getattr(getattr(node.func, "value", None), "id", None) == "yaml":
                loader = next((k.value for k in node.keywords if k.arg == "Loader"), None)
                if getattr(loader, "id", None) != "SAFE_YAML_LOADER":
                    found.append("yaml.load without SAFE_YAML_LOADER (use yaml.safe_load)")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = {a.name for a in node.names} | {getattr(node, "module", None) or ""}
            found += [f"import {m}" for m in sorted({"pickle", "marshal", "shelve"} & modules)]
    return found


def test_no_data_is_evaluated_as_code() -> None:
    """No eval/exec/pickle/unsafe YAML in the pipeline: values in data files stay data."""
    from pipelines.lib import speed

    assert speed.SAFE_YAML_LOADER in (yaml.SafeLoader, yaml.CSafeLoader)
    for path in sorted((ROOT / "pipelines").rglob("*.py")):
        assert code_from_data(path.read_text(encoding="utf-8")) == [], path.name


def test_the_code_from_data_scan_finds_what_it_is_for() -> None:
    source = "import pickle\nimport yaml\nyaml.load(text)\nyaml.load(text, Loader=yaml.Loader)\neval(cell)\n"
    assert code_from_data(source) == [
        "import pickle",
        "yaml.load without SAFE_YAML_LOADER (use yaml.safe_load)",
        "yaml.load without SAFE_YAML_LOADER (use yaml.safe_load)",
        "eval()",
    ]


def test_loader_checks_the_hash(repo: Path) -> None:
    assert len(load("parties", repo)) == 15
    published = repo / "data/parties.csv"
    published.write_bytes(published.read_bytes().replace(b"Volt Netherlands", b"Volt NL!!!!!!!!"))
    with pytest.raises(IntegrityError, match=r"data/parties.csv: .* the file was changed or damaged"):
        load("parties", repo)


def test_loader_refuses_paths_outside_the_package(repo: Path) -> None:
    descriptor = repo / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    data["resources"][0]["path"] = "../outside.csv"
    descriptor.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="points outside the package"):
        load("sources", repo)


def test_publish_refuses_a_descriptor_path_outside_data(built_repo: Path) -> None:
    """A built copy: the report stage, which runs before publish, reuses its charts instead of drawing them."""
    repo = built_repo
    metadata = repo / "schemas/package.json"
    metadata.write_text(
        metadata.read_text(encoding="utf-8").replace('"path": "data/parties.csv"', '"path": "../parties.csv"'), encoding="utf-8"
    )
    before = snapshot(repo)
    result = stages_in_process(repo)
    assert result.returncode != 0 and "must have path data/parties.csv" in result.stderr
    assert snapshot(repo) == before and not (repo.parent / "parties.csv").exists()


def killing(pattern: str) -> dict[str, str]:
    """The environment of a run that tests/kill/sitecustomize.py kills right after an os.replace
    that `pattern` finds in "<source> -> <target>"."""
    return {
        **env(),
        "PYTHONPATH": f"{ROOT / 'tests' / 'kill'}{os.pathsep}{env().get('PYTHONPATH', '')}",
        "KILL_AFTER_REPLACE": pattern,
    }


def test_a_killed_run_is_repaired_by_the_next(built_repo: Path) -> None:
    """Kill a forced `dvc repro` of tidy after it has written its first staged table (half its
    output is new, half gone), then run again: nothing published changed, and the next run
    leaves everything up to date. Only that stage is forced (--single-item): the session's
    from-scratch build runs every stage already."""
    repo = built_repo
    before = snapshot(repo)
    staged = re.escape(f"{os.sep}build{os.sep}tidy{os.sep}")
    killed = subprocess.run(
        [str(BIN / "dvc"), "repro", "--force", "--single-item", "tidy"], cwd=repo, env=killing(staged), capture_output=True, text=True
    )
    assert killed.returncode != 0 and len(list((repo / "build/tidy").glob("*.csv"))) == 1, killed.stderr[-2000:]
    assert snapshot(repo) == before, "a killed run changed published files"
    result = dvc_repro(repo)
    assert result.returncode == 0, result.stderr
    assert snapshot(repo) == before
    status = subprocess.run([str(BIN / "dvc"), "status"], cwd=repo, env=env(), capture_output=True, text=True)
    assert "up to date" in status.stdout


def test_a_run_killed_while_publishing_is_repaired_by_the_next(built_repo: Path) -> None:
    """publish moves the new set in by renames; a process killed half way (no clean-up runs)
    leaves its journal, and the next `dvc repro` puts the old set back and publishes again.
    The kill comes from tests/kill/sitecustomize.py, after the first data file is moved aside: a
    published file is missing, as it is mid-way through every real change of the set. Only
    publish is forced, so the run is that stage alone (tests/test_publish_all_or_nothing.py
    kills replace_set at every one of its steps in-process)."""
    repo = built_repo
    before = snapshot(repo)
    aside = re.escape(f"{os.sep}data{os.sep}") + ".* -> .*" + re.escape(f"publishing{os.sep}old{os.sep}")
    crashed = subprocess.run(
        [str(BIN / "dvc"), "repro", "--force", "--single-item", "publish"], cwd=repo, env=killing(aside), capture_output=True, text=True
    )
    assert crashed.returncode != 0
    journal = repo / "build" / "publishing" / "journal"
    assert journal.is_file(), crashed.stdout[-2000:] + crashed.stderr[-2000:]
    moved_aside = [name for name in journal.read_text(encoding="utf-8").splitlines() if (repo / "build/publishing/old" / name).exists()]
    assert len(moved_aside) == 1 and moved_aside[0].startswith("data/") and not (repo / moved_aside[0]).exists()
    assert (repo / "datapackage.json").read_bytes() == before["datapackage.json"]  # the descriptor moves in last
    result = dvc_repro(repo)
    assert result.returncode == 0, result.stderr
    assert not (repo / "build" / "publishing").exists()
    assert snapshot(repo) == before
    status = subprocess.run([str(BIN / "dvc"), "status"], cwd=repo, env=env(), capture_output=True, text=True)
    assert "up to date" in status.stdout


def test_a_stage_outside_the_environment_says_what_to_do() -> None:
    """Without the project's packages (python -S: no site-packages), one line instead of a traceback."""
    result = subprocess.run([sys.executable, "-S", "-m", "pipelines.stages.tidy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "not installed for" in result.stderr and "run `make repro`, or activate the project's environment" in result.stderr
