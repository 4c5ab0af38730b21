"""The Ipsos I&O poll (June 2025): poll_questions, poll_waves, poll_results, poll_method and
its claims, how its second entries are compared, and its cross-checks (the margin of error,
the split-run halves, the method section against the sources table and poll_waves, and each
wave's label).

Tables are transcribed as printed (data/raw/<source>/tabel_*.csv) with a sidecar
(tabel_*.meta.yaml) that says what each printed column and row means; cells are melted into
one row per published percentage. Values that survive only in the prose (the charts are lost)
are in text_values.csv with their quote.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING

from pipelines.lib import dutch_numbers, excerpts, left_out, prose
from pipelines.lib.dutch_numbers import first_number, format_value, read_cell
from pipelines.lib.field_entry import Compared
from pipelines.lib.package import RAW, raw_columns, read_staged, rel
from pipelines.lib.raw import InputError, RawRow, StagedRow, load_yaml, read_raw_csv, read_table, staged
from pipelines.lib.second_entry import check, compare, squash
from pipelines.lib.stats import half_width, wilson
from pipelines.sources import (
    Check,
    CheckRow,
    CrossCheck,
    Document,
    EachRow,
    Found,
    Frames,
    Input,
    Recomputed,
    Restated,
    RowCheck,
    Staged,
    reference,
    staged_together,
)

if TYPE_CHECKING:
    import pandas as pd

SOURCE_ID = "ipsos-io-2025-06-navo"
FOLDER = RAW / SOURCE_ID
# the tables as printed, by raw file stem, in the order they are built
TABLES = {
    "tabel_1_1": "Tabel 1.1",
    "tabel_1_2": "Tabel 1.2",
    "tabel_2_3": "Tabel 2.3",
    "tabel_2_1": "Tabel 2.1",
    "tabel_3_1": "Tabel 3.1",
}
# the wave of the survey the report is about (its method section names it, not a table)
THIS_SURVEY = "2025-06b"


def result(raw: RawRow, column: str, *, value: float | None, base_n: int | None, **fields: object) -> dict[str, str]:
    """A poll_results row; confidence bounds wherever the value is exact and its base n known."""
    low = high = None
    exact = value is not None and fields.get("comparator") == "eq" and fields.get("approximate") == "false"
    if value is not None and exact and base_n:
        low, high = wilson(value, base_n)
    return staged(
        raw,
        column,
        value_pct=format_value(value),
        base_n=base_n,
        ci95_low_pct="" if low is None else f"{low:.1f}",
        ci95_high_pct="" if high is None else f"{high:.1f}",
        source_id=SOURCE_ID,
        **fields,
    )


def bool_text(flag: object) -> str:
    return "true" if flag else "false"


def table_results(stem: str) -> tuple[list[StagedRow], CheckRow]:
    meta = load_yaml(FOLDER / f"{stem}.meta.yaml")
    columns: dict[str, dict] = meta["columns"]
    rows_meta: dict[str, dict] = meta["rows"]
    raw_rows = read_raw_csv(FOLDER / f"{stem}.csv", ["row", *columns])
    name = rel(FOLDER / f"{stem}.csv")
    labels = [raw.cells["row"] for raw in raw_rows]
    problems = [
        f"{name}, line {raw.line}, field 'row': {raw.cells['row']!r} is not a row of {stem}.meta.yaml"
        for raw in raw_rows
        if raw.cells["row"] not in rows_meta
    ]
    problems += [f"{name}: row {label!r} of {stem}.meta.yaml is missing" for label in rows_meta if label not in labels]
    if problems:
        raise InputError(problems)
    excerpt = excerpts.read_excerpt(FOLDER / meta["excerpt"])
    printed = [
        (raw.line, rows_meta[raw.cells["row"]].get("printed_as", raw.cells["row"]), [raw.cells[c] for c in columns]) for raw in raw_rows
    ]
    problems = excerpts.compare(excerpt, name, [spec.get("printed_as", column) for column, spec in columns.items()], printed)
    problems += excerpts.verify_source(excerpt, SOURCE_ID)
    out = []
    for raw in raw_rows:
        label = raw.cells["row"]
        row_meta = rows_meta[label]
        for column, spec in columns.items():
            cell = raw.cells[column]
            keys = {**meta["cells"], **spec}
            missing = [k for k in ("question_id", "wave", "wave_label", "respondent_group") if k not in keys]
            if missing:
                problems.append(
                    f"{rel(FOLDER / f'{stem}.meta.yaml')}: column {column!r} has no {', '.join(missing)} (in `cells` or its own entry)"
                )
                continue
            if "answer" in row_meta:
                keys.update(answer=row_meta["answer"], answer_en=row_meta["answer_en"])
            else:
                keys.update(item=row_meta.get("item", label), item_en=row_meta["item_en"])
            status, value = "reported", None
            if cell == "*":
                status = "not_asked"
            elif cell == "-":
                status = "not_applicable"
            elif (digits := read_cell(cell, percent=meta["values"] == "percent", decimals=False)) is not None:
                value = float(digits)
            else:
                problems.append(
                    f"{name}, line {raw.line}, field '{column}': {cell!r} is not a "
                    f"{'percentage like 42%' if meta['values'] == 'percent' else 'whole number'}, '*' or '-'"
                )
                continue
            base_n: int | None = spec.get("base_n")
            notes = [n for n in (spec.get("note"), row_meta.get("note")) if n]
            out.append(
                result(
                    raw,
                    column,
                    value=value,
                    base_n=base_n if value is not None else None,
                    question_id=keys["question_id"],
                    wave=keys["wave"],
                    wave_label=keys["wave_label"],
                    respondent_group=keys["respondent_group"],
                    party_id="" if keys["respondent_group"] == "total" else keys["respondent_group"],
                    item=keys["item"],
                    item_en=keys["item_en"],
                    answer=keys["answer"],
                    answer_en=keys["answer_en"],
                    value_status=status,
                    comparator="eq" if value is not None else "",
                    approximate="false",
                    printed=cell,
                    value_origin="table",
                    indicative=bool_text(spec.get("indicative")),
                    locator=meta["locator"],
                    quote="",
                    note=" ".join(notes),
                )
            )
    if problems:
        raise InputError(problems)
    return out, excerpts.passed(excerpt, name, printed)


def waves() -> list[dict[str, str]]:
    return [staged(raw, **raw.cells, source_id=SOURCE_ID) for raw in read_raw_csv(FOLDER / "waves.csv", raw_columns("poll_waves"))]


def questions() -> list[dict[str, str]]:
    return [staged(raw, **raw.cells, source_id=SOURCE_ID) for raw in read_raw_csv(FOLDER / "questions.csv", raw_columns("poll_questions"))]


def split_run_halves_printed() -> str:
    """The two split-run halves as the report prints them ('1.100 or 1.153')."""
    facts = {raw.cells["fact_id"]: raw.cells["value_number"] for raw in read_raw_csv(FOLDER / "method.csv", raw_columns("poll_method"))}
    return " or ".join(f"{int(facts[k]):,}".replace(",", ".") for k in ("split_run_n_first", "split_run_n_second"))


def read_printed(raw: RawRow, problems: list[str]) -> tuple[float, str, bool] | None:
    """The printed words of a prose value read as a number; the quote must contain them."""
    cells = raw.cells
    if cells["printed"].lower() not in cells["quote"].lower():
        problems.append(f"{raw.file}, line {raw.line}, field 'quote': does not contain the printed value {cells['printed']!r}")
    try:
        return dutch_numbers.read_printed(cells["printed"])
    except ValueError as error:
        problems.append(f"{raw.file}, line {raw.line}, field 'printed': {error}")
        return None


def text_results() -> list[dict[str, str]]:
    path = FOLDER / "text_values.csv"
    columns = ["question_id", "wave", "respondent_group", "item", "item_en", "answer", "answer_en", "printed", "locator", "quote", "note"]
    bases = {raw.cells["question_id"]: raw.cells["base_n"] for raw in read_raw_csv(FOLDER / "questions.csv", raw_columns("poll_questions"))}
    out: list[StagedRow] = []
    problems: list[str] = []
    for raw in read_raw_csv(path, columns):
        cells = raw.cells
        reading = read_printed(raw, problems)
        if reading is None:
            continue
        value, comparator, approximate = reading
        base_n = None
        note = cells["note"]
        if cells["respondent_group"] == "total":
            if cells["question_id"].endswith("_split_run"):
                # each version was put to one half (n = 1.100 or 1.153); which is not stated, so
                # the value has no base n and no bounds
                halves = split_run_halves_printed()
                note = f"{note} Put to one split-run half, n = {halves}; the report does not say which.".strip()
            elif bases.get(cells["question_id"]):
                base_n = int(bases[cells["question_id"]])
        out.append(
            result(
                raw,
                "",
                value=value,
                base_n=base_n,
                question_id=cells["question_id"],
                wave=cells["wave"],
                wave_label="",  # a value stated in the prose has no column label
                respondent_group=cells["respondent_group"],
                party_id="" if cells["respondent_group"] == "total" else cells["respondent_group"],
                item=cells["item"],
                item_en=cells["item_en"],
                answer=cells["answer"],
                answer_en=cells["answer_en"],
                value_status="reported",
                comparator=comparator,
                approximate=bool_text(approximate),
                printed=cells["printed"],
                value_origin="text",
                indicative="false",
                locator=cells["locator"],
                quote=cells["quote"],
                note=note,
            )
        )
    if problems:
        raise InputError(problems)
    return out


def results() -> Staged:
    """poll_results from every table, then from the prose, with the check rows of the tables' excerpts."""
    rows, checks, problems = [], [], []
    for stem in TABLES:
        try:
            table, passed = table_results(stem)
        except InputError as error:
            problems.extend(error.problems)
            continue
        rows += table
        checks.append(passed)
    try:
        rows += text_results()
    except InputError as error:
        problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return Staged({"poll_results": rows}, checks)


