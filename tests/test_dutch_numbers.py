"""The one Dutch-number reader (pipelines/lib/dutch_numbers.py): each form it reads, each option
and each error; and, against a frozen copy of the readers it replaced, that it reads every string
in data/raw exactly as they did.

Self-contained: it imports nothing of the pipeline but the module under test.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from pipelines.lib.dutch_numbers import (
    FRACTIONS,
    HEDGES,
    NUMBER_WORDS,
    ORDINALS,
    Reading,
    decimals,
    first_number,
    format_value,
    is_stated,
    numbers_in,
    read_cell,
    read_printed,
    spellings,
)

ROOT = Path(__file__).resolve().parent.parent
UNREADABLE = "cannot read {!r} as a number (expected e.g. '42%', '31 procent', 'een op vijf', 'vierde')"


# ---- (a) each form -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("42%", (42.0, "eq", False)),
        ("42 %", (42.0, "eq", False)),
        ("31 procent", (31.0, "eq", False)),
        ("2,5%", (2.5, "eq", False)),
        ("circa 2,2 procent", (2.2, "approx", True)),
        ("rond 50%", (50.0, "approx", True)),
        ("ongeveer 30%", (30.0, "approx", True)),
        ("ruim 40%", (40.0, "gt", True)),
        ("meer dan 20 procent", (20.0, "gt", True)),
        ("bijna 10%", (10.0, "lt", True)),
        ("minder dan 5%", (5.0, "lt", True)),
        ("Eén op vijf", (20.0, "approx", True)),
        ("een kwart", (25.0, "approx", True)),
        ("De helft", (50.0, "approx", True)),
        ("een derde", (100 / 3, "approx", True)),
        ("zeven op de tien", (70.0, "approx", True)),
        ("circa vier op tien", (40.0, "approx", True)),
        ("ruim een kwart", (25.0, "gt", True)),
        ("bijna de helft", (50.0, "lt", True)),
        ("vierde", (4.0, "rank", False)),
        ("eerste", (1.0, "rank", False)),
        ("  42%  ", (42.0, "eq", False)),
    ],
)
def test_read_printed_reads_each_form(printed: str, expected: tuple[float, str, bool]) -> None:
    reading = read_printed(printed)
    assert reading == expected
    assert isinstance(reading, Reading) and reading.comparator == expected[1]


def test_hedges_are_read_in_order_and_the_last_one_counts() -> None:
    assert list(HEDGES) == ["circa", "rond", "ongeveer", "ruim", "bijna", "meer dan", "minder dan"]
    assert read_printed("circa ruim 5%") == (5.0, "gt", True)
    with pytest.raises(ValueError, match="cannot read 'ruim circa 5%'"):
        read_printed("ruim circa 5%")  # 'circa' is looked for once, before 'ruim'
    assert read_printed("meer dan 20%") == (20.0, "gt", True), "'meer dan' is one hedge of two words"


@pytest.mark.parametrize(
    "printed", ["een op zes", "zesde", "42", "2.253%", "ruim", "dertig procent", "6,3 miljard", "", "42% van", "ca. 40%", "-5%"]
)
def test_read_printed_names_what_it_cannot_read(printed: str) -> None:
    with pytest.raises(ValueError) as error:
        read_printed(printed)
    assert str(error.value) == UNREADABLE.format(printed)
    assert str(error.value).startswith(f"cannot read {printed!r}")  # the message tests/test_poll.py asserts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("33.600 militairen", 33600.0),
        ("1.329.300", 1329300.0),
        ("6,3 miljard", 6.3),
        ("USD 18.349 miljard", 18349.0),
        ("19 miljoen", 19.0),
        ("3,5 procent van het bbp", 3.5),
        ("42%", 42.0),
        ("ruim dertig", 30.0),
        ("één brigade", 1.0),
        ("Twee divisies", 2.0),
        ("de helft", 50.0),
        ("een extra brigade", None),  # 'een' is also the article
        ("geen getal", None),
        ("", None),
        ("16-18 juni", 16.0),  # a range: its first number only
    ],
)
def test_first_number_reads_each_form(text: str, expected: float | None) -> None:
    assert first_number(text) == expected


@pytest.mark.parametrize(("cell", "expected"), [("49,6%", "49.6"), ("49,0%", "49.0"), ("42%", "42"), ("126%", "126")])
def test_read_cell_keeps_the_printed_precision(cell: str, expected: str) -> None:
    assert read_cell(cell) == expected


@pytest.mark.parametrize("cell", ["", "*", "-", "49,6", "ruim 42%", "42 %", "2.253%", "49.6%", "✓"])
def test_read_cell_reads_nothing_but_a_bare_percentage(cell: str) -> None:
    assert read_cell(cell) is None


def test_numbers_in_reads_every_number() -> None:
    assert numbers_in("tussen 2.253 en 1.153 mensen (2,2 procent)") == {2253.0, 1153.0, 2.2}
    assert numbers_in("geen") == set()


@pytest.mark.parametrize(("printed", "expected"), [("2,5%", 1), ("6%", 0), ("0,25 procent", 2), ("33.600", 0), ("geen", 0)])
def test_decimals_counts_the_decimals_printed(printed: str, expected: int) -> None:
    assert decimals(printed) == expected


def test_spellings_and_is_stated() -> None:
    assert spellings(600000.0) == {"600000", "600.000"}
    assert spellings(3.5) == {"3.5", "3,5"}
    assert spellings(30.0) == {"30", "dertig"}
    assert spellings(50.0) == {"50", "vijftig", "helft"}
    assert is_stated(3.5, "ruim 3,5 procent")
    assert not is_stated(3.5, "13,5 procent") and not is_stated(3.5, "3,55 procent")
    assert is_stated(30.0, "dertig landen") and not is_stated(30.0, "Dertig landen"), "words are matched in lower case"
    assert is_stated(600000.0, "600.000 militairen") and is_stated(600000.0, "600000 militairen")
    assert not is_stated(60000.0, "600.000 militairen")


@pytest.mark.parametrize(("value", "expected"), [(None, ""), (42.0, "42"), (100 / 3, "33.3"), (2.25, "2.2"), (6.3, "6.3")])
def test_format_value(value: float | None, expected: str) -> None:
    assert format_value(value) == expected


def test_the_word_lists() -> None:
    assert NUMBER_WORDS["één"] == 1 and "een" not in NUMBER_WORDS
    assert FRACTIONS["een op vijf"] == 20.0 and ORDINALS["vierde"] == 4


# ---- (a) each option: what it changes ------------------------------------------------------


def test_option_thousands() -> None:
    """Dutch only ('.'): ',' is the decimal mark, a '.' that does not group three digits ends the
    number. Either ('.,'): as rules needs for English descriptions beside Dutch quotes."""
    assert numbers_in("2,253") == {2.253} and numbers_in("2,253", thousands=".,") == {2253.0}
    assert numbers_in("1.5") == {1.0, 5.0} and numbers_in("1.5", thousands=".,") == {1.5}
    assert numbers_in("2.253") == numbers_in("2.253", thousands=".,") == {2253.0}
    assert first_number("1,000,000 troops") == 1.0 and first_number("1,000,000 troops", thousands=".,") == 1000000.0


def test_option_skip_references() -> None:
    text = "§2.3 and Tabel 2.1 and footnote 318: 2,5%"
    assert numbers_in(text, thousands=".,", skip_references=True) == {2.5}
    assert numbers_in(text, thousands=".,") == {2.3, 2.1, 318.0, 2.5}


def test_option_as_text() -> None:
    """Normalised text, to be looked for in other text (double entry), rather than floats."""
    assert numbers_in("3,50 en 2.253 en 10,0") == {3.5, 2253.0, 10.0}
    assert numbers_in("3,50 en 2.253 en 10,0", as_text=True) == {"3.5", "2253", "10"}
    assert numbers_in("007", as_text=True) == {"007"} and numbers_in("007") == {7.0}
    assert first_number("3,50", as_text=True) == "3.5" and first_number("dertig", as_text=True) == "30"


def test_option_words() -> None:
    assert first_number("ruim dertig landen") == 30.0
    assert first_number("ruim dertig landen", words=False) is None
    assert numbers_in("ruim dertig landen") == set(), "numbers_in reads digits only"


def test_option_anchored() -> None:
    assert first_number("13 juni", anchored=True) == 13.0
    assert first_number("november 2023") == 2023.0 and first_number("november 2023", anchored=True) is None


def test_options_of_read_cell() -> None:
    assert read_cell("49,6%") == "49.6" and read_cell("49,6%", decimals=False) is None
    assert read_cell("42%", decimals=False) == "42"
    assert read_cell("1153", percent=False, decimals=False) == "1153" and read_cell("1153") is None
    assert read_cell("42%", percent=False) is None


# ---- (b) the same readings as the readers it replaced --------------------------------------
# PRE-REFACTOR REFERENCE: frozen copies of the readers as they were before issue 20, item 3
# (commit b8c2726), each with the file and name it had. Do not change them: they are the
# reference the module is held to.

_OLD_WORDS = {  # pipelines/prose.py: NUMBER_WORDS
    "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "tien": 10, "elf": 11,
    "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16, "twintig": 20, "dertig": 30, "veertig": 40,
    "vijftig": 50, "honderd": 100, "helft": 50,
}  # fmt: skip
# Words added on purpose in 2.4.0, for the counts ('zeventien leden', 'circa duizend gevallen'):
# the old readers below are given them too, so that they differ from the module in nothing else.
ADDED_WORDS = {"zeventien": 17, "achttien": 18, "negentien": 19, "zestig": 60, "zeventig": 70, "tachtig": 80, "negentig": 90,
               "duizend": 1000}  # fmt: skip
_OLD_WORDS = {**_OLD_WORDS, **ADDED_WORDS}
# ... and, for issue 22, three ranks the Ipsos I&O report states in words (written out here, not
# taken from the module under test)
ADDED_RANK_WORDS = {"het meeste": (1.0, "rank", False), "duidelijk al leider": (1.0, "rank", False),
                    "hoogtepunt": (1.0, "rank_wave", False)}  # fmt: skip


def old_prose_dutch_number(printed: str) -> float | None:  # pipelines/prose.py: dutch_number
    match = re.search(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?", printed)
    if match:
        return float(match.group(0).replace(".", "").replace(",", "."))
    for word in re.findall(r"[a-zé]+", printed.lower()):
        if word in _OLD_WORDS:
            return float(_OLD_WORDS[word])
    return None


def old_prose_spellings(value: float) -> set[str]:  # pipelines/prose.py: spellings
    whole = value.is_integer()
    plain = f"{int(value)}" if whole else f"{value:g}"
    dutch = f"{int(value):,}".replace(",", ".") if whole else plain.replace(".", ",")
    words = {w for w, n in _OLD_WORDS.items() if n == value}
    return {plain, dutch, *words}


def old_prose_stated(value: float, text: str) -> bool:  # pipelines/prose.py: the test in context_problems
    return any(re.search(rf"(?<![\d,.]){re.escape(s)}(?![\d]|,\d)", text) for s in old_prose_spellings(value))


_OLD_FRACTIONS = {
    "een kwart": 25.0, "de helft": 50.0, "een derde": 100 / 3, "een vijfde": 20.0, "een op vijf": 20.0, "twee op vijf": 40.0,
    "drie op tien": 30.0, "vier op tien": 40.0, "zeven op de tien": 70.0,
}  # fmt: skip
_OLD_ORDINALS = {"eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "vijfde": 5}
_OLD_HEDGES = {"circa": "approx", "rond": "approx", "ongeveer": "approx", "ruim": "gt", "bijna": "lt", "meer dan": "gt", "minder dan": "lt"}


def old_poll_parse_printed(printed: str) -> tuple[float, str, bool]:  # pipelines/poll.py: parse_printed
    text = printed.strip().lower().replace("é", "e")
    comparator, approximate = "eq", False
    for hedge, relation in _OLD_HEDGES.items():
        if text.startswith(hedge + " "):
            text, comparator, approximate = text[len(hedge) + 1 :], relation, True
    number = re.fullmatch(r"(\d+(?:,\d+)?)\s*(%|procent)", text)
    if number:
        return float(number.group(1).replace(",", ".")), comparator, approximate
    if text in _OLD_FRACTIONS:
        return _OLD_FRACTIONS[text], "approx" if comparator == "eq" else comparator, True
    if text in _OLD_ORDINALS:
        return float(_OLD_ORDINALS[text]), "rank", False
    if printed.strip().lower() in ADDED_RANK_WORDS:
        return ADDED_RANK_WORDS[printed.strip().lower()]
    raise ValueError(f"cannot read {printed!r} as a number (expected e.g. '42%', '31 procent', 'een op vijf', 'vierde')")


def old_poll_fmt(value: float | None) -> str:  # pipelines/poll.py: fmt
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def old_poll_table_cell(cell: str, percent: bool) -> float | None:  # pipelines/poll.py: in table_results
    pattern = r"\d+%" if percent else r"\d+"
    return float(cell.rstrip("%")) if re.fullmatch(pattern, cell) else None


def old_matrices_fiscal(printed: str) -> str | None:  # pipelines/matrices.py: in fiscal
    match = re.fullmatch(r"(\d+(?:,\d+)?)%", printed)
    return match.group(1).replace(",", ".") if match else None


def old_double_entry_numbers(text: str) -> set[str]:  # pipelines/double_entry.py: numbers
    found = {m.replace(".", "").replace(",", ".") for m in re.findall(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?", text)}
    return {n.rstrip("0").rstrip(".") if "." in n else n for n in found}


def old_double_entry_leading(value: str) -> str | None:  # pipelines/double_entry.py: in ipsos_prose
    match = re.match(r"\d+(?:[.,]\d+)*", value.strip())
    return match.group(0).replace(".", "").replace(",", ".") if match else None


_OLD_NUMBER = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*(?![.,]?\d)|\d+(?:[.,]\d+)?")
_OLD_REFERENCE = re.compile(r"§\s*[\d.]+|\b(?:Tabel|Table|Figuur|Figure|footnotes?|fn)\s+\d+(?:\.\d+)*", re.I)


def old_rules_numbers_in(text: str) -> set[float]:  # pipelines/rules.py: numbers_in
    out = set()
    for match in _OLD_NUMBER.finditer(_OLD_REFERENCE.sub(" ", text)):
        token = match.group(0)
        token = token.replace(match.group(1), "") if match.group(1) else token.replace(",", ".")
        out.add(float(token))
    return out


def old_reconcile_decimals(printed: str) -> int:  # pipelines/reconcile.py: decimals
    match = re.search(r"\d+(?:,(\d+))?", printed)
    return len(match.group(1) or "") if match else 0


# ---- the strings they are compared on ------------------------------------------------------


def raw_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted((ROOT / "data" / "raw").rglob("*.csv")):
        rows += csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""))
    return rows


ROWS = raw_rows()
# every cell of every raw CSV: printed, *_printed, quote, value, descriptions, notes, table cells
RAW_STRINGS = sorted({cell for row in ROWS for cell in row.values() if cell})
EDGE_CASES = [
    "", " ", "0", "007", "42", "42%", "42 %", "4,2", "3,50", "10,0", "0,50", "1.5", "1.5000", "12.5", "3.1.1", "2,253", "2.253",
    "1.234,5", "1.234.567,89", "1,000,000", "1,5,3", "-5", "1.329.300", "6,3 miljard", "USD 18.349 miljard", "19 miljoen",
    "§2.3 and 2,5%", "§ 2.3", "Tabel 2.1: 42%", "table 3.1.1", "Figuur 1.2", "footnote 318", "footnotes 12", "fn 12",
    "drieëntwintig", "Eén op vijf", "één", "Één", "ÉÉN", "een extra brigade", "de helft", "De andere helft", "ruim 40%",
    "circa ruim 5 procent", "ruim circa 5 procent", "meer dan 20%", "minder dan de helft", "bijna een derde", "ongeveer 2,5 %",
    "rond 50%", "derde", "een derde", "vierde", "zesde", "een op zes", "49,0%", "49,6%", "49.6%", "13 juni", "november 2023",
    "16-18 juni", "18+", "2.000", "dertig", "Dertig", "honderd", "ruim dertig", "42% van", "ruim", "ca. 40%", "twintig procent",
]  # fmt: skip
STRINGS = [*RAW_STRINGS, *EDGE_CASES]


def outcome(read, printed: str) -> object:
    """What a reader returns, or the message it raises."""
    try:
        return read(printed)
    except ValueError as error:
        return f"ValueError: {error}"


def test_the_strings_are_there() -> None:
    assert len(ROWS) > 1000 and len(RAW_STRINGS) > 3000, "data/raw was not read"
    assert {"42%", "een op vijf", "Eén op vijf", "vierde", "2.253", "49,0%", "33.600", "2,5%"} <= set(RAW_STRINGS)


def test_the_word_lists_are_the_old_lists_and_the_words_added_in_2_4_0() -> None:
    assert NUMBER_WORDS == _OLD_WORDS
    assert first_number("circa duizend") == 1000.0 and first_number("zeventien leden") == 17.0
    assert FRACTIONS == _OLD_FRACTIONS and ORDINALS == _OLD_ORDINALS and HEDGES == _OLD_HEDGES


def differences(old, new, strings: list[str]) -> list[tuple[str, object, object]]:
    found = []
    for printed in strings:
        a, b = outcome(old, printed), outcome(new, printed)
        if a != b or type(a) is not type(b):
            found.append((printed, a, b))
    return found


def test_same_as_prose_dutch_number() -> None:
    assert differences(old_prose_dutch_number, first_number, STRINGS) == []


def test_same_as_poll_parse_printed() -> None:
    assert differences(old_poll_parse_printed, lambda p: tuple(read_printed(p)), STRINGS) == []


def test_same_as_poll_table_cells() -> None:
    for percent in (True, False):

        def new(cell: str, percent: bool = percent) -> float | None:
            digits = read_cell(cell, percent=percent, decimals=False)
            return None if digits is None else float(digits)

        assert differences(lambda c, percent=percent: old_poll_table_cell(c, percent), new, STRINGS) == []


def test_same_as_matrices_fiscal() -> None:
    assert differences(old_matrices_fiscal, read_cell, STRINGS) == []


def test_same_as_double_entry_numbers() -> None:
    assert differences(old_double_entry_numbers, lambda t: numbers_in(t, as_text=True), STRINGS) == []


def test_same_as_rules_numbers_in() -> None:
    assert differences(old_rules_numbers_in, lambda t: numbers_in(t, thousands=".,", skip_references=True), STRINGS) == []


def test_same_as_reconcile_decimals_on_the_data() -> None:
    assert differences(old_reconcile_decimals, decimals, RAW_STRINGS) == []
    # where they differ (no such string in data/raw): the old reader stopped at a thousands dot
    assert (old_reconcile_decimals("1.234,5"), decimals("1.234,5")) == (0, 1)


def test_same_as_double_entry_ipsos_prose_on_what_it_reads() -> None:
    """The old reader of the second transcriber's values (double_entry.ipsos_prose) dropped every
    '.' ('1.5' read 15) and kept trailing zeros. On what it reads, the `value` column of the
    Ipsos second transcription, the module's anchored reading with either thousands mark gives
    the same; on the other second transcriptions' values it differs only where the old one misread."""
    ipsos = [
        row["value"] for row in csv.DictReader((ROOT / "data/raw/ipsos-io-2025-06-navo/second_transcription.csv").open(encoding="utf-8"))
    ]
    assert len(ipsos) > 500

    def new(value: str) -> str | None:
        return first_number(value.strip(), thousands=".,", anchored=True, words=False, as_text=True)

    assert differences(old_double_entry_leading, new, ipsos) == []
    others = sorted({row["value"] for row in ROWS if row.get("value")})
    assert differences(old_double_entry_leading, new, others) == [
        ("1.5", "15", "1.5"),
        ("2.5", "25", "2.5"),
        ("3.5", "35", "3.5"),
        ("4.7", "47", "4.7"),
        ("49,0%", "49.0", "49"),
        ("7.7", "77", "7.7"),
    ]


def test_same_as_prose_spellings_and_stated() -> None:
    """On every value typed in data/raw and every number read from it, against every text of its own row."""
    values = {v for s in STRINGS if (v := old_prose_dutch_number(s)) is not None}
    values |= {float(c) for c in STRINGS if re.fullmatch(r"\d+(\.\d+)?", c)}
    assert len(values) > 200
    assert [v for v in sorted(values) if spellings(v) != old_prose_spellings(v)] == []
    checked = 0
    for row in ROWS:
        text = " ".join(row.values()).lower().replace("\u00a0", " ")
        for cell in row.values():
            if re.fullmatch(r"\d+(\.\d+)?", cell):
                assert is_stated(float(cell), text) == old_prose_stated(float(cell), text), (cell, text[:80])
                checked += 1
    assert checked > 500


def test_same_as_poll_fmt() -> None:
    readings = [read_printed(s).value for s in STRINGS if not isinstance(outcome(read_printed, s), str)]
    values = [None, *readings, *(v for s in STRINGS if (v := first_number(s)) is not None), 100 / 3, 2.25, 2.35, 0.05]
    assert [v for v in values if format_value(v) != old_poll_fmt(v)] == []
