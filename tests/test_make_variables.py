"""Values given to make (PORT, FROM, TO, FILE, SOURCES) are data: none is ever run as shell code
or as a make function, each reaches its script verbatim, and a bad one is answered in one line."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, env


def hostile(marker: Path) -> list[str]:
    """Values that create `marker` wherever a shell or make runs them as code. The first ones stay
    bad ports after the code in them (an old Makefile then fails fast instead of serving)."""
    return [
        f"x; touch {marker}",
        f"$(touch {marker})",
        f"`touch {marker}`",
        f'x"; touch {marker}; "',
        f"x'; touch {marker}; '",
        f"$$(touch {marker})",
        f"$(shell touch {marker})",
        f"8001; touch {marker}",
        f"8001 && touch {marker}",
    ]


# What a make that runs the tests (make test) passes on to its children: not the user's input here
MAKES_OWN = {"MAKEFLAGS", "MAKELEVEL", "MFLAGS", "PORT", "FROM", "TO", "FILE", "SOURCES"}


def make(*args: str) -> subprocess.CompletedProcess:
    """make in the repository, as a user runs it; whatever it started is killed if it runs past 120 s."""
    process = subprocess.Popen(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        env={k: v for k, v in env().items() if k not in MAKES_OWN},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(f"make {' '.join(args)} was still running after 120 s: {stdout[-500:]} {stderr[-500:]}")
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def messages(stderr: str) -> list[str]:
    """What the recipe printed on stderr, without make's own "make: *** [...] Error N" line."""
    return [line for line in stderr.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\* ", line)]


def assert_answered(marker: Path, result: subprocess.CompletedProcess, value: str, expected: str, status: int) -> None:
    """Nothing ran, the script said `expected` alone and ended with `status` (make itself then
    exits with 2 and names the status in its own line)."""
    assert not marker.exists(), f"{value!r} was run as code"
    assert messages(result.stderr) == [expected], (value, result.stdout, result.stderr)
    assert result.returncode != 0 and result.stderr.rstrip("\n").endswith(f"] Error {status}"), (value, result.stderr)


def test_port_is_data_and_a_bad_one_is_one_line(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    for value in [*hostile(marker)[:-2], "0", "65536", "abc", "", "-1", "8001x", *hostile(marker)[-2:]]:
        result = make("serve", f"PORT={value}")
        assert_answered(marker, result, value, f"serve: PORT must be a number from 1 to 65535, not {value!r}", 2)


def test_file_is_data_and_a_missing_one_is_one_line(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    for value in [*hostile(marker), "missing"]:
        result = make("which", f"FILE={value}")
        assert_answered(marker, result, value, f"which: no such file: {value}", 2)
    result = make("which", f"FILE={tmp_path}")
    assert_answered(marker, result, str(tmp_path), f"which: not a file: {tmp_path}", 2)


def test_a_file_name_with_quotes_and_dollars_reaches_which_intact(tmp_path: Path) -> None:
    odd = tmp_path / """it's "a" $(copy) `of` parties.csv"""
    shutil.copyfile(ROOT / "data" / "parties.csv", odd)
    result = make("which", f"FILE={odd}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{odd}: data/parties.csv of version ")


def known_versions() -> str:
    return ", ".join(entry["version"] for entry in json.loads((ROOT / "releases.json").read_text(encoding="utf-8"))["releases"])


def test_from_and_to_are_data(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    known = known_versions()
    for value in hostile(marker):
        result = make("diff", f"FROM={value}")
        assert_answered(marker, result, value, f"version {value} is not registered; known versions: {known}", 1)
    first = known.split(", ")[0]
    for value in hostile(marker)[:3]:  # each reads the first version from git before it gets to TO
        result = make("diff", f"FROM={first}", f"TO={value}")
        assert_answered(marker, result, value, f"version {value} is not registered; known versions: {known}", 1)


def test_sources_is_data(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    for value in hostile(marker):
        result = make("verify-sources", f"SOURCES={value}")
        assert_answered(marker, result, value, f"verify-sources: {value} is not a folder of text layers", 1)
    for value in hostile(marker):
        # what `make test` runs before pytest: no text layers there, so one line and on with the tests
        result = make("verify-sources-if-held", f"SOURCES={value}")
        assert not marker.exists(), f"{value!r} was run as code"
        assert result.returncode == 0 and result.stderr == "", (value, result.stderr)
        assert result.stdout == f"verify-sources: NOT RUN, no text layers in {value} (make verify-sources SOURCES=DIR)\n"
