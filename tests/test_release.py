"""make release: versions agree, the archive is reproducible, and only a clean tree releases."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import BIN, ROOT, run

TOOLS = ROOT / ".venv-tools" / "bin" / "cffconvert"


def committed_copy(tmp_path: Path) -> Path:
    """A clone-like copy with everything committed and the pipeline's build/ in place."""
    from conftest import copy_repo

    repo = copy_repo(ROOT, tmp_path / "repo")
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "release test"], cwd=repo, check=True)
    assert run(["dvc", "repro"], repo).returncode == 0
    return repo


@pytest.mark.skipif(not TOOLS.is_file(), reason="make test creates .venv-tools with cffconvert")
def test_citation_validates_with_cffconvert() -> None:
    result = subprocess.run([str(TOOLS), "--validate", "-i", "CITATION.cff"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zenodo_metadata_is_generated_from_the_citation() -> None:
    result = run([str(BIN / "python"), "-c", "import sys; sys.path.insert(0, 'scripts'); import release; print(release.zenodo_bytes().decode())"], ROOT)
    assert result.stdout.rstrip("\n") == (ROOT / ".zenodo.json").read_text(encoding="utf-8").rstrip("\n")
    assert json.loads(result.stdout)["version"] == json.loads((ROOT / "datapackage.json").read_text())["version"]


def test_release_is_reproducible_and_complete(tmp_path: Path) -> None:
    repo = committed_copy(tmp_path)
    first = run([str(BIN / "python"), "scripts/release.py"], repo)
    assert first.returncode == 0, first.stderr
    version = json.loads((repo / "datapackage.json").read_text())["version"]
    archive = repo / "dist" / f"nl-defence-opinion-2025-{version}.zip"
    content = archive.read_bytes()
    assert run([str(BIN / "python"), "scripts/release.py"], repo).returncode == 0
    assert archive.read_bytes() == content, "two builds from the same commit differ"
    assert (repo / "dist/SHA256SUMS").read_text() == f"{hashlib.sha256(content).hexdigest()}  {archive.name}\n"
    names = set(zipfile.ZipFile(archive).namelist())
    prefix = f"nl-defence-opinion-2025-{version}/"
    for required in ("datapackage.json", "data/poll_results.csv", "schemas/checks.schema.json", "README.md", "LICENSE",
                     "CITATION.cff", "CHANGELOG.md", ".zenodo.json", "reports/validation.md"):
        assert prefix + required in names


def test_release_refuses_a_dirty_tree(tmp_path: Path) -> None:
    repo = committed_copy(tmp_path)
    (repo / "README.md").write_text((repo / "README.md").read_text() + "\nedited\n")
    result = run([str(BIN / "python"), "scripts/release.py"], repo)
    assert result.returncode == 1 and "uncommitted changes" in result.stderr and not (repo / "dist").exists()


def test_release_refuses_mismatched_versions(tmp_path: Path) -> None:
    repo = committed_copy(tmp_path)
    cff = repo / "CITATION.cff"
    cff.write_text(re.sub(r"^version: ", "version: 9", cff.read_text(), count=1, flags=re.M))
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "bump"], cwd=repo, check=True)
    result = run([str(BIN / "python"), "scripts/release.py"], repo)
    assert result.returncode == 1 and "versions differ" in result.stderr
