"""The README's resource list matches the package, and its code examples run."""

from __future__ import annotations

import json
import os
import re

import pytest

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def listed_resources(readme: str) -> list[tuple[str, str, str]]:
    """(name, data file, schema file) of each row of the README's resources table."""
    return re.findall(r"^\| `([a-z_]+)` \| \[[^\]]+\]\(([^)]+)\) \| \[schema\]\(([^)]+)\) \|", readme, re.M)


def drift(readme: str) -> set:
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    expected = {(r["name"], r["path"], r["schema"]) for r in descriptor["resources"]}
    return expected ^ set(listed_resources(readme))


def test_readme_lists_every_resource() -> None:
    assert drift(README) == set()


def test_missing_resource_row_is_detected() -> None:
    without_parties = "\n".join(line for line in README.splitlines() if not line.startswith("| `parties`"))
    assert drift(without_parties) == {("parties", "data/parties.csv", "schemas/parties.schema.json")}


@pytest.mark.parametrize("code", re.findall(r"```python\n(.*?)```", README, re.S))
def test_readme_example_runs(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    assert capsys.readouterr().out.strip(), "the example prints what it loaded"


def coverage_rows(readme: str) -> dict[str, tuple[int, int, int]]:
    """The README's Clingendael coverage table: locator -> (transcribed, from_text, lost)."""
    found = re.findall(r"^\| (Tabel \d) \| [a-z_]+ \| (\d+) \| (\d+) \| (\d+) \| \d+ \|$", readme, re.M)
    return {table: (int(a), int(b), int(c)) for table, a, b, c in found}


def test_readme_coverage_counts_match_the_data() -> None:
    import csv
    from collections import Counter

    with (ROOT / "data/party_positions.csv").open(encoding="utf-8") as handle:
        counts = Counter((row["locator"], row["cell_status"]) for row in csv.DictReader(handle))
    actual = {t: (counts[(t, "transcribed")], counts[(t, "from_text")], counts[(t, "lost")]) for t, _ in counts}
    assert coverage_rows(README) == actual


def test_stale_coverage_count_is_detected() -> None:
    assert coverage_rows(README.replace("| Tabel 2 | friends_orientation | 0 | 35 | 100 |", "| Tabel 2 | friends_orientation | 0 | 36 | 99 |"))["Tabel 2"] == (0, 36, 99)
