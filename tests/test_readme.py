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


EXAMPLES = re.findall(r"```python\n(.*?)```", README, re.S)
RESOURCES = [r["name"] for r in json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"]]


def plain(value: object) -> object:
    """A cell as one comparable Python value: missing as None, numbers as float, dates as ISO text."""
    import datetime
    import decimal

    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, bool) or type(value).__name__ in ("bool_", "bool"):
        return bool(value)
    if isinstance(value, (int, float, decimal.Decimal)) or type(value).__module__ == "numpy":
        return float(value)  # type: ignore[arg-type]  # a numpy scalar
    if isinstance(value, (datetime.date, pd.Timestamp)):
        return value.isoformat()[:10]
    return value


def frictionless_rows(name: str) -> list[dict]:
    from frictionless import Package

    package = Package(str(ROOT / "datapackage.json"))
    return [{k: plain(v) for k, v in row.items()} for row in package.get_resource(name).read_rows()]  # type: ignore[attr-defined]


def differences(frame, name: str) -> list[str]:
    """Cells where a frame loaded by an example differs from what frictionless reads."""
    expected = frictionless_rows(name)
    if len(frame) != len(expected):
        return [f"{name}: {len(frame)} rows, frictionless reads {len(expected)}"]
    out = []
    for number, (row, want) in enumerate(zip(frame.to_dict("records"), expected), start=2):
        for column in frame.columns:
            if column in want and plain(row[column]) != want[column]:
                out.append(f"{name}, line {number}, {column}: example gives {row[column]!r}, frictionless {want[column]!r}")
    return out


def run_example(code: str, name: str = "README.md") -> dict:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        scope: dict = {}
        exec(compile(code, name, "exec"), scope)
        return scope
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("code", EXAMPLES)
def test_readme_example_loads_exactly_what_frictionless_reads(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    import pandas as pd

    scope = run_example(code)
    assert capsys.readouterr().out.strip(), "the example prints what it loaded"
    frames = {name: scope[name] for name in RESOURCES if isinstance(scope.get(name), pd.DataFrame)}
    for name, frame in frames.items():
        assert differences(frame, name) == []


def test_the_readme_example_loads_a_resource() -> None:
    import pandas as pd

    loaded = [
        name for code in EXAMPLES for name, value in run_example(code).items() if name in RESOURCES and isinstance(value, pd.DataFrame)
    ]
    assert loaded == ["party_positions"]


def test_a_lossy_load_is_caught() -> None:
    """pandas' defaults read the label 'None' (of 'None of these') as a missing value."""
    import pandas as pd

    frame = pd.read_csv(ROOT / "data" / "poll_results.csv", dtype={"raw_line": "Int64"})
    assert any(
        "item_en: example gives nan, frictionless 'None of these'" in d or "frictionless 'None'" in d
        for d in differences(frame, "poll_results")
    )


# the Coverage section moved from the README to docs/PROVENANCE.md (the README links to it)
PROVENANCE = (ROOT / "docs" / "PROVENANCE.md").read_text(encoding="utf-8")


def coverage_rows(readme: str) -> dict[str, tuple[int, int, int]]:
    """The Clingendael coverage table (docs/PROVENANCE.md): locator -> (transcribed, from_text, lost)."""
    found = re.findall(r"^\| (Tabel \d) \| [a-z_]+ \| (\d+) \| (\d+) \| (\d+) \| \d+ \|$", readme, re.M)
    return {table: (int(a), int(b), int(c)) for table, a, b, c in found}


def test_readme_coverage_counts_match_the_data() -> None:
    import csv
    from collections import Counter

    with (ROOT / "data/party_positions.csv").open(encoding="utf-8") as handle:
        counts = Counter((row["locator"], row["cell_status"]) for row in csv.DictReader(handle))
    actual = {t: (counts[(t, "transcribed")], counts[(t, "from_text")], counts[(t, "lost")]) for t, _ in counts}
    assert coverage_rows(PROVENANCE) == actual


def test_stale_coverage_count_is_detected() -> None:
    assert coverage_rows(
        PROVENANCE.replace("| Tabel 2 | friends_orientation | 0 | 39 | 96 |", "| Tabel 2 | friends_orientation | 0 | 40 | 95 |")
    )["Tabel 2"] == (0, 40, 95)


def tables(readme: str) -> list[list[str]]:
    """The README's Markdown tables, each as its run of consecutive '|' lines."""
    out, current = [], []
    for line in readme.splitlines() + [""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            out.append(current)
            current = []
    return out


def test_every_readme_table_renders_as_one_table() -> None:
    """A table broken by a blank line renders as a table and loose lines of pipes."""
    broken = [t[0] for doc in (README, PROVENANCE) for t in tables(doc) if len(t) < 2 or not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", t[1])]
    assert broken == []
    coverage = next(t for t in tables(PROVENANCE) if t[0].startswith("| source | what is in the package"))
    assert len(coverage) == 7, "the Coverage table has one row per source"


def test_a_table_broken_by_a_blank_line_is_caught() -> None:
    readme = "| a | b |\n|---|---|\n| 1 | 2 |\n\n| 3 | 4 |\n"
    assert [t[0] for t in tables(readme) if len(t) < 2 or not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", t[1])] == ["| 3 | 4 |"]


def test_the_readme_cites_the_current_version() -> None:
    version = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    cited = set(re.findall(r"\((?:version|versie)\s+(\d+\.\d+\.\d+)\)", README, re.S))
    assert cited == {version}