def method() -> list[dict[str, str]]:
    records = read_raw_csv(FOLDER / "method.csv", raw_columns("poll_method"))
    problems = [p for raw in records for p in prose.context_problems(raw, "poll_method")]
    if problems:
        raise InputError(problems)
    return [staged(raw, **raw.cells, source_id=SOURCE_ID) for raw in records]


KEY_COLUMNS = ("question_id", "wave", "respondent_group", "item", "answer")
COMPARED = {"compared_wave": "wave", "compared_group": "respondent_group", "compared_answer": "answer"}


def claim(raw: RawRow, key: dict[str, str], **values: str) -> StagedRow:
    """A claims row about a poll value (the `key` of poll_results); `values` are the rest."""
    cells = raw.cells
    return staged(
        raw,
        "",
        claim_id=cells["claim_id"],
        source_id=SOURCE_ID,
        locator=cells["locator"],
        quote=cells["quote"],
        printed=cells["printed"],
        claimed_parties="",
        refers_to="poll_results",
        refers_key=json.dumps(key, ensure_ascii=False),
        discrepancy_id=cells["discrepancy_id"],
        note=cells["note"],
        **values,
    )


def claims() -> list[dict[str, str]]:
    columns = [
        "claim_id",
        "locator",
        "quote",
        "printed",
        "question_id",
        "wave",
        "respondent_group",
        "item",
        "answer",
        "discrepancy_id",
        "note",
    ]
    out: list[StagedRow] = []
    problems: list[str] = []
    for raw in read_raw_csv(FOLDER / "claims.csv", columns):
        cells = raw.cells
        reading = read_printed(raw, problems)
        if reading is None:
            continue
        value, comparator, approximate = reading
        key = {k: cells[k] for k in KEY_COLUMNS}
        out.append(
            claim(
                raw,
                key,
                claimed_value=format_value(value),
                comparator=comparator,
                approximate=bool_text(approximate),
                compared_key="",
                values_printed="true",
            )
        )
    if problems:
        raise InputError(problems)
    return out


