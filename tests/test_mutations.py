"""Fault injection: broken copies of the raw files, one error at a time, through the checking
stages (tidy, validate, crosscheck). Every transcription error class must be caught with a
message naming the file (and the line, for a cell), and the cosmetic variants (byte-order
mark, CRLF, trailing spaces) must give the same published bytes.

The detection rate per class is the table in docs/RELIABILITY.md; the test fails when it
changes. `UPDATE_RELIABILITY=1 pytest tests/test_mutations.py` rewrites the table.
"""

from __future__ import annotations

import base64
import csv
import functools
import io
import json
import os
import random
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import ROOT, copy_repo, env

SEED = 2025
PER_CLASS = 12
REPORT = ROOT / "docs" / "RELIABILITY.md"
TEXT_COLUMNS = {  # free text: no machine can check it without the documents themselves
    "note",
    "notes",
    "description_en",
    "quote",
    "evidence_quote",
    "left_quote",
    "right_quote",
    "inputs_quote",
    "title",
    "title_en",
    "title_note",
    "published_note",
    "reuse_terms_quote",
    "reuse_terms_en",
    "name",
    "name_en",
    "item_en",
    "answer_en",
    "text_en",
    "text_nl",
    "base_description",
    "input_source",
    "total_scope",
    "period_printed",
    "evidence_locator",
    "locator",
    "left_locator",
    "right_locator",
    "key",
    "inputs_locator",
    "derived_from",
    "check_ids",
}
NUMERIC_COLUMNS = {
    "fair_shares.csv": ["nl_value", "total_value", "stated_share_pct"],
    "mission_contributions.csv": ["value", "value_max", "period_start", "period_end"],
    "force_requirements.csv": ["quantity", "quantity_max", "readiness_days_min", "readiness_days_max", "year"],
    "financial_figures.csv": ["amount", "item_count", "reference_year"],
    "spending_norms.csv": ["pct_gdp", "pct_gdp_max", "agreed_year", "target_year", "review_year", "nl_first_met_year", "allies_meeting"],
    "industry_shares.csv": ["share_pct"],
    "method.csv": ["value_number"],
    "questions.csv": ["base_n", "max_answers"],
    "sources.csv": ["sample_n"],
}
COSMETIC = {"utf8_bom", "crlf_line_ends", "trailing_spaces"}
CELL_CLASSES = {"changed_digit", "swapped_cells", "shifted_column", "party_id", "number_format", "wrong_scale"}


def raw_csvs(root: Path) -> list[Path]:
    return [p for p in sorted((root / "data/raw").rglob("*.csv")) if not p.name.startswith("second_") and p.name != "left_out.csv"]


