"""releases.json: one version, one set of bytes; `make which` and `make diff` on good and bad input."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run, tracked_files

sys.path.insert(0, str(ROOT / "scripts"))
import registry  # noqa: E402


def clone(tmp_path: Path) -> Path:
    """A clone with the history, plus the working tree's uncommitted state."""
    target = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--shared", str(ROOT), str(target)], check=True)
    for name in tracked_files(ROOT):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


def edit_registry(root: Path, change) -> None:
    data = json.loads((root / "releases.json").read_text(encoding="utf-8"))
    change(data["releases"])
    (root / "releases.json").write_text(json.dumps(data, indent=2), encoding="utf-8")


def current_version(root: Path = ROOT) -> str:
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"]


def test_the_registry_matches_the_published_files_the_history_and_the_changelog() -> None:
    assert registry.check(ROOT) == []
    versions = [e["version"] for e in registry.load(ROOT)]
    assert versions[0] == "1.0.0" and versions[-1] == current_version()


def test_the_first_release_is_the_release_commit() -> None:
    first = registry.load(ROOT)[0]
    subject = subprocess.run(["git", "log", "-1", "--format=%s", first["commit"]], cwd=ROOT, capture_output=True, text=True).stdout
    assert subject.startswith("Release 1.0.0")


def test_a_wrong_hash_names_the_entry(tmp_path: Path) -> None:
    root = clone(tmp_path)
    edit_registry(root, lambda entries: entries[0]["files"]["parties"].update(sha256="0" * 64))
    problems = registry.check(root)
    assert any(p.startswith("releases.json version 1.0.0: parties: the entry says") for p in problems), problems


def test_an_unknown_resource_names_the_entry(tmp_path: Path) -> None:
    root = clone(tmp_path)
    edit_registry(root, lambda entries: entries[0]["files"].update(polls={"path": "data/polls.csv", "bytes": 1, "sha256": "0" * 64}))
    assert "releases.json version 1.0.0: 'polls' is not a resource of that version" in registry.check(root)


def test_a_duplicate_version_is_refused(tmp_path: Path) -> None:
    root = clone(tmp_path)
    edit_registry(root, lambda entries: entries.insert(1, dict(entries[0])))
    assert "releases.json entry 2 (version 1.0.0): version 1.0.0 is registered twice" in registry.check(root)


def test_a_published_file_changed_without_a_new_version_fails(tmp_path: Path) -> None:
    root = clone(tmp_path)
    path = root / "data" / "parties.csv"
    path.write_bytes(path.read_bytes().replace(b"Volt", b"VOLT", 1))
    version = current_version(root)
    problems = registry.check(root)
    assert any(p.startswith(f"version {version} in releases.json vs the published files: parties: the entry says") for p in problems), (
        problems
    )


def test_a_version_bump_without_a_registry_entry_fails(tmp_path: Path) -> None:
    root = clone(tmp_path)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["version"] = "9.0.0"
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    problems = registry.check(root)
    assert (
        "datapackage.json says version 9.0.0, which releases.json does not register (run `python scripts/registry.py "
        "register` for a new version)" in problems
    )
    assert "the top entry of CHANGELOG.md is " + current_version() + ", but datapackage.json says 9.0.0" in problems


def test_a_version_without_a_changelog_entry_fails(tmp_path: Path) -> None:
    root = clone(tmp_path)
    changelog = root / "CHANGELOG.md"
    changelog.write_text(changelog.read_text(encoding="utf-8").replace("## [1.0.0]", "## 1.0.0"), encoding="utf-8")
    assert "releases.json version 1.0.0: CHANGELOG.md has no entry '## [1.0.0]'" in registry.check(root)


def test_a_committed_entry_cannot_be_rewritten(tmp_path: Path) -> None:
    root = clone(tmp_path)
    committed = registry.load(root)
    # give 1.0.0 other bytes and its files to match, as someone re-releasing a version would
    edit_registry(root, lambda entries: entries[0].update(date="2026-11-23"))
    problems = registry.check(root)
    logged = subprocess.run(["git", "log", "--format=%H", "--", "releases.json"], cwd=root, capture_output=True, text=True).stdout.split()
    if not logged:
        pytest.skip("releases.json has not been committed yet")
    assert any(p.startswith("releases.json version 1.0.0: changed since commit") for p in problems), (problems, committed[0]["version"])


