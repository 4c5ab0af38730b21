"""Verify the package against the documents' text layers: make verify-sources SOURCES=DIR.

For anyone holding the text layers whose SHA-256 data/sources.csv lists:

1. each text layer's SHA-256 (a missing or different file is an error);
2. every excerpt (data/raw/**/*.excerpt.txt): its lines equal the text layer at its line range;
3. every quote in every published resource and raw file (columns QUOTE_COLUMNS) and every text
   typed as printed (AS_PRINTED) occurs verbatim in the document, under the normalisation below;
4. where a row's locator names a section (§2.1 or a heading), a table, a figure or a footnote
   that the text layer marks, the quote lies inside it.

Normalisation (the only differences allowed between a quote and the document): Unicode NFC,
non-breaking spaces; Markdown emphasis markers (`**`, `*`); a hyphen at a line end (the word
may be joined with or without it); all whitespace, so line breaks, line joins and spacing do not
count; an ellipsis (… or ...) in a quote marks words left out, and the parts must occur in order;
a title and its subtitle, printed on lines of their own, are joined by '. ' in `title`.
Free-text notes are not checked.

Prints per source the counts checked and every mismatch with file, line and field; exits 1 on
any mismatch or missing text layer.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUOTE_COLUMNS = ("quote", "evidence_quote", "inputs_quote", "left_quote", "right_quote", "reuse_terms_quote")
# Text typed as printed, by resource or raw file name: {column: condition on the row}.
AS_PRINTED: dict[str, dict[str, tuple[str, str] | None]] = {
    "poll_questions": {"text_nl": None, "base_description": None},
    "poll_waves": {"label_as_printed": None},
    "sources": {"title": ("title_as_printed", "true")},
    "party_positions": {"item": ("cell_status", "transcribed")},
    "poll_results": {"item": ("value_origin", "table")},
}
ELLIPSIS = re.compile(r"…|\.\.\.")


@dataclass
class Document:
    """A text layer, normalised for matching, with the line each normalised character is on."""

    source_id: str
    lines: list[str]
    variants: list[tuple[str, list[int]]] = field(default_factory=list)  # (text, line of each char)
    spans: dict[str, list[tuple[int, int]] | None] = field(default_factory=dict)  # locator -> line ranges
    starts: list[int] | None = None  # lines that start a part (headings, captions)
    # each line folded and squashed once: finding the parts locators name reads them again and again
    folded: list[str] = field(default_factory=list)
    squashed: list[str] = field(default_factory=list)

    # where each line starts in each variant's text (the ledger finds numbers by it)
    offsets: list[list[int]] = field(default_factory=list)
    # the lines that can start a heading (shorter than 120 characters), by the first character of
    # their squashed text: a heading starts with its first character, so finding one reads only
    # these (1.5 million calls of heads() over every line took 3 s of make test)
    by_initial: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def read(cls, source_id: str, text: str) -> Document:
        doc = cls(source_id, text.split("\n"))
        doc.folded = [fold(line) for line in doc.lines]
        doc.squashed = ["".join(line.split()) for line in doc.folded]
        for number, (line, text) in enumerate(zip(doc.lines, doc.squashed, strict=True), start=1):
            if text and len(line.strip()) < 120:
                doc.by_initial.setdefault(text[0], []).append(number)
        for keep_hyphen in (False, True):
            chars, where, offsets, offset = [], [], [], 0
            for number, body in enumerate(doc.squashed, start=1):
                if body.endswith("-") and not keep_hyphen:
                    body = body[:-1]
                chars.append(body)
                where += [number] * len(body)
                offsets.append(offset)
                offset += len(body)
            doc.variants.append(("".join(chars), where))
            doc.offsets.append(offsets)
        return doc

    def occurrences(self, quote: str) -> list[list[tuple[int, int]]]:
        """Per variant, the (start, end) ranges of its text where the quote occurs (with an
        ellipsis: from the first part's start to the last part's end)."""
        parts = [squash(part) for part in ELLIPSIS.split(quote)]
        parts = [p for p in parts if p]
        out: list[list[tuple[int, int]]] = []
        for text, _ in self.variants:
            found = []
            start = text.find(parts[0]) if parts else -1
            while start >= 0:
                position = end = start + len(parts[0])
                for part in parts[1:]:
                    position = text.find(part, position)
                    if position < 0:
                        break
                    end = position = position + len(part)
                else:
                    found.append((start, end))
                start = text.find(parts[0], start + 1)
            out.append(found)
        return out

    def find(self, quote: str) -> list[tuple[int, int]]:
        """Line ranges where the quote occurs (empty when it does not)."""
        return sorted(
            {(where[start], where[end - 1]) for (_, where), found in zip(self.variants, self.occurrences(quote)) for start, end in found}
        )


def fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
    return text.replace("**", "").replace("*", "")


def squash(text: str) -> str:
    return "".join(fold(text).split())


# ---- where a locator points in a text layer ----------------------------------------------

NUMBERED = re.compile(r"^\s*§?(\d{1,2}(?:\.\d{1,2})+)\.?\s+[A-ZÀ-Ý‘'\"]")  # 2.1 Defensie als thema (not 1.329.300 actieve)
CAPTION = re.compile(r"^\s*(Tabel|Table|Figuur|Figure)\s+(\d+(?:\.\d+)*)\b")
FOOTNOTE = re.compile(r"^\s*(\d{1,3}|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s+\S")
SUPERSCRIPTS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")


def boundaries(doc: Document, names: set[str]) -> list[int]:
    """Lines that start a part: numbered headings, captions and the named headings in use."""
    out = set()
    for number, folded in enumerate(doc.folded, start=1):
        text = folded.strip()
        if (NUMBERED.match(text) and len(text) < 100) or CAPTION.match(text):
            out.add(number)
    for key in (squash(name) for name in names):
        out.update(number for number in doc.by_initial.get(key[:1], []) if heads(doc, number, key))
    return sorted(out)


def heads(doc: Document, number: int, key: str) -> bool:
    """Whether line `number` starts the heading `key` (squashed): the whole line, its start
    ('Samenvatting. Vertrouwen ...'), or a heading broken over up to three lines."""
    text = doc.squashed[number - 1]
    if not key or not text or len(doc.lines[number - 1].strip()) >= 120:
        return False
    if text == key or (text.startswith(key) and text[len(key) : len(key) + 1] in ".:"):
        return True
    if len(text) >= 8 and key.startswith(text):
        joined = "".join(doc.squashed[number - 1 : number + 2])
        return joined.startswith(key)
    return False


def locator_parts(locator: str) -> list[tuple[str, str]]:
    """('section'|'caption'|'footnote'|'heading', key) for each part of a locator; a part's text
    outside these marks ('Samenvatting' in 'Samenvatting (Figuur 1.2)') is a named heading."""
    parts = []
    for piece in locator.split(";"):
        marks = []
        marks += [("section", n) for n in re.findall(r"§\s*(\d+(?:\.\d+)*)", piece)]
        marks += [("caption", f"{k} {n}") for k, n in re.findall(r"\b(Tabel|Table|Figuur|Figure)\s+(\d+(?:\.\d+)*)", piece)]
        for group in re.findall(r"\b(?:footnotes?|voetnoot|noten?)\s+((?:\d+(?:\s*(?:,|and|en|-)\s*)?)+)", piece, re.I):
            marks += [("footnote", n) for n in re.findall(r"\d+", group)]
        rest = re.sub(
            r"§\s*\d+(?:\.\d+)*|\b(?:Tabel|Table|Figuur|Figure)\s+\d+(?:\.\d+)*"
            r"|\b(?:footnotes?|voetnoot|noten?)\s+\d+(?:\s*(?:,|and|en|-)\s*\d+)*",
            " ",
            piece,
            flags=re.I,
        )
        rest = re.sub(r"\s*\([^()]*\)\s*$", "", rest).strip(" ,:")
        if len(rest) > 3:
            marks.append(("heading", " ".join(rest.split())))
        parts += marks
    return parts


def spans_of(doc: Document, locator: str, names: set[str]) -> list[tuple[int, int]] | None:
    """Line ranges the locator names, or None when the text layer marks none of its parts."""
    if locator not in doc.spans:
        doc.spans[locator] = find_spans(doc, locator, names)
    return doc.spans[locator]


def find_spans(doc: Document, locator: str, names: set[str]) -> list[tuple[int, int]] | None:
    lines, folded = doc.lines, doc.folded
    if doc.starts is None:
        doc.starts = boundaries(doc, names)
    starts = doc.starts
    last = len(lines)
    out = []
    for kind, key in locator_parts(locator):
        if kind == "section":
            for number, line in enumerate(lines, start=1):
                match = NUMBERED.match(folded[number - 1]) if len(line) < 100 else None
                if match and match.group(1) == key:
                    # a numbered section runs to the next numbered heading that is not one of its subsections
                    end = next(
                        (n - 1 for n in starts if n > number and NUMBERED.match(folded[n - 1]) and not is_child(folded[n - 1], key)),
                        last,
                    )
                    out.append((number, end))
        elif kind == "caption":
            for number, text in enumerate(folded, start=1):
                match = CAPTION.match(text)
                if match and f"{match.group(1)} {match.group(2)}" == key:
                    # captions stand above or below their table: the part between the neighbouring boundaries
                    before = max([n for n in starts if n < number] or [1])
                    after = min([n - 1 for n in starts if n > number] or [last])
                    out.append((before, after))
        elif kind == "footnote":
            for number, text in enumerate(folded, start=1):
                match = FOOTNOTE.match(text)
                if match and match.group(1).translate(SUPERSCRIPTS) == key:
                    # a footnote runs on (across the blank lines of the layer) until the next footnote
                    end = number
                    while end < min(last, number + 8) and not FOOTNOTE.match(folded[end]) and end + 1 not in starts:
                        end += 1
                    out.append((number, end))
        else:
            headings = [n for n in starts if not CAPTION.match(folded[n - 1].strip())]  # figures stand inside sections
            key = squash(key)
            for number in doc.by_initial.get(key[:1], []):
                if heads(doc, number, key):
                    end = min([n - 1 for n in headings if n > number] or [last])
                    out.append((number, end))
    return out or None


def is_child(folded: str, key: str) -> bool:
    match = NUMBERED.match(folded)
    return match is not None and match.group(1).startswith(key + ".")


# ---- what is checked ----------------------------------------------------------------------


@dataclass
class Item:
    file: str
    line: int
    field: str
    source_id: str
    text: str
    locator: str


def read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""))
    out, line = [], 2
    for row in reader:
        out.append((line, row))
        line = reader.line_num + 1
    return out


def quoted_items(root: Path, sources: set[str], tables: Path) -> list[Item]:
    """Every quote and as-printed text of the resources (published in data/, or staged in
    build/tidy/ before publishing) and the raw files."""
    items = []
    files = sorted(tables.glob("*.csv")) + sorted((root / "data" / "raw").rglob("*.csv"))
    for path in files:
        relative = path.relative_to(root).as_posix()
        # a raw file's document is its folder under data/raw/ (second entries sit one level deeper)
        folder = path.relative_to(root / "data" / "raw").parts[0] if path.parent != tables else ""
        name = path.stem if folder in ("", "reference") and path.parent.name != "second_entry" else ""
        base = relative
        for line, row in read_csv(path):
            # a staged row: name the raw line it was typed on as well
            staged = tables != root / "data" and row.get("raw_file") and row.get("raw_line")
            relative = f"{base} (from {row['raw_file']}, line {row['raw_line']})" if staged else base
            default = row.get("source_id") or (folder if folder in sources else "")
            columns = [c for c in QUOTE_COLUMNS if row.get(c)]
            for column, condition in AS_PRINTED.get(name, {}).items():
                if row.get(column) and (condition is None or row.get(condition[0]) == condition[1]):
                    columns.append(column)
            for column in columns:
                source = default
                if column in ("left_quote", "right_quote"):
                    source = row.get(f"{column.split('_')[0]}_source_id") or default
                locator = (
                    row.get(f"{column.split('_')[0]}_locator", "")
                    if column in ("left_quote", "right_quote")
                    else (
                        row.get("evidence_locator")
                        if column == "evidence_quote"
                        else row.get("inputs_locator")
                        if column == "inputs_quote"
                        else row.get("locator", "")
                    )
                )
                items.append(Item(relative, line, column, source, row[column], locator or ""))
    return items


def read_excerpt(path: Path) -> tuple[str, int, list[str]]:
    """An excerpt's source_id, the line of the text layer its body starts at, and its body."""
    lines = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").split("\n")
    header: dict[str, str] = {}
    for line in lines[:3]:
        if match := re.fullmatch(r"# (\w+): (\S+)", line.strip()):
            header[match.group(1)] = match.group(2)
    body = lines[3:]
    if body and body[-1] == "":
        body = body[:-1]
    return header["source_id"], int(header["lines"].split("-")[0]), body