@functools.cache
def parsed(path: Path) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """The lines of an unmutated raw file and their cells, parsed once: mutants are made in
    memory, so the files do not change while they are made (the generators read them often)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return tuple(lines), tuple(tuple(next(csv.reader([line]))) if line else () for line in lines)


def read(path: Path) -> tuple[list[str], list[list[str]]]:
    """A fresh, changeable copy of parsed(path)."""
    lines, records = parsed(path)
    return list(lines), [list(cells) for cells in records]


def record(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def with_line(path: Path, number: int, cells: list[str] | None, duplicate: bool = False) -> bytes:
    lines, _ = read(path)
    if cells is None:
        del lines[number - 1]
    elif duplicate:
        lines.insert(number, lines[number - 1])
    else:
        lines[number - 1] = record(cells)
    return "\n".join(lines).encode("utf-8")


@functools.cache
def value_cells(path: Path) -> tuple[tuple[int, int], ...]:
    """(line, column index) of the cells that hold values, not free text."""
    _, records = parsed(path)
    header = records[0]
    if path.name.startswith("tabel_"):
        columns = list(range(1, len(header)))
    else:
        numeric = set(NUMERIC_COLUMNS.get(path.name, ()))
        columns = [
            i
            for i, h in enumerate(header)
            if h in numeric
            or (h.endswith("printed") and h not in TEXT_COLUMNS)
            or h in ("printed", "fieldwork_start", "fieldwork_end", "wave", "respondent_group", "party", "position")
        ]
    return tuple((n + 1, c) for n, r in enumerate(records[1:], start=1) if r for c in columns if c < len(r) and r[c].strip())


def files_with_digits(root: Path) -> list[Path]:
    return [p for p in raw_csvs(root) if any(re.search(r"\d", parsed(p)[1][l - 1][c]) for l, c in value_cells(p))]


def changed_digit(rng: random.Random, root: Path, index: int = 0):
    """The index-th mutant changes a digit in the index-th raw file that has digits in its values, so every table gets one."""
    files = files_with_digits(root)
    path = files[index % len(files)]
    line, column = rng.choice([(l, c) for l, c in value_cells(path) if re.search(r"\d", parsed(path)[1][l - 1][c])])
    cells = read(path)[1][line - 1]
    positions = [i for i, ch in enumerate(cells[column]) if ch.isdigit()]
    i = rng.choice(positions)
    cells[column] = cells[column][:i] + str((int(cells[column][i]) + rng.randint(1, 9)) % 10) + cells[column][i + 1 :]
    return path, with_line(path, line, cells), line


def swapped_cells(rng: random.Random, root: Path):
    candidates = []
    for path in raw_csvs(root):
        cells_of, values = parsed(path)[1], set(value_cells(path))
        for line, column in value_cells(path):
            row = cells_of[line - 1]
            if (line, column + 1) in values and row[column] != row[column + 1]:
                candidates.append((path, line, column))
    path, line, column = rng.choice(candidates)
    cells = read(path)[1][line - 1]
    cells[column], cells[column + 1] = cells[column + 1], cells[column]
    return path, with_line(path, line, cells), line


def shifted_column(rng: random.Random, root: Path):
    rows = [
        (p, l)
        for p in raw_csvs(root)
        if p.name.startswith("tabel_")
        for l, r in enumerate(read(p)[1], start=1)
        if l > 1 and r and len(set(r[1:])) > 1
    ]
    path, line = rng.choice(rows)
    cells = read(path)[1][line - 1]
    cells[1:] = ["", *cells[1:-1]]
    return path, with_line(path, line, cells), line


def dropped_row(rng: random.Random, root: Path):
    path = rng.choice(raw_csvs(root))
    line = rng.randint(2, len([r for r in read(path)[1] if r]))
    return path, with_line(path, line, None), line


def duplicated_row(rng: random.Random, root: Path):
    path = rng.choice(raw_csvs(root))
    line = rng.randint(2, len([r for r in read(path)[1] if r]))
    return path, with_line(path, line, [], duplicate=True), line + 1


def party_id(rng: random.Random, root: Path):
    raw = root / "data/raw"
    choice = rng.choice(["parties", "text_values", "lost_cells", "claims", "header"])
    if choice == "header":
        path = rng.choice([p for p in raw_csvs(root) if p.name.startswith("tabel_") and "PVV" in read(p)[1][0]])
        cells = read(path)[1][0]
        i = rng.choice([i for i, c in enumerate(cells) if c.rstrip("*") in ("PVV", "VVD", "CDA", "SP", "D66", "BBB")])
        cells[i] = cells[i].replace("V", "W", 1) if "V" in cells[i] else cells[i] + "x"
        return path, with_line(path, 1, cells), 1
    path, column = {
        "parties": (raw / "reference/parties.csv", "party_id"),
        "text_values": (raw / "ipsos-io-2025-06-navo/text_values.csv", "respondent_group"),
        "lost_cells": (raw / "clingendael-2025-10-kantelpunt/lost_cells.csv", "party"),
        "claims": (raw / "clingendael-2025-10-kantelpunt/claims.csv", "claimed_parties"),
    }[choice]
    records = read(path)[1]
    index = records[0].index(column)
    line = rng.choice([n for n, r in enumerate(records, start=1) if n > 1 and r and r[index] not in ("", "total")])
    cells = records[line - 1]
    cells[index] = cells[index][:-1] + ("x" if cells[index][-1] != "x" else "y")
    return path, with_line(path, line, cells), line


def numeric_cells(root: Path) -> list[tuple[Path, int, int]]:
    out = []
    for path in raw_csvs(root):
        header = read(path)[1][0]
        columns = (
            range(1, len(header))
            if path.name.startswith("tabel_")
            else [header.index(c) for c in NUMERIC_COLUMNS.get(path.name, ()) if c in header]
        )
        out += [
            (path, l, c)
            for l, r in enumerate(read(path)[1], start=1)
            if l > 1 and r
            for c in columns
            if c < len(r) and re.fullmatch(r"\d+(\.\d+)?%?", r[c])
        ]
    return out


def number_format(rng: random.Random, root: Path):
    path, line, column = rng.choice(numeric_cells(root))
    cells = read(path)[1][line - 1]
    value = cells[column]
    number, percent = value.rstrip("%"), "%" if value.endswith("%") else ""
    variants = [
        number.replace(".", ",") + percent if "." in number else number + ",0" + percent,
        value + "%" if not percent else number + " %",
        f"{int(float(number)):,}".replace(",", ".") + percent if float(number) >= 1000 else number + "." + percent,
    ]
    cells[column] = rng.choice([v for v in variants if v != value])
    return path, with_line(path, line, cells), line


def wrong_scale(rng: random.Random, root: Path):
    path, line, column = rng.choice([(p, l, c) for p, l, c in numeric_cells(root) if float(parsed(p)[1][l - 1][c].rstrip("%")) >= 1])
    cells = read(path)[1][line - 1]
    number = float(cells[column].rstrip("%"))
    cells[column] = f"{number / 100:g}" + ("%" if cells[column].endswith("%") else "")
    return path, with_line(path, line, cells), line


def header_typo(rng: random.Random, root: Path):
    path = rng.choice(raw_csvs(root))
    cells = read(path)[1][0]
    i = rng.randrange(len(cells))
    cells[i] = cells[i][:-1] if len(cells[i]) > 1 else cells[i] + "x"
    return path, with_line(path, 1, cells), 1


def empty_file(rng: random.Random, root: Path):
    return rng.choice(raw_csvs(root)), b"", None


def non_utf8(rng: random.Random, root: Path):
    def lossless(path: Path) -> bool:  # cp1252 can spell every character, so only the encoding differs
        try:
            return path.read_text(encoding="utf-8").encode("cp1252") != path.read_bytes()
        except UnicodeEncodeError:
            return False

    path = rng.choice([p for p in raw_csvs(root) if lossless(p)])
    return path, path.read_text(encoding="utf-8").encode("cp1252"), None


def utf8_bom(rng: random.Random, root: Path):
    path = rng.choice(raw_csvs(root) + sorted((root / "data/raw").rglob("*.excerpt.txt")))
    return path, b"\xef\xbb\xbf" + path.read_bytes(), None


def crlf_line_ends(rng: random.Random, root: Path):
    path = rng.choice(raw_csvs(root) + sorted((root / "data/raw").rglob("*.excerpt.txt")) + sorted((root / "data/raw").rglob("*.yaml")))
    return path, path.read_bytes().replace(b"\n", b"\r\n"), None


def trailing_spaces(rng: random.Random, root: Path):
    path = rng.choice(raw_csvs(root))
    lines, records = read(path)
    spaced = [record([c + "  " if not re.search(r'[",\n]', c) else c for c in r]) + "   " if r else "" for r in records]
    return path, "\n".join(spaced).encode("utf-8"), None


def file_deleted(rng: random.Random, root: Path):
    files = raw_csvs(root) + sorted((root / "data/raw").rglob("*.excerpt.txt")) + sorted((root / "data/raw").rglob("*.yaml"))
    return rng.choice(files), None, None


def excerpt_edited(rng: random.Random, root: Path):
    path = rng.choice(sorted((root / "data/raw").rglob("*.excerpt.txt")))
    lines = path.read_text(encoding="utf-8").split("\n")
    number = rng.choice([i for i, l in enumerate(lines[3:], start=4) if re.search(r"\d|Red|Grey|Green|✓", l)])
    line = lines[number - 1]
    if re.search(r"\d", line):
        i = rng.choice([i for i, ch in enumerate(line) if ch.isdigit()])
        line = line[:i] + str((int(line[i]) + 1) % 10) + line[i + 1 :]
    else:
        line = line.replace("Grey", "Red", 1) if "Grey" in line else line.replace("Red", "Grey", 1).replace("✓", "", 1)
    lines[number - 1] = line
    return path, "\n".join(lines).encode("utf-8"), None


CLASSES = {
    f.__name__: f
    for f in (
        changed_digit,
        swapped_cells,
        shifted_column,
        dropped_row,
        duplicated_row,
        party_id,
        number_format,
        wrong_scale,
        header_typo,
        empty_file,
        non_utf8,
        utf8_bom,
        crlf_line_ends,
        trailing_spaces,
        file_deleted,
        excerpt_edited,
    )
}


def outcome(name: str, path: str, line: int | None, answer: dict) -> str:
    if answer["crash"]:
        return "crash"
    if answer["problems"]:
        stem = Path(path).name.replace(".excerpt.txt", ".csv").removesuffix(".meta.yaml")
        named = [p for p in answer["problems"] if Path(path).name in p or stem in p]
        if named and (name not in CELL_CLASSES or line is None or any(f"line {line}" in p for p in named)):
            return "caught, located"
        return "caught, not located"
    if answer["identical"]:
        return "normalised" if name in COSMETIC else "no effect"
    return "missed"


WORKERS = 2  # one per core of the reference machine; each has its own copy of the repository


def mutants(repo: Path) -> list[tuple[str, str, bytes | None, int | None]]:
    """Every mutant, in order: (class, file relative to the copy, content or None to delete, line)."""
    rng = random.Random(SEED)
    out = []
    for name, make in CLASSES.items():
        count = len(files_with_digits(repo)) if name == "changed_digit" else PER_CLASS
        for index in range(count):
            path, content, line = make(rng, repo, index) if name == "changed_digit" else make(rng, repo)  # type: ignore[call-arg]
            out.append((name, path.relative_to(repo).as_posix(), content, line))
    return out


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[str, str, int | None, str, str]]]:
    folder = tmp_path_factory.mktemp("mutations")
    copies = [copy_repo(ROOT, folder / f"repo{i}") for i in range(WORKERS)]
    # all mutants are made from the unmutated copy before any worker changes a file
    todo = mutants(copies[0])
    requests = "".join(
        json.dumps({"path": relative, "content": None if content is None else base64.b64encode(content).decode()}) + "\n"
        for _, relative, content, _ in todo
    )
    worker = subprocess.run(
        [sys.executable, str(copies[0] / "tests/mutation_worker.py"), *map(str, copies)],
        cwd=copies[0],
        env=env(),
        input=requests,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert worker.returncode == 0, worker.stderr[-3000:]
    answers = {answer["index"]: answer for answer in map(json.loads, worker.stdout.splitlines())}
    assert sorted(answers) == list(range(len(todo))), "the mutation workers did not answer every mutant"
    found: dict[str, list] = defaultdict(list)
    for index, (name, relative, _, line) in enumerate(todo):
        answer = answers[index]
        first = (answer["problems"] or [answer["crash"] or ""])[0]
        found[name].append((relative, outcome(name, relative, line, answer), line, first, answer["crash"] or ""))
    return found


def table(results: dict) -> str:
    columns = ["caught, located", "caught, not located", "normalised", "no effect", "missed", "crash"]
    out = ["| error class | mutants | " + " | ".join(columns) + " |", "|---|---|" + "---|" * len(columns)]
    for name, rows in results.items():
        out.append(f"| {name.replace('_', ' ')} | {len(rows)} | " + " | ".join(str(sum(r[1] == c for r in rows)) for c in columns) + " |")
    return "\n".join(out)


def test_no_mutant_crashes_the_pipeline(results: dict) -> None:
    crashes = [(name, r[0], r[4]) for name, rows in results.items() for r in rows if r[1] == "crash"]
    assert crashes == []


# Mutants no check can catch, each with the reason in docs/RELIABILITY.md.
UNDETECTABLE = {
    ("dropped_row", "data/raw/clingendael-2025-10-kantelpunt/claims.csv"),
    *(
        ("dropped_row", f"data/raw/{source}/discrepancies.csv")
        for source in (
            "ipsos-io-2025-06-navo",
            "clingendael-2025-10-kantelpunt",
            "iob-2025-samen-sterker",
            "kamerbrief-2025-navo-top",
            "aiv-2025-briefadvies-navo-top",
        )
    ),
}


def test_every_error_is_caught_or_cosmetic(results: dict) -> None:
    escaped = [
        (name, r[0], r[2])
        for name, rows in results.items()
        for r in rows
        if (r[1] in ("missed", "no effect") or (name in COSMETIC) != (r[1] == "normalised")) and (name, r[0]) not in UNDETECTABLE
    ]
    assert escaped == []


def test_reliability_report_is_current(results: dict) -> None:
    current = table(results)
    text = REPORT.read_text(encoding="utf-8") if REPORT.is_file() else ""
    if os.environ.get("UPDATE_RELIABILITY"):
        start, end = "<!-- table -->", "<!-- /table -->"
        before, after = text.split(start)[0], text.split(end)[1]
        REPORT.write_text(f"{before}{start}\n{current}\n{end}{after}", encoding="utf-8")
        text = REPORT.read_text(encoding="utf-8")
    assert current in text, "docs/RELIABILITY.md is stale: run UPDATE_RELIABILITY=1 pytest tests/test_mutations.py"
