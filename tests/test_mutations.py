"""Fault injection: broken copies of the raw files, one error at a time, through the checking
stages (tidy, validate, crosscheck). Every transcription error class must be caught with a
message naming the file (and the line, for a cell), and the cosmetic variants (byte-order
mark, CRLF, trailing spaces) must give the same published bytes.

The detection rate per class is the table in docs/RELIABILITY.md; the test fails when it
changes. `UPDATE_RELIABILITY=1 pytest tests/test_mutations.py` rewrites the table.

All 280 mutants take about 35 s on two cores, a third of `make test`'s budget: they run in
`make test-slow` (CI runs it after `make test`). Each check is shown to catch its error in
`make test` by its own broken-copy test (tests/test_bad_input.py, test_poll.py, ...).
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

pytestmark = pytest.mark.slow  # make test-slow

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
CELL_CLASSES = {
    "changed_digit", "swapped_cells", "shifted_column", "party_id", "number_format", "wrong_scale",
    "changed_category", "changed_year", "crosswalk_id", "wave_date",
}  # fmt: skip


def raw_csvs(root: Path) -> list[Path]:
    # not left_out.csv and non_figures.csv: read by `make verify-sources` against the documents, not by the pipeline
    return [
        p
        for p in sorted((root / "data/raw").rglob("*.csv"))
        if not p.name.startswith("second_") and p.name not in ("left_out.csv", "non_figures.csv")
    ]


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


# ---- classes of the field-level double entry (issue 21): each changes a value field that only
# the blind second entry in data/raw/<source>/second_entry/ can tell is wrong

NEW_CLASS_MUTANTS = 6  # fewer than PER_CLASS: each class is also tested by name in tests/test_field_entry.py
YEAR_COLUMNS = ("reference_year", "agreed_year", "target_year", "review_year", "year", "period_start", "period_end", "nl_first_met_year")
CATEGORY_COLUMNS = (
    "unit", "scale", "currency", "comparator", "relative_to_fair_share", "organisation", "mission_type", "measure",
    "component", "attributed_to", "classification", "response_type", "poll", "basis", "document_type", "subject", "indicator",
)  # fmt: skip


def first_entries(root: Path) -> list[Path]:
    """The hand-typed first entries that have a field-level second entry."""
    return [p for p in raw_csvs(root) if (p.parent / "second_entry" / p.name).is_file()]


def column_cells(root: Path, columns: tuple[str, ...]) -> list[tuple[Path, int, int]]:
    out = []
    for path in first_entries(root):
        records = parsed(path)[1]
        for c, name in enumerate(records[0]):
            if name in columns:
                out += [(path, n, c) for n, r in enumerate(records[1:], start=2) if r and c < len(r) and r[c]]
    return out


def changed_category(rng: random.Random, root: Path):
    """A unit, scale, currency, comparator, direction, classification or claimant changed to
    another value its column has (million -> billion, EUR -> USD, below -> above, vvd -> cda)."""
    cells_with_choice = []
    for path, line, column in column_cells(root, CATEGORY_COLUMNS):
        seen = {r[column] for r in parsed(path)[1][1:] if r and column < len(r) and r[column]}
        other = sorted(seen - {parsed(path)[1][line - 1][column]})
        if other:
            cells_with_choice.append((path, line, column, other))
    path, line, column, other = rng.choice(cells_with_choice)
    cells = read(path)[1][line - 1]
    cells[column] = rng.choice(other)
    return path, with_line(path, line, cells), line


def changed_year(rng: random.Random, root: Path):
    path, line, column = rng.choice(
        [(p, l, c) for p, l, c in column_cells(root, YEAR_COLUMNS) if re.fullmatch(r"\d{4}", parsed(p)[1][l - 1][c])]
    )
    cells = read(path)[1][line - 1]
    cells[column] = str(int(cells[column]) + rng.choice((-1, 1)))
    return path, with_line(path, line, cells), line


def sidecar_swap(rng: random.Random, root: Path):
    """Two printed columns' parties (or waves) swapped in a table's sidecar, or two legend values."""
    path = rng.choice(sorted((root / "data/raw").rglob("tabel_*.meta.yaml")))
    text = path.read_text(encoding="utf-8")
    for pattern in (r"respondent_group: \"?([a-z0-9-]+)\"?[,}]", r"wave: \"?([0-9a-z-]+)\"?[,}]"):
        values = sorted(set(re.findall(pattern, text)))
        if len(values) >= 2:
            a, b = rng.sample(values, 2)
            key = pattern.split(":")[0]
            first_a = re.search(rf"{key}: \"?({re.escape(a)})\"?[,}}]", text)
            first_b = re.search(rf"{key}: \"?({re.escape(b)})\"?[,}}]", text)
            assert first_a and first_b
            spans = sorted([(first_a, b), (first_b, a)], key=lambda item: item[0].start(), reverse=True)
            for match, new in spans:  # from the end, so the earlier span's offsets stay valid
                text = text[: match.start(1)] + new + text[match.end(1) :]
            return path, text.encode("utf-8"), None
    legend = re.search(r"legend: \{(.*)\}", text)
    assert legend is not None, path
    values = sorted(set(re.findall(r": ([a-z_]+)", legend.group(1))))
    a, b = rng.sample(values, 2)
    swapped = legend.group(1).replace(f": {a}", ": \0").replace(f": {b}", f": {a}").replace(": \0", f": {b}")
    return path, text.replace(legend.group(1), swapped, 1).encode("utf-8"), None


def dropped_first_entry_row(rng: random.Random, root: Path):
    """A row deleted from a first entry only: its second entry still has it."""
    path = rng.choice(first_entries(root))
    line = rng.randint(2, len([r for r in read(path)[1] if r]))
    return path, with_line(path, line, None), line


def duplicated_under_new_id(rng: random.Random, root: Path):
    path = rng.choice([p for p in first_entries(root) if parsed(p)[1][0][0].endswith("_id") and p.name != "parties.csv"])
    records = read(path)[1]
    line = rng.randint(2, len([r for r in records if r]))
    cells = records[line - 1]
    cells[0] = cells[0] + "-copy"
    lines = read(path)[0]
    lines.insert(line, record(cells))
    return path, "\n".join(lines).encode("utf-8"), line + 1


def crosswalk_id(rng: random.Random, root: Path):
    path = root / "data/raw/reference/party_crosswalk.csv"
    records = read(path)[1]
    columns = [c for c, h in enumerate(records[0]) if h.endswith("_id") and h != "party_id"]
    line, column = rng.choice([(n, c) for n, r in enumerate(records[1:], start=2) if r for c in columns if re.search(r"\d", r[c])])
    cells = records[line - 1]
    i = max(i for i, ch in enumerate(cells[column]) if ch.isdigit())
    cells[column] = cells[column][:i] + str((int(cells[column][i]) + 1) % 10) + cells[column][i + 1 :]
    return path, with_line(path, line, cells), line


def wave_date(rng: random.Random, root: Path):
    path = root / "data/raw/ipsos-io-2025-06-navo/waves.csv"
    records = read(path)[1]
    columns = [records[0].index(c) for c in ("month", "fieldwork_start", "fieldwork_end")]
    line, column = rng.choice([(n, c) for n, r in enumerate(records[1:], start=2) if r for c in columns if r[c]])
    cells = records[line - 1]
    day_or_month = cells[column][-2:]
    cells[column] = cells[column][:-2] + (f"{int(day_or_month) - 1:02d}" if int(day_or_month) > 1 else "02")
    return path, with_line(path, line, cells), line


NEW_CLASSES = {
    "changed_category",
    "changed_year",
    "sidecar_swap",
    "dropped_first_entry_row",
    "duplicated_under_new_id",
    "crosswalk_id",
    "wave_date",
}


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
        changed_category,
        changed_year,
        sidecar_swap,
        dropped_first_entry_row,
        duplicated_under_new_id,
        crosswalk_id,
        wave_date,
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
        count = len(files_with_digits(repo)) if name == "changed_digit" else NEW_CLASS_MUTANTS if name in NEW_CLASSES else PER_CLASS
        for index in range(count):
            path, content, line = make(rng, repo, index) if name == "changed_digit" else make(rng, repo)  # type: ignore[call-arg]
            out.append((name, path.relative_to(repo).as_posix(), content, line))
    return out


def run_mutants(folder: Path) -> dict[str, list[tuple[str, str, int | None, str, str]]]:
    """Each mutant's outcome, by class."""
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


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[str, str, int | None, str, str]]]:
    return run_mutants(tmp_path_factory.mktemp("mutations"))


