"""What a document states that the package does not publish: data/raw/<source>/left_out.csv, one
row per statement (locator, printed, quote, reason_class, reason), and the fixed list of reasons.

Only what is outside the package's subject, or already published, may be left out. "The package
has no place for it" is never a reason: an in-scope statement gets a place (a vocabulary value, a
comparator, a resource). `tidy` stops on a row whose class is not in LEFT_OUT_CLASSES, or whose
reason says a place is missing, naming the file, line and field; `make verify-sources` (the
number ledger, scripts/ledger.py) reads the same classes.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipelines.lib.raw import read_raw_csv

# Why a number of a document is not a figure of the package (non_figures.csv `class`).
NON_FIGURE_CLASSES = {
    "footnote_marker": "a footnote's number, in the text or before the footnote",
    "section_number": "the number of a section, table, figure, page, list item or recommendation",
    "page_furniture": "page headers and footers, page numbers",
    "bibliographic_reference": "a reference to a publication: its year, volume, pages, report or document number",
    "document_number": "the number of a parliamentary paper, a letter, an ISBN, a telephone number or an address",
    "date": "the date of a meeting, a publication, a letter or an event",
    "title": "a number in the title of a document, a law, an organisation or a programme",
    "outside_subject": "a number the document states about something outside the package's subject",
    "not_a_number": "a word spelled like a number word that is not one here ('acht' of the verb 'achten')",
}
# Why a left_out.csv row is not published (its `reason_class`).
LEFT_OUT_CLASSES = {
    **NON_FIGURE_CLASSES,
    "restatement": "restates a value the package publishes (named in the reason)",
}
COLUMNS = ["locator", "printed", "quote", "reason_class", "reason"]
# the words of a reason that blames the package's lack of a place rather than the statement
NO_PLACE = re.compile(
    r"no place|has no form|no resource|no comparator|change to the (?:package|pipeline)|pipeline change|"
    r"needs a (?:change|pipeline)|not yet|cannot be checked",
    re.IGNORECASE,
)


def problems(folder: Path) -> list[str]:
    """The rows of a left_out.csv (if the folder has one) that are not allowed, by file, line and field."""
    path = folder / "left_out.csv"
    if not path.is_file():
        return []
    found = []
    for row in read_raw_csv(path, COLUMNS):
        where = f"{row.file}, line {row.line}"
        if row.cells["reason_class"] not in LEFT_OUT_CLASSES:
            found.append(f"{where}, field 'reason_class': {row.cells['reason_class']!r} is not one of {sorted(LEFT_OUT_CLASSES)}")
        if match := NO_PLACE.search(row.cells["reason"]):
            found.append(
                f"{where}, field 'reason': {match.group(0)!r}: a statement in the package's subject gets a place, "
                "not a left_out.csv row (pipelines/lib/left_out.py)"
            )
        if not row.cells["quote"]:
            found.append(f"{where}, field 'quote': empty; quote the words left out")
    return found
