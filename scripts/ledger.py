"""The number ledger of `make verify-sources`: every number of every text layer accounted for.

A number token (digits, and the written numbers the package reads as figures) of a text layer is
accounted for when

1. a published row covers it: a quote or as-printed text of a resource or of a first-entry raw
   file (its second entries do not count), or an excerpt of a printed table;
2. a `left_out.csv` row covers it (its quote), with a reason class from LEFT_OUT_CLASSES; or
3. it lies inside a declared class of non-figures: `data/raw/<source>/non_figures.csv`, one row
   per pattern (a regular expression over one line of the text layer; the numbers inside a match
   are accounted) or block (every line from one matching `pattern` up to the next line matching
   `until`), each with a class from NON_FIGURE_CLASSES and a reason.

Everything is found by text, not by line number, so the ledger works on a reader's own
extraction of the document as well as on our text layers. Prints per source "N of M numbers
accounted" and names the line of every number it cannot account for.
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from verify_sources import Document, own_extraction, quoted_items, read_csv, read_excerpt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pipelines.lib.left_out import LEFT_OUT_CLASSES, NON_FIGURE_CLASSES  # noqa: E402  (the pipeline's one list)

# Written numbers the package reads as figures ("één op vijf", "twee derde", "drie brigades").
WORDS = (
    "één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|zestien|"
    "zeventien|achttien|negentien|twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig|"
    "honderd|duizend|helft|kwart|tweederde"
)
TOKEN = re.compile(rf"\d+(?:[.,]\d+)*|\b(?:{WORDS})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Token:
    line: int  # 1-based
    column: int  # in the folded line
    text: str
    # its place in each variant of the squashed text: (start, end)
    spans: tuple[tuple[int, int], ...]


@dataclass
class Declaration:
    file: str
    line: int
    kind: str
    pattern: re.Pattern[str]
    until: re.Pattern[str] | None
    reason: str


def tokens(doc: Document) -> list[Token]:
    """Every number token of the document, with where it stands in each variant's text."""
    out = []
    for number, folded in enumerate(doc.folded, start=1):
        for match in TOKEN.finditer(folded):
            before = len("".join(folded[: match.start()].split()))
            length = len("".join(match.group().split()))
            spans = tuple((offsets[number - 1] + before, offsets[number - 1] + before + length) for offsets in doc.offsets)
            out.append(Token(number, match.start(), match.group(), spans))
    return out


def declarations(path: Path, relative: str) -> tuple[list[Declaration], list[str]]:
    """The declared non-figures of one source, and the problems with the file."""
    if not path.is_file():
        return [], []
    out, problems = [], []
    for line, row in read_csv(path):
        kind = row.get("class", "")
        if kind not in NON_FIGURE_CLASSES:
            problems.append(f"{relative}, line {line}, field 'class': {kind!r} is not one of {sorted(NON_FIGURE_CLASSES)}")
            continue
        if not row.get("reason", "").strip():
            problems.append(f"{relative}, line {line}, field 'reason': empty; say why these numbers are not figures")
        try:
            pattern = re.compile(row.get("pattern", ""))
            until = re.compile(row["until"]) if row.get("until") else None
        except re.error as error:
            problems.append(f"{relative}, line {line}: not a regular expression ({error})")
            continue
        if not pattern.pattern:
            problems.append(f"{relative}, line {line}, field 'pattern': empty")
            continue
        out.append(Declaration(relative, line, kind, pattern, until, row.get("reason", "")))
    return out, problems


def declared(doc: Document, rules: Iterable[Declaration]) -> tuple[set[tuple[int, int]], dict[tuple[str, int], int]]:
    """(line, column) of every token inside a declared non-figure, and how many each rule covers."""
    spans: dict[int, list[tuple[int, int]]] = {}  # the lines that have numbers, and where they stand
    for number, folded in enumerate(doc.folded, start=1):
        found = [(m.start(), m.end()) for m in TOKEN.finditer(folded)]
        if found:
            spans[number] = found
    covered: set[tuple[int, int]] = set()
    used: dict[tuple[str, int], int] = {}
    for rule in rules:
        count = 0
        if rule.until is not None:
            block = False
            for number, folded in enumerate(doc.folded, start=1):
                if not block and rule.pattern.search(folded):
                    block = True
                elif block and rule.until.search(folded):
                    block = False
                if block:
                    for start, _ in spans.get(number, ()):
                        covered.add((number, start))
                        count += 1
        else:
            for number, found in spans.items():
                for outer in rule.pattern.finditer(doc.folded[number - 1]):
                    for start, end in found:
                        if outer.start() <= start and end <= outer.end() and outer.end() > outer.start():
                            covered.add((number, start))
                            count += 1
        used[(rule.file, rule.line)] = count
    return covered, used