def comparisons() -> list[dict[str, str]]:
    """Claims that compare a value with another without a number ('lager dan gemiddeld'): the
    value (question_id ... answer) against the row that differs from it in the compared_*
    columns given (the average is the total group), above, below or at its level, as the
    printed words say (dutch_numbers.COMPARISON_WORDS)."""
    columns = ["claim_id", "locator", "quote", "printed", *KEY_COLUMNS, *COMPARED, "values_printed", "discrepancy_id", "note"]
    out: list[StagedRow] = []
    problems: list[str] = []
    for raw in read_raw_csv(FOLDER / "comparisons.csv", columns):
        cells = raw.cells
        where = f"{raw.file}, line {raw.line}"
        if cells["printed"].lower() not in cells["quote"].lower():
            problems.append(f"{where}, field 'quote': does not contain the printed words {cells['printed']!r}")
        comparator = dutch_numbers.read_comparison(cells["printed"])
        if comparator is None:
            problems.append(
                f"{where}, field 'printed': {cells['printed']!r} is not a comparison in words "
                "(expected e.g. 'vaker', 'lager dan gemiddeld')"
            )
            continue
        if not any(cells[c] for c in COMPARED):
            problems.append(f"{where}, fields {list(COMPARED)}: all empty; name what the value is compared with")
        if cells["values_printed"] not in ("true", "false"):
            problems.append(f"{where}, field 'values_printed': {cells['values_printed']!r} is not true or false")
        key = {k: cells[k] for k in KEY_COLUMNS}
        compared_key = key | {k: cells[c] for c, k in COMPARED.items() if cells[c]}
        out.append(
            claim(
                raw,
                key,
                claimed_value="",
                comparator=comparator,
                approximate=bool_text(comparator == "same_level"),
                compared_key=json.dumps(compared_key, ensure_ascii=False),
                values_printed=cells["values_printed"],
            )
        )
    if problems:
        raise InputError(problems)
    return out


