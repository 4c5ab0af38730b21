"""make release: versions agree, the archive is reproducible, and only a clean tree releases."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import BIN, ROOT, clone_tree, run

TOOLS = ROOT / ".venv-tools" / "bin" / "cffconvert"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True, capture_output=True)


def committed_copy(tmp_path: Path) -> Path:
    """A fresh clone of the working tree as committed: no build/, as after `git clone`.

    The registry's history checks need the real commits, so this is a clone of the repository
    with the working tree's changes committed on top."""
    from conftest import tracked_files

    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", "--shared", str(ROOT), str(repo)], check=True)
    for name in tracked_files(ROOT):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_bytes((ROOT / name).read_bytes())
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "release test", "--allow-empty")
    return repo


@pytest.mark.skipif(not TOOLS.is_file(), reason="make test creates .venv-tools with cffconvert")
def test_citation_validates_with_cffconvert() -> None:
    result = subprocess.run([str(TOOLS), "--validate", "-i", "CITATION.cff"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zenodo_metadata_is_generated_from_the_citation() -> None:
    result = run(
        [str(BIN / "python"), "-c", "import sys; sys.path.insert(0, 'scripts'); import release; print(release.zenodo_bytes().decode())"],
        ROOT,
    )
    assert result.stdout.rstrip("\n") == (ROOT / ".zenodo.json").read_text(encoding="utf-8").rstrip("\n")
    assert json.loads(result.stdout)["version"] == json.loads((ROOT / "datapackage.json").read_text())["version"]


def test_bibtex_is_generated_from_the_citation_with_key_version_and_a_whole_collective_author() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import release  # noqa: PLC0415

    text = (ROOT / "CITATION.bib").read_text(encoding="utf-8")
    assert text == release.bibtex(), "CITATION.bib is stale: run python scripts/release.py zenodo"
    version = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert text.startswith("@misc{nl_defence_opinion_2025_v" + version.replace(".", "_") + ",\n")
    assert "  version = {" + version + "},\n" in text
    # double braces: BibTeX keeps a collective author whole instead of splitting it into names
    assert "  author = {{nl-defence-opinion-2025 contributors}},\n" in text
    assert "```bibtex\n" + text + "```" in (ROOT / "README.md").read_text(encoding="utf-8"), "the README's BibTeX is not CITATION.bib"


def test_a_stale_bibtex_is_refused_before_a_release(tmp_path: Path, monkeypatch) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import release  # noqa: PLC0415

    root = tmp_path / "tree"  # what check() reads before it runs anything
    root.mkdir()
    for name in ("datapackage.json", "CITATION.cff", "CHANGELOG.md", ".zenodo.json"):
        shutil.copy2(ROOT / name, root / name)
    (root / "CITATION.bib").write_text(release.bibtex().replace("version = {", "version = {9", 1), encoding="utf-8")
    monkeypatch.setattr(release, "ROOT", root)
    with pytest.raises(release.ReleaseError, match="CITATION.bib is not what CITATION.cff gives"):
        release.check()


def built_clone(release, tmp_path: Path) -> Path:
    """A private copy of the release fixture's clone: committed, clean, and built by its
    `dvc repro`, so the release's own `dvc repro` reruns only what a test changes."""
    repo = clone_tree(release[0], tmp_path / "repo")
    shutil.rmtree(repo / "dist")
    return repo


@pytest.mark.slow
def test_release_is_reproducible_and_complete(release, tmp_path: Path) -> None:
    version = json.loads((release[0] / "datapackage.json").read_text())["version"]
    content = (release[0] / "dist" / f"nl-defence-opinion-2025-{version}.zip").read_bytes()
    repo = built_clone(release, tmp_path)  # a second build, from the same commit, in another folder
    archive = repo / "dist" / f"nl-defence-opinion-2025-{version}.zip"
    assert run([str(BIN / "python"), "scripts/release.py"], repo).returncode == 0
    assert archive.read_bytes() == content, "two builds from the same commit differ"
    formats = [
        f"nl-defence-opinion-2025-{version}.sqlite",
        f"nl-defence-opinion-2025-{version}.xlsx",
        f"nl-defence-opinion-2025-{version}-parquet.zip",
        f"nl-defence-opinion-2025-{version}-stata.zip",
        f"nl-defence-opinion-2025-{version}-spss.zip",
    ]
    assert (repo / "dist/SHA256SUMS").read_text() == "".join(
        f"{hashlib.sha256((repo / 'dist' / name).read_bytes()).hexdigest()}  {name}\n" for name in sorted([archive.name, *formats])
    )
    assert f"{hashlib.sha256(content).hexdigest()}  {archive.name}\n" in (repo / "dist/SHA256SUMS").read_text()
    names = set(zipfile.ZipFile(archive).namelist())
    prefix = f"nl-defence-opinion-2025-{version}/"
    for required in (
        "datapackage.json",
        "data/poll_results.csv",
        "schemas/checks.schema.json",
        "README.md",
        "LICENSE",
        "CITATION.cff",
        "CHANGELOG.md",
        ".zenodo.json",
        "reports/validation.md",
        "releases.json",
        "data/raw/ipsos-io-2025-06-navo/tabel_1_1.csv",
        "pipelines/stages/tidy.py",
        "pipelines/sources/registry.py",
        "requirements/pipeline.lock",
        "Makefile",
        "dvc.yaml",
        "dvc.lock",
        ".dvc/config",
    ):
        assert prefix + required in names


@pytest.mark.slow
def test_every_readme_link_resolves_inside_the_archive(release) -> None:
    repo, _ = release
    version = json.loads((repo / "datapackage.json").read_text())["version"]
    prefix = f"nl-defence-opinion-2025-{version}/"
    names = {n.removeprefix(prefix) for n in zipfile.ZipFile(repo / "dist" / f"nl-defence-opinion-2025-{version}.zip").namelist()}
    folders = {str(Path(n).parent) for n in names}
    readme = (repo / "README.md").read_text(encoding="utf-8")
    links = {
        target.split("#")[0]
        for target in re.findall(r"\]\(([^)\s]+)\)", readme)
        if not re.match(r"[a-z]+:", target) and not target.startswith("#")
    }
    assert links, "the README links to files of the package"
    dead = sorted(link for link in links if link.rstrip("/") not in names | folders)
    assert dead == [], f"README links that do not resolve inside the archive: {dead}"


@pytest.mark.slow
def test_make_repro_inside_the_unzipped_archive_reproduces_the_published_bytes(release, tmp_path: Path) -> None:
    repo, _ = release
    version = json.loads((repo / "datapackage.json").read_text())["version"]
    with zipfile.ZipFile(repo / "dist" / f"nl-defence-opinion-2025-{version}.zip") as zip_file:
        zip_file.extractall(tmp_path / "unzipped")
    package = tmp_path / "unzipped" / f"nl-defence-opinion-2025-{version}"
    assert not (package / ".git").exists()
    published = {
        p.relative_to(package): p.read_bytes()
        for p in [package / "datapackage.json", *package.glob("data/*.csv"), *package.glob("reports/**/*.*")]
    }
    for path in published:
        (package / path).unlink()  # nothing to compare against but what the pipeline makes
    # the environment make would create from the lock file: this one's programs, stamped as current;
    # the project-on-path stamp too, or make would point this environment's .pth (its lib/ is
    # this one's) at the unzipped copy, which is gone after the test
    (package / ".venv").mkdir()
    stamps = (".installed", ".project-on-path")
    for part in (ROOT / ".venv").iterdir():
        if part.name not in stamps:
            (package / ".venv" / part.name).symlink_to(part)
    for stamp in stamps:
        (package / ".venv" / stamp).touch()
    # charts already drawn from the same report.py and data (build/report-cache is no DVC output;
    # every stage still runs): the report stage copies them instead of drawing them again
    shutil.copytree(release[0] / "build" / "report-cache", package / "build" / "report-cache")
    result = run(["make", "--no-print-directory", "repro"], package)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    rebuilt = {path: (package / path).read_bytes() for path in published}
    assert [str(p) for p in published if rebuilt[p] != published[p]] == []


@pytest.mark.slow
def test_release_refuses_committed_files_the_pipeline_does_not_make(release, tmp_path: Path) -> None:
    """A published file edited by hand and committed: the release's own `dvc repro` rewrites it
    (only `publish` reruns; tests/test_reproducible.py shows a raw edit without a rebuild)."""
    repo = built_clone(release, tmp_path)
    parties = repo / "data" / "parties.csv"
    parties.write_text(parties.read_text(encoding="utf-8").replace("Volt Nederland", "Volt Nederland (edited)"), encoding="utf-8")
    git(repo, "commit", "-qam", "edit a published file by hand")
    result = run([str(BIN / "python"), "scripts/release.py"], repo)
    assert result.returncode == 1, result.stdout
    assert "the committed published files are not what the pipeline makes" in result.stderr
    assert "M data/parties.csv" in result.stderr
    assert not (repo / "dist").exists()
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout
    assert status == "", "a refused release must leave the tree as committed"


def test_release_refuses_a_dirty_tree(tmp_path: Path) -> None:
    repo = committed_copy(tmp_path)
    (repo / "README.md").write_text((repo / "README.md").read_text() + "\nedited\n")
    result = run([str(BIN / "python"), "scripts/release.py"], repo)
    assert result.returncode == 1 and "uncommitted changes" in result.stderr and not (repo / "dist").exists()


def test_release_refuses_mismatched_versions(tmp_path: Path) -> None:
    repo = committed_copy(tmp_path)
    cff = repo / "CITATION.cff"
    cff.write_text(re.sub(r"^version: ", "version: 9", cff.read_text(), count=1, flags=re.M))
    git(repo, "commit", "-qam", "bump")
    result = run([str(BIN / "python"), "scripts/release.py"], repo)
    assert result.returncode == 1 and "versions differ" in result.stderr