def union(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Overlapping and touching ranges merged, as sorted starts and their ends (for bisect)."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(spans):
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


@dataclass
class Account:
    source_id: str
    total: int
    accounted: int
    unaccounted: list[Token]
    by: dict[str, int]  # how many tokens each way accounts for


def account(doc: Document, source_id: str, covering: Mapping[str, Iterable[str]], non_figures: set[tuple[int, int]]) -> Account:
    """Which number tokens of one document are accounted for, and how. `covering` gives the texts
    that account for the numbers inside them, by way: 'quote' (a published row's quote or
    as-printed text), 'excerpt' (a printed table's excerpt), 'left_out' (a left_out.csv quote)."""
    found = tokens(doc)
    ranges: dict[str, list[list[tuple[int, int]]]] = {}
    for kind, texts in covering.items():
        ranges[kind] = [[] for _ in doc.variants]
        for text in texts:
            for variant, spans in enumerate(doc.occurrences(text)):
                ranges[kind][variant] += spans
    merged = {way: [union(spans) for spans in variants] for way, variants in ranges.items()}

    def inside(token: Token, way: str) -> bool:
        for variant, (start, end) in enumerate(token.spans):
            starts, ends = merged[way][variant]
            i = bisect.bisect_right(starts, start) - 1
            if i >= 0 and end <= ends[i]:
                return True
        return False

    by = {way: 0 for way in [*covering, "non_figure"]}
    unaccounted: list[Token] = []
    for token in found:
        way: str | None = next((w for w in covering if inside(token, w)), None)
        if way is None and (token.line, token.column) in non_figures:
            way = "non_figure"
        if way is None:
            unaccounted.append(token)
        else:
            by[way] += 1
    return Account(source_id, len(found), len(found) - len(unaccounted), unaccounted, by)


def first_entry(path: Path) -> bool:
    """A raw file someone typed first (not a second entry, a third reading or left_out.csv)."""
    return (
        path.parent.name != "second_entry"
        and not path.name.startswith(("second_", "third_"))
        and path.name not in ("left_out.csv", "non_figures.csv")
    )


def excerpt_texts(root: Path) -> dict[str, list[str]]:
    """The lines of every excerpt, by source (one text per line: a reader's own extraction may
    order them otherwise)."""
    out: dict[str, list[str]] = {}
    for path in sorted((root / "data" / "raw").rglob("*.excerpt.txt")):
        source_id, _, body = read_excerpt(path)
        out.setdefault(source_id, []).extend(line for line in body if line.strip())
    return out


def left_out_quotes(root: Path) -> tuple[dict[str, list[str]], list[str]]:
    """The quotes of every left_out.csv, by source, and the rows whose reason class is not allowed."""
    out: dict[str, list[str]] = {}
    problems = []
    for path in sorted((root / "data" / "raw").glob("*/left_out.csv")):
        relative = path.relative_to(root).as_posix()
        for line, row in read_csv(path):
            if "reason_class" in row and row["reason_class"] not in LEFT_OUT_CLASSES:
                problems.append(
                    f"{relative}, line {line}, field 'reason_class': {row['reason_class']!r} is not one of {sorted(LEFT_OUT_CLASSES)}"
                )
                continue
            if row.get("quote"):
                out.setdefault(path.parent.name, []).append(row["quote"])
    return out, problems


def ledger(
    root: Path, folder: Path, tables: Path | None = None, own: bool = False, only: str | None = None
) -> tuple[list[Account], list[str], dict[str, list[str]]]:
    """The ledger of every source whose text layer is in `folder` (or of the source `only`): the
    accounts, the problems with the declarations and left_out.csv files, and each document's
    lines (to name them)."""
    tables = tables or root / "data"
    sources = {row["source_id"]: row for _, row in read_csv(tables / "sources.csv")}
    items = quoted_items(root, set(sources), tables)
    excerpts = excerpt_texts(root)
    leaving, problems = left_out_quotes(root)
    accounts, lines = [], {}
    for source_id, row in sources.items():
        path = folder / row["text_layer_file"]
        if not path.is_file() or (only and source_id != only):
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        doc = Document.read(source_id, own_extraction(text) if own else text)
        quotes = [
            i.text
            for i in items
            if i.source_id == source_id and (not i.file.startswith("data/raw/") or first_entry(Path(i.file.split(" (")[0])))
        ]
        relative = f"data/raw/{source_id}/non_figures.csv"
        rules, wrong = declarations(root / relative, relative)
        problems += wrong
        non_figures, used = declared(doc, rules)
        if not own:  # a reader's own extraction may break a line where a pattern expects it whole
            problems += [f"{file}, line {line}: declares no number of the document" for (file, line), n in used.items() if n == 0]
        covering = {"quote": quotes, "excerpt": excerpts.get(source_id, []), "left_out": leaving.get(source_id, [])}
        accounts.append(account(doc, source_id, covering, non_figures))
        lines[source_id] = doc.lines
    return accounts, problems, lines


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="The number ledger: every number of every text layer accounted for.")
    parser.add_argument("sources", type=Path, help="folder holding the text layers named in data/sources.csv")
    parser.add_argument("--source", help="only this source_id")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    accounts, problems, lines = ledger(root, args.sources, only=args.source)
    for account_ in accounts:
        if args.source and account_.source_id != args.source:
            continue
        ways = ", ".join(f"{n} by {way}" for way, n in account_.by.items())
        print(f"{account_.source_id}: {account_.accounted} of {account_.total} numbers accounted ({ways})")
        for token in account_.unaccounted:
            text = lines[account_.source_id][token.line - 1].strip()[:140]
            print(f"  {account_.source_id}, line {token.line}: number {token.text!r} not accounted for: {text}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems or any(a.unaccounted for a in accounts) else 0


if __name__ == "__main__":
    raise SystemExit(main())