def table(results: dict) -> str:
    columns = ["caught, located", "caught, not located", "normalised", "no effect", "missed", "crash"]
    out = ["| error class | mutants | " + " | ".join(columns) + " |", "|---|---|" + "---|" * len(columns)]
    for name, rows in results.items():
        out.append(f"| {name.replace('_', ' ')} | {len(rows)} | " + " | ".join(str(sum(r[1] == c for r in rows)) for c in columns) + " |")
    return "\n".join(out)


def crashed(results: dict) -> list[tuple[str, str, str]]:
    return [(name, r[0], r[4]) for name, rows in results.items() for r in rows if r[1] == "crash"]


# Mutants no check can catch, each with the reason in docs/RELIABILITY.md: none since 2.3.0, when
# the claims and discrepancies got their field-level second entries.
UNDETECTABLE: set[tuple[str, str]] = set()


def escaped(results: dict) -> list[tuple[str, str, int | None]]:
    return [
        (name, r[0], r[2])
        for name, rows in results.items()
        for r in rows
        if (r[1] in ("missed", "no effect") or (name in COSMETIC) != (r[1] == "normalised")) and (name, r[0]) not in UNDETECTABLE
    ]


def test_no_mutant_crashes_the_pipeline(results: dict) -> None:
    assert crashed(results) == []


def test_every_error_is_caught_or_cosmetic(results: dict) -> None:
    assert escaped(results) == []


def test_reliability_report_is_current(results: dict) -> None:
    current = table(results)
    text = REPORT.read_text(encoding="utf-8") if REPORT.is_file() else ""
    if os.environ.get("UPDATE_RELIABILITY"):
        start, end = "<!-- table -->", "<!-- /table -->"
        before, after = text.split(start)[0], text.split(end)[1]
        REPORT.write_text(f"{before}{start}\n{current}\n{end}{after}", encoding="utf-8")
        text = REPORT.read_text(encoding="utf-8")
    assert current in text, "docs/RELIABILITY.md is stale: run UPDATE_RELIABILITY=1 pytest tests/test_mutations.py"
