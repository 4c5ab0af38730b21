"""The pipeline works offline, never runs data as code, keeps its paths inside the package,
and a run that is killed half-way is repaired by the next one."""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import BIN, ROOT, dvc_repro, edit, env, snapshot, stages_in_process

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


def test_a_killed_run_is_repaired_by_the_next(built_repo: Path) -> None:
    """Kill a forced `dvc repro` in the middle of the great-expectations stage, then run again.
    Only that stage is forced (--single-item): rerunning the stages before it would change
    nothing here, and the session's from-scratch build runs them already."""
    repo = built_repo
    before = snapshot(repo)
    run = subprocess.Popen(
        [str(BIN / "dvc"), "repro", "--force", "--single-item", "crosscheck"],
        cwd=repo,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert run.stdout is not None  # stdout=PIPE
    for output in run.stdout:
        if "Running stage 'crosscheck'" in output:
            time.sleep(1.5)  # inside the stage: great-expectations takes seconds to import
            break
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    assert snapshot(repo) == before, "a killed run changed published files"
    result = dvc_repro(repo)
    assert result.returncode == 0, result.stderr
    assert snapshot(repo) == before
    status = subprocess.run([str(BIN / "dvc"), "status"], cwd=repo, env=env(), capture_output=True, text=True)
    assert "up to date" in status.stdout


def test_a_run_killed_while_publishing_is_repaired_by_the_next(built_repo: Path) -> None:
    """publish moves the new set in by renames; a process killed half way (no clean-up runs)
    leaves its journal, and the next `dvc repro` puts the old set back and publishes the new one."""
    repo = built_repo
    files = repo / "pipelines/lib/files.py"
    original = files.read_text(encoding="utf-8")
    moved_in = (
        "            if name in files:\n"
        "                current.parent.mkdir(parents=True, exist_ok=True)\n"
        "                os.replace(new / name, current)\n"
    )
    kill = "            if name.startswith('data/') and name.endswith('s.csv'):\n                os._exit(9)  # the kill under test\n"
    crashing = original.replace(moved_in, moved_in + kill, 1)
    assert crashing != original
    files.write_text(crashing, encoding="utf-8")
    # a new description to publish, so that the next run must publish again (as after a real kill)
    figures = repo / "data/raw/iob-2025-samen-sterker/financial_figures.csv"
    edit(figures, "Proposed EDIP budget from the EU budget for 2025-2027", "Proposed EDIP budget from the EU budget in 2025-2027")
    before = (repo / "datapackage.json").read_bytes()
    crashed = dvc_repro(repo)
    assert crashed.returncode != 0
    assert (repo / "build" / "publishing" / "journal").is_file(), crashed.stdout[-2000:] + crashed.stderr[-2000:]
    assert (repo / "datapackage.json").read_bytes() == before  # the descriptor moves in last
    subprocess.run(["git", "checkout", "--", "pipelines/lib/files.py"], cwd=repo, check=True)
    result = dvc_repro(repo)
    assert result.returncode == 0, result.stderr
    assert not (repo / "build" / "publishing").exists()
    assert "Proposed EDIP budget from the EU budget in 2025-2027" in (repo / "data/financial_figures.csv").read_text(encoding="utf-8")
    assert json.loads((repo / "datapackage.json").read_text())["resources"][0]["bytes"] == len((repo / "data/sources.csv").read_bytes())
    validate = subprocess.run(
        [str(BIN / "frictionless"), "validate", "datapackage.json"], cwd=repo, env=env(), capture_output=True, text=True
    )
    assert validate.returncode == 0, validate.stdout


def test_a_stage_outside_the_environment_says_what_to_do() -> None:
    """Without the project's packages (python -S: no site-packages), one line instead of a traceback."""
    result = subprocess.run([sys.executable, "-S", "-m", "pipelines.stages.tidy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "not installed for" in result.stderr and "run `make repro`, or activate the project's environment" in result.stderr
