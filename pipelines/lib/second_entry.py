"""Second entries: comparing a first entry with an independent second one, field by field or
figure by figure, and the `checks` row of each comparison that agreed. The document modules
say what to compare (their `Document.second_entries`); the `double_entry` stage runs them."""

from __future__ import annotations

import re

from pipelines.lib import prose
from pipelines.lib.dutch_numbers import numbers_in
from pipelines.lib.package import RAW, read_staged, rel
from pipelines.lib.raw import InputError, read_raw_csv, read_table

# the resources typed from prose, whose figures an independent extraction must find
PROSE_RESOURCES = tuple(prose.CHECKS)

Entry = tuple[str, int, str, str]  # (file, line, field, value)


def at(entry: Entry) -> str:
    file, line, field, value = entry
    return f"{file}, line {line}, field '{field}': {value!r}"


def compare(first: dict[tuple, Entry], second: dict[tuple, Entry], what: str) -> list[str]:
    """One problem per key where the two entries differ or only one has the key."""
    problems = []
    for key in sorted(first.keys() | second.keys(), key=str):
        a, b = first.get(key), second.get(key)
        if a and b and a[3] != b[3]:
            problems.append(f"{at(a)} but {at(b)}: the two entries of {what} {key} disagree")
        elif a and not b:
            problems.append(f"{at(a)}: {what} {key} has no second entry in {second_file(second)}")
        elif b and not a:
            problems.append(f"{at(b)}: {what} {key} is in the second entry only")
    return problems


def second_file(entries: dict[tuple, Entry]) -> str:
    return next(iter(entries.values()))[0] if entries else "the second transcription"


def check(check_id: str, description: str, source_id: str, compared: int) -> dict[str, str]:
    """The checks row of a comparison; only passing ones are published (a disagreement stops the run)."""
    return {
        "check_id": check_id,
        "kind": "double_entry",
        "tool": "double_entry",
        "description": description,
        "status": "pass",
        "expected": f"{compared} as in the second entry",
        "observed": f"{compared} equal",
        "source_id": source_id,
    }


# ---- prose: every figure an extraction found is published or left out ------------------------


def squash(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("**", "").split()).lower()


def overlaps(a: str, b: str) -> bool:
    return a in b or b in a or (len(a) > 30 and a[:30] in b) or (len(b) > 30 and b[:30] in a) or (len(a) > 30 and a[-30:] in b)


def left_out(source_id: str) -> list[tuple[str, str]]:
    path = RAW / source_id / "left_out.csv"
    if not path.is_file():
        return []
    return [
        (squash(r.cells["quote"]), squash(" ".join(r.cells.values())))
        for r in read_raw_csv(path, ["locator", "printed", "quote", "reason_class", "reason"])
    ]


def prose_figures(source_id: str) -> tuple[list[dict], list[str]]:
    """Every figure of the independent extractions of a document's prose
    (data/raw/<source_id>/second_transcription_*.csv) is in a staged row of that document, or
    listed with a reason in its left_out.csv."""
    staged = {name: read_staged(name) for name in PROSE_RESOURCES}
    checks, problems = [], []
    texts = [
        (squash(row[q]), squash(" ".join(row.values())))
        for name in PROSE_RESOURCES
        for row in staged[name]
        if row["source_id"] == source_id
        for q in ("quote", "inputs_quote")
        if row.get(q)
    ]
    texts += left_out(source_id)
    ours = [(q, text, numbers_in(text, as_text=True)) for q, text in texts]  # compared with every figure: parsed once
    for path in sorted((RAW / source_id).glob("second_transcription_*.csv")):
        found, compared = [], 0
        extraction = read_table(path)
        missing = [c for c in ("category", "printed", "quote") if extraction and c not in extraction[0].cells]
        if missing:
            raise InputError([f"{rel(path)}, line 1 (header): missing column(s) {missing}"])
        for figure in extraction:
            if figure.cells["category"] == "other_number":
                continue
            compared += 1
            # the text layer glues footnote numbers to a sentence's full stop ('Roemenië.313')
            quote = re.sub(r"\.\d{1,3}$", ".", squash(figure.cells["quote"]))
            wanted = numbers_in(figure.cells["printed"], as_text=True) or {squash(figure.cells["printed"])}
            if not any(overlaps(quote, q) and (wanted & found_in or any(w in text for w in wanted)) for q, text, found_in in ours):
                found.append(
                    f"{figure.file}, line {figure.line}, field 'printed': {figure.cells['printed']!r} ({figure.cells['quote'][:60]!r}) "
                    f"is in no staged row of {source_id} and not in data/raw/{source_id}/left_out.csv"
                )
        problems += found
        checks.append(
            check(
                f"double-entry-{path.stem.replace('_', '-')}-{source_id}",
                f"every figure of the independent extraction {rel(path)} is published or listed in left_out.csv",
                source_id,
                compared,
            )
        )
    return checks, problems