def test_which_finds_every_version_a_file_belongs_to() -> None:
    matched, text = registry.which(ROOT / "data" / "parties.csv")
    holding = [
        e["version"]
        for e in registry.load(ROOT)
        if e["files"].get("parties", {}).get("sha256") == registry.sha256((ROOT / "data/parties.csv").read_bytes())
    ]
    assert matched and text.startswith(f"{ROOT / 'data' / 'parties.csv'}: data/parties.csv of version {', '.join(holding)} (sha256 ")
    # and which of them to cite: the newest, unless the reader knows which one they downloaded
    assert text.splitlines()[1] == (
        f"Cite version {holding[-1]}: it is the only version with these bytes."
        if len(holding) == 1
        else f"Cite the version you downloaded if you know it; else cite {holding[-1]}, the newest of the {len(holding)} "
        "versions in which this file has these bytes (the other files of those versions may differ)."
    )


def test_which_says_what_an_unknown_file_looks_like(tmp_path: Path) -> None:
    edited = tmp_path / "parties.csv"
    edited.write_bytes((ROOT / "data" / "parties.csv").read_bytes().replace(b"Volt", b"VOLT", 1))
    matched, text = registry.which(edited)
    assert not matched and text.endswith(
        "it looks like resource 'parties', but its values differ from every release: it was edited or is from an unreleased build"
    )
    other = tmp_path / "notes.txt"
    other.write_text("hello,world\n1,2\n", encoding="utf-8")
    matched, text = registry.which(other)
    assert not matched and text.endswith("it is not a published resource of this package")
    result = run(["make", "--no-print-directory", "which", f"FILE={other}"], ROOT)
    assert result.returncode != 0 and "matches no registered version" in result.stderr


def test_diff_from_an_unknown_version_lists_the_known_ones() -> None:
    result = run(["make", "--no-print-directory", "diff", "FROM=9.9.9"], ROOT)
    known = ", ".join(e["version"] for e in registry.load(ROOT))
    assert result.returncode != 0 and f"version 9.9.9 is not registered; known versions: {known}" in result.stderr


def test_diff_lists_a_changed_value_with_its_key_and_locator(tmp_path: Path) -> None:
    root = clone(tmp_path)
    path = root / "data" / "fair_shares.csv"
    text = path.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("iob-eu-civilian,"))
    path.write_text(text.replace(row, row.replace(",6.09,", ",6.1,", 1)), encoding="utf-8")
    diffs = {d.resource: d for d in registry.diff(current_version(root), root=root)}
    assert [(r["fair_share_id"], f, old, new) for r, f, old, new in diffs["fair_shares"].changed] == [
        ("iob-eu-civilian", "computed_share_pct", "6.09", "6.1")
    ]
    rendered = registry.render(list(diffs.values()), current_version(root), "working tree", markdown=True)
    assert "| fair_share_id=iob-eu-civilian | computed_share_pct | 6.09 | 6.1 | iob-2025-samen-sterker" in rendered


def changelog_diffs() -> list[tuple[str, str, str]]:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"<!-- diff (\S+)\.\.(\S+): .*? -->\n(.*?)<!-- end diff -->", text, re.S)


def test_the_newest_changelog_entry_lists_exactly_what_make_diff_finds() -> None:
    blocks = changelog_diffs()
    versions = [e["version"] for e in registry.load(ROOT)]
    assert blocks and (blocks[0][0], blocks[0][1]) == (versions[-2], versions[-1]), (
        "the newest entry needs a diff block from the previous version"
    )
    old, new, body = blocks[0]
    target = new if registry.load(ROOT)[-1].get("commit") else registry.WORKING_TREE
    assert body == registry.render(registry.diff(old, target), old, new, markdown=True)