def excerpt_problems(root: Path, texts: dict[str, str], by_text: bool = False) -> tuple[Counter, list[str]]:
    """Every excerpt against its text layer: line by line at its line range, or (by_text, for a
    reader's own extraction) its lines found in the document, in order, white space aside."""
    counts: Counter[str] = Counter()
    problems: list[str] = []
    for path in sorted((root / "data" / "raw").rglob("*.excerpt.txt")):
        relative = path.relative_to(root).as_posix()
        source_id, first, body = read_excerpt(path)
        if source_id not in texts:
            continue
        counts[source_id] += 1
        if by_text:
            whole, position = squash(texts[source_id]), 0
            for offset, line in enumerate(body):
                # a page number that fell inside the table is dropped from the reader's extraction too
                skipped = not line.strip() or PAGE_NUMBER.match(line)
                found = position if skipped else whole.find(squash(line), position)
                if found < 0:
                    problems.append(f"{relative}, line {offset + 4}: not in the text of {source_id} (after the excerpt's lines before it)")
                    break
                position = found
            continue
        document = texts[source_id].split("\n")
        for offset, line in enumerate(body):
            number = first + offset
            if number > len(document) or line.rstrip() != document[number - 1].rstrip():
                problems.append(f"{relative}, line {offset + 4}: differs from line {number} of the text layer of {source_id}")
    return counts, problems