def build() -> Staged:
    return staged_together(
        ("poll_questions", questions),
        ("poll_waves", waves),
        ("poll_results", results),
        ("poll_method", method),
        ("claims", claims),
        ("claims", comparisons),
    )


# ---- second entries --------------------------------------------------------------------------

SECOND_COLUMNS = ["locator", "row_label", "column_label", "value", "comparator", "quote", "note"]


def table_entries() -> dict[str, tuple[dict, dict]]:
    """Each table's cells as typed (first) and as the second transcription has them, by (row, column)."""
    second = read_raw_csv(FOLDER / "second_transcription.csv", SECOND_COLUMNS)
    entries = {}
    for stem, locator in TABLES.items():
        raw = read_table(FOLDER / f"{stem}.csv")
        first = {(r.cells["row"], c): (r.file, r.line, c, v) for r in raw for c, v in r.cells.items() if c != "row"}
        theirs = {
            (r.cells["row_label"], r.cells["column_label"]): (r.file, r.line, "value", r.cells["value"])
            for r in second
            if r.cells["locator"] == locator and r.cells["column_label"]
        }
        entries[stem] = (first, theirs)
    return entries


def second_entry_tables() -> tuple[list[dict], list[str]]:
    """Every cell of every table against the independent second transcription."""
    checks, problems = [], []
    for stem, (first, theirs) in table_entries().items():
        problems += compare(first, theirs, f"{TABLES[stem]} cell")
        checks.append(
            check(
                f"double-entry-{stem.replace('_', '-')}-{SOURCE_ID}",
                f"{rel(FOLDER / f'{stem}.csv')}: every cell against the independent second transcription (second_transcription.csv)",
                SOURCE_ID,
                len(first),
            )
        )
    return checks, problems


def table_cell_agreement() -> Compared:
    """The printed cells (value_pct as printed) and their second transcription, for `agreement`."""
    pairs = [(a[3], theirs[key][3]) for first, theirs in table_entries().values() for key, a in first.items() if key in theirs]
    return Compared("tabel_*.csv", "poll_results", {"value_pct": pairs}, {"value_pct": 0})


def second_entry_prose() -> tuple[list[dict], list[str]]:
    """Every prose number of the second transcription is published or listed in left_out.csv."""
    folder = FOLDER
    ours = [
        (r["printed"], r["quote"])
        for name in ("poll_results", "claims")
        for r in read_staged(name)
        if r["source_id"] == SOURCE_ID and r.get("quote")
    ]
    ours += [(r["value_number"] or r["value_text"], r["quote"]) for r in read_staged("poll_method")]
    ours += [(r.cells["printed"], r.cells["quote"]) for r in read_raw_csv(folder / "left_out.csv", left_out.COLUMNS)]
    ours = [(squash(printed), squash(q)) for printed, q in ours]  # compared with every figure: squashed once
    found, compared = [], 0
    for theirs in read_raw_csv(folder / "second_transcription.csv", SECOND_COLUMNS):
        if theirs.cells["column_label"] or theirs.cells["locator"].startswith("Tabel"):
            continue
        compared += 1
        quote = squash(theirs.cells["quote"])
        value = theirs.cells["value"]
        # the second transcriber's value: its leading number ('2.253', '2,2', '13 juni'), with either thousands mark
        number = first_number(value.strip(), thousands=".,", anchored=True, words=False, as_text=True)
        values = {number if number is not None else squash(value), squash(value)}
        if not any((q in quote or quote in q or quote[:15] in q) and any(v in printed or v in q for v in values) for printed, q in ours):
            found.append(
                f"{theirs.file}, line {theirs.line}, field 'value': {value!r} ({theirs.cells['quote'][:60]!r}) is in no staged row "
                f"of {SOURCE_ID} and not in {rel(folder / 'left_out.csv')}"
            )
    return [
        check(
            f"double-entry-prose-{SOURCE_ID}",
            "every prose number of the independent second transcription (second_transcription.csv) is published or listed in left_out.csv",
            SOURCE_ID,
            compared,
        )
    ], found


