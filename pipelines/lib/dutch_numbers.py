"""Dutch printed numbers: the one place that reads them, and writes them back.

What it reads:

- digits with a decimal comma and thousands dots: '3,5' is 3.5, '33.600' is 33600,
  '1.329.300' is 1329300 (``thousands="."``, the default); with ``thousands=".,"`` a '.' or a
  ',' groups thousands where it is followed by groups of exactly three digits ('2,253' and
  '2.253' are 2253) and is a decimal mark otherwise ('3.5' and '3,5' are 3.5), for text that
  may be written either way (English descriptions beside Dutch quotes);
- percentages, '42%' and '31 procent' (the % or 'procent' is the unit, not part of the number);
- amounts as printed: '6,3 miljard' reads 6.3 and '19 miljoen' 19; the scale ('miljard',
  'miljoen') is a separate field of the data, never multiplied in;
- number words: 'één' to 'negentien', the tens to 'negentig', 'honderd', 'duizend', and 'helft' (50, as
  'de helft' in a percentage field); 'een' is not read, as it is also the indefinite article;
- fractions in words, as percentages: 'een kwart' 25, 'de helft' 50, 'een derde' 33.3...,
  'een vijfde' and 'een op vijf' 20, 'twee op vijf' 40, 'drie op tien' 30, 'vier op tien' 40,
  'zeven op de tien' 70 (approximate by nature: comparator 'approx');
- ordinals as ranks: 'eerste' to 'vijfde' (comparator 'rank'), and ranks in words: 'het meeste'
  and 'duidelijk al leider' rank 1 among items, 'hoogtepunt' rank 1 among waves ('rank_wave');
- comparisons in words, with no number ('vaker', 'lager dan gemiddeld', 'terug op het niveau
  van'): ``read_comparison`` gives 'above', 'below' or 'same_level';
- quantities of a set in words ('bijna alle partijen', 'een aantal', 'geen enkele'), read
  against the set's size: ``quantifier_count``;
- hedges before a printed value, as a comparator: 'circa', 'rond', 'ongeveer' -> 'approx';
  'ruim', 'meer dan' -> 'gt'; 'bijna', 'minder dan' -> 'lt' (each also marks it approximate).

No caller reads ranges ('16-18 juni' is read for its first number only), so neither does this.

The functions, by what they are given:

- ``read_printed``: one printed value, the whole string ('ruim 40%', 'een op vijf', 'vierde'),
  as a ``Reading`` (value, comparator, approximate); ValueError 'cannot read ...' otherwise;
- ``read_cell``: one table cell that must be a bare number or percentage ('49,6%', '42%', '1153'),
  as the plain digits printed ('49,0%' is '49.0': the printed precision is kept), or None;
- ``first_number``: the first number in running text, or None;
- ``numbers_in``: every number in running text, as floats or as normalised text;
- ``decimals``: how many decimals the first number prints ('2,5%': 1);
- ``spellings``, ``is_stated``: how a typed value may be printed, and whether a text prints it;
- ``format_value``: a value read as the package writes it ('42', '33.3').

Plain Python and ``re`` only: nothing here depends on the rest of the pipeline.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple, overload

Comparator = Literal["eq", "approx", "gt", "lt", "rank", "rank_wave"]
# Which marks group thousands: "." (Dutch; ',' is then the decimal mark), or ".," (either,
# where followed by groups of three digits; otherwise either is a decimal mark).
Thousands = Literal[".", ".,"]

NUMBER_WORDS: dict[str, int] = {
    "één": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
    "tien": 10,
    "elf": 11,
    "twaalf": 12,
    "dertien": 13,
    "veertien": 14,
    "vijftien": 15,
    "zestien": 16,
    "zeventien": 17,
    "achttien": 18,
    "negentien": 19,
    "twintig": 20,
    "dertig": 30,
    "veertig": 40,
    "vijftig": 50,
    "zestig": 60,
    "zeventig": 70,
    "tachtig": 80,
    "negentig": 90,
    "honderd": 100,
    "duizend": 1000,
    "helft": 50,  # 'de helft' in a percentage field: half is 50%
}
# Verbal quantities as the documents print them (accents dropped: 'Eén op vijf'), read as percentages.
FRACTIONS: dict[str, float] = {
    "een kwart": 25.0,
    "de helft": 50.0,
    "een derde": 100 / 3,
    "een vijfde": 20.0,
    "een op vijf": 20.0,
    "twee op vijf": 40.0,
    "drie op tien": 30.0,
    "vier op tien": 40.0,
    "zeven op de tien": 70.0,
}
ORDINALS: dict[str, int] = {"eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "vijfde": 5}
# Ranks the documents state in words, as printed (whole): the rank, and among what. 'het meeste'
# (seen most often as ...) and 'duidelijk al leider' ('al' as printed, for 'als': clearly seen as
# the leader) rank an item first among its question's items; 'hoogtepunt' (the high point of a
# series) ranks a wave first among the waves of the same item.
RANK_WORDS: dict[str, tuple[int, Comparator]] = {
    "het meeste": (1, "rank"),
    "duidelijk al leider": (1, "rank"),
    "hoogtepunt": (1, "rank_wave"),
}
# Comparisons the documents state in words, as printed (whole), without a number: the value lies
# above or below the one it is compared with (the average, another answer, another wave), or at
# its level ('terug op het niveau van': within the tolerance of 'approx').
COMPARISON_WORDS: dict[str, str] = {
    "vaker": "above",
    "wat vaker dan gemiddeld": "above",
    "met name": "above",
    "hoog": "above",
    "vooral wantrouwend": "above",
    "met name hun ‘eigen’ kiezers": "above",
    "lager": "below",
    "lager dan gemiddeld": "below",
    "terug op het niveau van": "same_level",
}
# Quantities of a set stated in words (the start of the printed words), read against the size of
# the set the document defines (its 15 parties; the 10 parties the CPB costed): the comparator
# and the count. 'alle' / 'ieder' / 'elk': all of them; the words for most or many: a majority
# (more than half: at least size // 2 + 1), as the claims read 'veel partijen'; the words for
# some: at least 2, as 'verschillende partijen' (more than one); 'geen enkele': none.
QUANTIFIERS: dict[str, str] = {
    "alle": "all",
    "ieder": "all",
    "elk": "all",
    "bijna alle": "majority",
    "vrijwel alle": "majority",
    "een grote meerderheid": "majority",
    "de meerderheid": "majority",
    "de meeste": "majority",
    "veel": "majority",
    "velen": "majority",
    "een aantal": "some",
    "sommige": "some",
    "enkele": "some",
    "verschillende": "some",
    "geen enkele": "none",
}
# In this order: a value may carry more than one ('circa ruim ...' is read as 'gt').
HEDGES: dict[str, Comparator] = {
    "circa": "approx",
    "rond": "approx",
    "ongeveer": "approx",
    "ruim": "gt",
    "bijna": "lt",
    "meer dan": "gt",
    "minder dan": "lt",
}

# Thousands dots, then an optional decimal comma: '1.329.300', '3,5', '2.253'.
DUTCH = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
# Thousands grouped by the same mark, '.' or ',', with nothing number-like after the groups;
# else one decimal mark, '.' or ','. '2.253', '2,253' and '2253' are one number, as are '3,5' and '3.5'.
EITHER = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*(?![.,]?\d)|\d+(?:[.,]\d+)?")
PATTERNS: dict[Thousands, re.Pattern[str]] = {".": DUTCH, ".,": EITHER}
# References to parts of a document are not figures: '§2.3', 'Tabel 2.1', 'footnote 318'.
REFERENCE = re.compile(r"§\s*[\d.]+|\b(?:Tabel|Table|Figuur|Figure|footnotes?|fn)\s+\d+(?:\.\d+)*", re.I)
PRINTED_PERCENT = re.compile(r"(\d+(?:,\d+)?)\s*(%|procent)")
WORD = re.compile(r"[a-zé]+")

UNREADABLE = "cannot read {printed!r} as a number (expected e.g. '42%', '31 procent', 'een op vijf', 'vierde')"


class Reading(NamedTuple):
    """A printed value read: equal to the tuple (value, comparator, approximate)."""

    value: float
    comparator: Comparator
    approximate: bool


def read_printed(printed: str) -> Reading:
    """A printed value, the whole string: an optional hedge, then a percentage ('42%',
    '31 procent'), a fraction in words ('een op vijf') or an ordinal ('vierde', a rank).
    Case and the accent of 'één' do not count. ValueError 'cannot read ...' for anything else."""
    text = printed.strip().lower().replace("é", "e")
    comparator: Comparator = "eq"
    approximate = False
    for hedge, relation in HEDGES.items():
        if text.startswith(hedge + " "):
            text, comparator, approximate = text[len(hedge) + 1 :], relation, True
    number = PRINTED_PERCENT.fullmatch(text)
    if number:
        return Reading(float(number.group(1).replace(",", ".")), comparator, approximate)
    if text in FRACTIONS:
        return Reading(FRACTIONS[text], "approx" if comparator == "eq" else comparator, True)
    if text in ORDINALS:
        return Reading(float(ORDINALS[text]), "rank", False)
    if printed.strip().lower() in RANK_WORDS:
        rank, comparator = RANK_WORDS[printed.strip().lower()]
        return Reading(float(rank), comparator, False)
    raise ValueError(UNREADABLE.format(printed=printed))


def read_comparison(printed: str) -> str | None:
    """A comparison in words, the whole printed string ('lager dan gemiddeld'): 'above',
    'below' or 'same_level'; None if the words are not one of COMPARISON_WORDS."""
    return COMPARISON_WORDS.get(printed.strip().lower())


def quantifier_count(printed: str, size: int | None) -> tuple[str, int] | None:
    """The comparator and count that quantity words state of a set of `size` things
    ('Bijna alle partijen' of 15: ('ge', 8); 'een aantal partijen': ('ge', 2); 'geen enkele
    lidstaat': ('eq', 0)); the longest matching start of the printed words counts. None if
    they start with none of QUANTIFIERS, or if they need the set's size and it is None."""
    text = " ".join(printed.lower().split())
    for words in sorted(QUANTIFIERS, key=len, reverse=True):
        if text == words or text.startswith(words + " "):
            kind = QUANTIFIERS[words]
            if size is None:
                return ("eq", 0) if kind == "none" else None
            return {
                "all": ("eq", size),
                "majority": ("ge", size // 2 + 1),
                "some": ("ge", 2),
                "none": ("eq", 0),
            }[kind]
    return None


def read_cell(cell: str, *, percent: bool = True, decimals: bool = True) -> str | None:
    """A table cell that is a number and nothing else, as its plain digits with the decimal
    comma made a point, keeping the precision printed ('49,0%' is '49.0'); None if the cell is
    anything else (a hedge, a space, thousands dots, '*').

    percent: the cell ends in '%' ('42%'), else it is digits alone ('1153');
    decimals: a decimal comma is allowed ('49,6%'), else only whole numbers are.
    """
    pattern = r"(\d+" + (r"(?:,\d+)?" if decimals else "") + ")" + ("%" if percent else "")
    match = re.fullmatch(pattern, cell)
    return match.group(1).replace(",", ".") if match else None


def _digits(match: re.Match[str], thousands: Thousands) -> str:
    """The matched number as plain digits with a decimal point."""
    token = match.group(0)
    if thousands == ".,":
        grouping = match.group(1)
        return token.replace(grouping, "") if grouping else token.replace(",", ".")
    return token.replace(".", "").replace(",", ".")


def _normalised(digits: str) -> str:
    """Plain digits without trailing decimal zeros: '3.50' is '3.5', '10.0' is '10'."""
    return digits.rstrip("0").rstrip(".") if "." in digits else digits


@overload
def first_number(
    text: str, *, thousands: Thousands = ..., words: bool = ..., anchored: bool = ..., as_text: Literal[False] = ...
) -> float | None: ...
@overload
def first_number(
    text: str, *, thousands: Thousands = ..., words: bool = ..., anchored: bool = ..., as_text: Literal[True]
) -> str | None: ...
@overload
def first_number(
    text: str, *, thousands: Thousands = ..., words: bool = ..., anchored: bool = ..., as_text: bool
) -> float | str | None: ...
def first_number(
    text: str, *, thousands: Thousands = ".", words: bool = True, anchored: bool = False, as_text: bool = False
) -> float | str | None:
    """The first number in running text: '33.600 militairen' is 33600, '6,3 miljard' 6.3,
    'ruim dertig' 30; None if there is none.

    thousands: which marks group thousands ("." Dutch, or ".," either; see the module);
    words: if no digits are printed, the first number word counts ('dertig', 'één'; not 'een');
    anchored: only a number at the very start counts ('13 juni' is 13, 'november 2023' none);
    as_text: the number as normalised text ('3,50' is '3.5') rather than a float.
    """
    pattern = PATTERNS[thousands]
    match = pattern.match(text) if anchored else pattern.search(text)
    if match:
        digits = _digits(match, thousands)
        return _normalised(digits) if as_text else float(digits)
    if words:
        for word in WORD.findall(text.lower()):
            if word in NUMBER_WORDS:
                return str(NUMBER_WORDS[word]) if as_text else float(NUMBER_WORDS[word])
    return None


@overload
def numbers_in(text: str, *, thousands: Thousands = ..., skip_references: bool = ..., as_text: Literal[False] = ...) -> set[float]: ...
@overload
def numbers_in(text: str, *, thousands: Thousands = ..., skip_references: bool = ..., as_text: Literal[True]) -> set[str]: ...
@overload
def numbers_in(text: str, *, thousands: Thousands = ..., skip_references: bool = ..., as_text: bool) -> set[float] | set[str]: ...
def numbers_in(text: str, *, thousands: Thousands = ".", skip_references: bool = False, as_text: bool = False) -> set[float] | set[str]:
    """Every number printed in running text, in digits (number words are not read).

    thousands: which marks group thousands ("." Dutch, or ".," either; see the module);
    skip_references: leave out references to parts of a document ('§2.3', 'Tabel 2.1',
        'footnote 318'), which are not figures;
    as_text: the numbers as normalised text ('3,50' is '3.5', '2.253' is '2253'), to be found
        again in other text, rather than floats.
    """
    if skip_references:
        text = REFERENCE.sub(" ", text)
    digits = [_digits(match, thousands) for match in PATTERNS[thousands].finditer(text)]
    if as_text:
        return {_normalised(d) for d in digits}
    return {float(d) for d in digits}


def decimals(printed: str) -> int:
    """How many decimals the first number printed has: '2,5%' has 1, '6%' 0 (none printed: 0)."""
    match = DUTCH.search(printed)
    return len(match.group(0).partition(",")[2]) if match else 0


def spellings(value: float) -> set[str]:
    """The ways a typed value may be printed: plain ('600000', '3.5'), Dutch ('600.000', '3,5')
    and as a number word ('dertig')."""
    whole = value.is_integer()
    plain = f"{int(value)}" if whole else f"{value:g}"
    dutch = f"{int(value):,}".replace(",", ".") if whole else plain.replace(".", ",")
    words = {w for w, n in NUMBER_WORDS.items() if n == value}
    return {plain, dutch, *words}


def is_stated(value: float, text: str) -> bool:
    """Whether the text prints the value in one of its spellings, as a whole number ('3,5' is
    not stated in '13,5' or '3,55'). Number words are matched in lower case: lower the text first."""
    return any(re.search(rf"(?<![\d,.]){re.escape(s)}(?![\d]|,\d)", text) for s in spellings(value))


def format_value(value: float | None) -> str:
    """A value read as the package writes it: whole numbers without decimals ('42'), others
    with one ('33.3', for 'een derde'); '' for no value."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