# A page number alone on a line, or 'Pag. 4/20', in a reader's own extraction.
PAGE_NUMBER = re.compile(r"^\s*(?:Pag(?:ina)?\.?\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?\s*$", re.IGNORECASE)


def own_extraction(text: str) -> str:
    """A reader's own extraction with its page furniture dropped: form feeds, lines that are only
    a page number, and short lines that recur on many pages (running headers and footers), which
    would otherwise stand in the middle of a quote that runs across a page break."""
    lines = text.replace("\f", "\n").split("\n")
    recurring = Counter(line.strip() for line in lines if 0 < len(line.strip()) <= 80)
    furniture = {line for line, n in recurring.items() if n >= 3 and not re.search(r"[.;:]$", line)}
    return "\n".join(line for line in lines if not PAGE_NUMBER.match(line) and line.strip() not in furniture)


def verify(
    root: Path, folder: Path, tables: Path | None = None, own: bool = False, notes: list[str] | None = None
) -> tuple[dict[str, Counter], list[str]]:
    """The package against the text layers in `folder`; `tables` holds the resources (data/, or
    build/tidy/ to verify what is about to be published).

    own: the files are a reader's own extraction of the documents (their PDF through pdftotext,
    say), not our text layers: a different SHA-256 is a note (in `notes`), not a mismatch; running
    page headers and footers are dropped (own_extraction); excerpts are found by their text, not
    at their line numbers; and whether a quote stands inside the part its locator names is not
    checked, since the parts are found by the layout of our text layers."""
    tables = tables or root / "data"
    sources = {row["source_id"]: row for _, row in read_csv(tables / "sources.csv")}
    counts: dict[str, Counter] = defaultdict(Counter)
    problems: list[str] = []
    texts: dict[str, str] = {}
    for source_id, row in sources.items():
        path = folder / row["text_layer_file"]
        if not path.is_file():
            problems.append(f"{source_id}: text layer {path} is missing")
            continue
        content = path.read_bytes()
        if own:
            digest = hashlib.sha256(content).hexdigest()
            if digest != row["text_layer_sha256"] and notes is not None:
                notes.append(
                    f"{source_id}: {path} is not our text layer (sha256 {digest[:12]}…, ours {row['text_layer_sha256'][:12]}…): "
                    "verified by text, as a reader's own extraction"
                )
            counts[source_id]["own extraction"] += 1
            texts[source_id] = own_extraction(content.decode("utf-8", errors="replace"))
            continue
        if hashlib.sha256(content).hexdigest() != row["text_layer_sha256"]:
            problems.append(
                f"{source_id}: {path} has sha256 {hashlib.sha256(content).hexdigest()}, "
                f"but data/sources.csv lists {row['text_layer_sha256']}: not the text layer the package was transcribed from"
            )
            continue
        counts[source_id]["text layer sha256"] += 1
        texts[source_id] = content.decode("utf-8")
    excerpts, wrong = excerpt_problems(root, texts, by_text=own)
    problems += wrong
    for source_id, number in excerpts.items():
        counts[source_id]["excerpts"] += number
    documents = {s: Document.read(s, t) for s, t in texts.items()}
    items = quoted_items(root, set(sources), tables)
    names: dict[str, set[str]] = defaultdict(set)
    for item in items:
        for kind, key in locator_parts(item.locator):
            if kind == "heading":
                names[item.source_id].add(key)
    for item in items:
        doc = documents.get(item.source_id)
        if doc is None:
            if item.source_id not in sources:
                problems.append(f"{item.file}, line {item.line}, field '{item.field}': no source to verify against ({item.source_id!r})")
            continue
        kind = "as printed" if item.field not in QUOTE_COLUMNS else "quotes"
        counts[item.source_id][kind] += 1
        # a title and its subtitle, printed on lines of their own, are joined by '. ' in `title`
        found = doc.find(item.text.replace(". ", " … ") if item.field == "title" else item.text)
        if not found:
            problems.append(
                f"{item.file}, line {item.line}, field '{item.field}': not in the text layer of {item.source_id}: {item.text[:90]!r}"
            )
            continue
        spans = spans_of(doc, item.locator, names[item.source_id]) if item.locator and not own else None
        if spans is None:
            continue
        counts[item.source_id]["inside their locator"] += 1
        if not any(start <= a and b <= end for a, b in found for start, end in spans):
            lines = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in found)
            problems.append(
                f"{item.file}, line {item.line}, field '{item.field}': the text stands at line(s) {lines} of {item.source_id}, "
                f"outside the part its locator {item.locator!r} names"
            )
    return counts, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify every quote and excerpt against the text layers.")
    parser.add_argument("sources", type=Path, help="folder holding the text layers named in data/sources.csv")
    parser.add_argument(
        "--staged", action="store_true", help="verify the staged tables in build/tidy/ (before publishing) instead of data/"
    )
    parser.add_argument(
        "--own-extraction",
        action="store_true",
        help="the folder holds your own extraction of the documents (e.g. pdftotext of the PDFs), not our text layers",
    )
    args = parser.parse_args(argv)
    if not args.sources.is_dir():
        print(f"verify-sources: {args.sources} is not a folder of text layers", file=sys.stderr)
        return 1
    staged = ROOT / "build" / "tidy"
    if args.staged and not (staged / "sources.csv").is_file():
        print("verify-sources --staged: build/tidy/ has no staged tables; run `dvc repro tidy` first", file=sys.stderr)
        return 1
    notes: list[str] = []
    counts, problems = verify(ROOT, args.sources, staged if args.staged else None, own=args.own_extraction, notes=notes)
    for note in notes:
        print(f"note: {note}")
    for source_id in sorted(counts):
        summary = ", ".join(f"{n} {what}" for what, n in counts[source_id].items())
        print(f"{source_id}: {summary}")
    if not args.staged:  # the number ledger (scripts/ledger.py, which builds on this module) reads what is published
        import ledger

        accounts, wrong, _ = ledger.ledger(ROOT, args.sources, own=args.own_extraction)
        problems += wrong
        for account in accounts:
            rest = f"; {len(account.unaccounted)} not yet (make ledger lists them)" if account.unaccounted else ""
            print(f"{account.source_id}: {account.accounted} of {account.total} numbers accounted{rest}")
    for problem in problems:
        print(problem, file=sys.stderr)
    print(
        f"verify-sources: {len(problems)} mismatch(es)" if problems else "verify-sources: everything matches the text layers",
        file=sys.stderr if problems else sys.stdout,
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