# ---- cross-checks ----------------------------------------------------------------------------

# the document its cross-checks' inputs name; DOCUMENT, at the end, adds the checks
ORIGIN = Document(
    SOURCE_ID,
    tables_resource="poll_results",
    build=build,
    second_entries=(second_entry_tables, second_entry_prose),
    cell_agreements=(table_cell_agreement,),
    prose_resources=("spending_norms",),
    raw_files={"poll_questions": "questions.csv", "poll_waves": "waves.csv", "poll_method": "method.csv", "claims": "claims.csv"},
)
LISTED = Input(reference.TABLES, "sources", {"source_id": SOURCE_ID})  # the poll in the sources table
SURVEY_WAVE = Input(ORIGIN, "poll_waves", {"wave": THIS_SURVEY})


def method_fact(fact_id: str) -> Input:
    return Input(ORIGIN, "poll_method", {"fact_id": fact_id})


def margin_of_error(found: Found) -> Recomputed:
    stated, n, pct = found.rows
    return Recomputed(stated.value_number, round(half_width(pct.value_number, int(n.value_number)), 1))


def split_run_halves(found: Found) -> Recomputed:
    second, first, sample = found.rows
    return Recomputed(sample.value_number, first.value_number + second.value_number)


def sample_n_listed(found: Found) -> Recomputed:
    listed, sample = found.rows
    return Recomputed(sample.value_number, float(listed.sample_n))


def restated(expected: str, observed: str) -> Restated:
    return Restated(expected, observed, expected == observed)


def fieldwork_listed(found: Found) -> Restated:
    listed, start, end = found.rows
    return restated(f"{start.value_text} to {end.value_text}", f"{listed.fieldwork_start:%Y-%m-%d} to {listed.fieldwork_end:%Y-%m-%d}")


def survey_wave(found: Found) -> Restated:
    wave, start, end, sample = found.rows
    return restated(
        f"{start.value_text} to {end.value_text}, n = {sample.value_number:.0f}",
        f"{wave.fieldwork_start:%Y-%m-%d} to {wave.fieldwork_end:%Y-%m-%d}, n = {wave.base_n}",
    )


def wave_label(wave: pd.Series, frames: Frames) -> RowCheck | None:
    """A wave's label as printed is the label its table prints over its column (the survey
    itself is named by its method section instead)."""
    if wave.poll == "this_survey":
        return None
    results = frames["poll_results"]
    printed = sorted(set(results.loc[(results.wave == wave.wave) & (results.value_origin == "table"), "wave_label"].dropna()))
    return RowCheck(
        f"poll-wave-label-{wave.wave}",
        f"wave {wave.wave}: label_as_printed is a column label its tables print",
        Restated(wave.label_as_printed, ", ".join(printed) or "no table column", wave.label_as_printed in printed),
    )


CROSS_CHECKS: tuple[Check, ...] = (
    CrossCheck(
        "poll-margin-of-error",
        "stated margin of error against the 95% Wilson interval at n = 2.000 and 50%, rounded as printed",
        (method_fact("margin_of_error"), method_fact("margin_of_error_reference_n"), method_fact("margin_of_error_reference_pct")),
        margin_of_error,
        unit=" points",
    ),
    CrossCheck(
        "poll-split-run-halves",
        "the two split-run halves add up to the sample",
        # reported at the second half, where the pair of halves is complete
        (method_fact("split_run_n_second"), method_fact("split_run_n_first"), method_fact("sample_n")),
        split_run_halves,
    ),
    CrossCheck(
        "poll-sample-n-in-sources",
        "sample size in sources = sample size in the method section",
        (LISTED, method_fact("sample_n")),
        sample_n_listed,
    ),
    CrossCheck(
        "poll-fieldwork-in-sources",
        "fieldwork dates in sources = fieldwork dates in the method section",
        (LISTED, method_fact("fieldwork_start"), method_fact("fieldwork_end")),
        fieldwork_listed,
    ),
    CrossCheck(
        "poll-this-survey-wave",
        f"fieldwork and n of wave {THIS_SURVEY} in poll_waves = the method section",
        (SURVEY_WAVE, method_fact("fieldwork_start"), method_fact("fieldwork_end"), method_fact("sample_n")),
        survey_wave,
    ),
    EachRow("poll_waves", wave_label),
)

DOCUMENT = replace(ORIGIN, cross_checks=CROSS_CHECKS)
