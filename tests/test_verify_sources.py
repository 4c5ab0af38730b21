"""make verify-sources: the quotes, as-printed texts and excerpts against the text layers, on the
real documents and on broken copies (one changed character, a moved locator, an edited excerpt,
a text layer with another hash)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from conftest import ROOT, edit, run

sys.path.insert(0, str(ROOT / "scripts"))
import verify_sources  # noqa: E402

SOURCES = ROOT.parent / "shared" / "sources"
pytestmark = pytest.mark.skipif(not SOURCES.is_dir(), reason="the text layers are not beside this clone (make test says so)")


def problems(root: Path, folder: Path = SOURCES) -> list[str]:
    return verify_sources.verify(root, folder)[1]


def test_every_quote_and_excerpt_matches_the_text_layers() -> None:
    counts, found = verify_sources.verify(ROOT, SOURCES)
    assert found == []
    assert set(counts) == {
        "ipsos-io-2025-06-navo",
        "clingendael-2025-10-kantelpunt",
        "iob-2025-samen-sterker",
        "kamerbrief-2025-navo-top",
        "aiv-2025-briefadvies-navo-top",
    }
    assert all(c["text layer sha256"] == 1 and c["quotes"] > 0 for c in counts.values())


def test_make_verify_sources_passes_and_prints_counts() -> None:
    result = run(["make", "--no-print-directory", "verify-sources", f"SOURCES={SOURCES}"], ROOT)
    assert result.returncode == 0, result.stderr
    assert "ipsos-io-2025-06-navo: 1 text layer sha256, 5 excerpts" in result.stdout


def test_one_changed_character_in_a_quote_is_caught(repo: Path) -> None:
    edit(repo / "data" / "discrepancies.csv", "In de politieke peiling van 16-18 juni", "In de politieke peiling van 16-19 juni")
    found = problems(repo)
    assert len(found) == 1 and found[0].startswith(
        "data/discrepancies.csv, line 4, field 'left_quote': not in the text layer of ipsos-io-2025-06-navo"
    )


def test_one_changed_character_in_a_raw_quote_is_caught(repo: Path) -> None:
    edit(
        repo / "data/raw/ipsos-io-2025-06-navo/waves.csv",
        "vrijdag 13 juni tot maandagochtend 16 juni 2025.",
        "vrijdag 13 juni tot maandagochtend 17 juni 2025.",
        both_entries=False,  # the second entry carries the quote as context: verify-sources checks it too
    )
    found = [p for p in problems(repo) if "waves.csv" in p and "field 'quote'" in p]
    assert found == [
        "data/raw/ipsos-io-2025-06-navo/waves.csv, line 11, field 'quote': not in the text layer of ipsos-io-2025-06-navo: "
        "'Dit onderzoek vond plaats van vrijdag 13 juni tot maandagochtend 17 juni 2025.'"
    ]


def test_text_typed_as_printed_is_checked(repo: Path) -> None:
    edit(
        repo / "data" / "poll_questions.csv",
        "Basis: allen (split-run: n = 1.100 en 1.153).",
        "Basis: allen (split-run: n = 1.100 en 1.135).",
    )
    assert any(p.startswith("data/poll_questions.csv, line 9, field 'base_description': not in the text layer") for p in problems(repo))


def test_a_quote_outside_the_section_its_locator_names_is_caught(repo: Path) -> None:
    # the sentence stands in §2.1; a locator of §2.3 names the wrong section
    edit(repo / "data" / "discrepancies.csv", ",§2.1,In de politieke peiling", ",§2.3,In de politieke peiling")
    found = problems(repo)
    assert found == [
        "data/discrepancies.csv, line 4, field 'left_quote': the text stands at line(s) 202-203 of ipsos-io-2025-06-navo, "
        "outside the part its locator '§2.3' names"
    ]


def test_an_excerpt_edited_with_its_transcription_is_caught(repo: Path) -> None:
    """The pipeline's excerpt comparison cannot see a change made in both; the text layer can."""
    excerpt = repo / "data/raw/ipsos-io-2025-06-navo/tabel_3_1.excerpt.txt"
    text = excerpt.read_text(encoding="utf-8")
    excerpt.write_text(text.replace("37% 42% 42% 49% 52% 43%", "37% 42% 42% 49% 52% 44%"), encoding="utf-8")
    found = [p for p in problems(repo) if "excerpt" in p]
    assert (
        len(found) == 1
        and found[0].startswith("data/raw/ipsos-io-2025-06-navo/tabel_3_1.excerpt.txt, line ")
        and "differs from line" in found[0]
    )


def test_a_text_layer_with_another_hash_is_caught(tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    shutil.copytree(SOURCES, folder)
    layer = folder / "kamerbrief-2025-navo-top.txt"
    layer.write_text(layer.read_text(encoding="utf-8").replace("NAVO", "NATO", 1), encoding="utf-8")
    found = problems(ROOT, folder)
    assert (
        len(found) == 1
        and found[0].startswith("kamerbrief-2025-navo-top: ")
        and "not the text layer the package was transcribed from" in found[0]
    )


def test_a_missing_text_layer_fails_the_command(tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    shutil.copytree(SOURCES, folder)
    (folder / "aiv-2025-briefadvies-navo-top.txt").unlink()
    result = run([sys.executable, "scripts/verify_sources.py", str(folder)], ROOT)
    assert (
        result.returncode == 1
        and f"aiv-2025-briefadvies-navo-top: text layer {folder}/aiv-2025-briefadvies-navo-top.txt is missing" in result.stderr
    )


def test_the_normalisation_allows_only_layout_differences() -> None:
    doc = verify_sources.Document.read("x", "Dit is een **voor-\nbeeld** van\n\neen zin, NAVO-\nlidmaatschap.")
    assert doc.find("Dit is een voorbeeld van een zin")
    assert doc.find("NAVO-lidmaatschap.")  # a hyphen at a line end that belongs to the word
    assert doc.find("Dit is … een zin")  # an ellipsis marks words left out
    assert not doc.find("Dit is een voorbeeld van één zin")
    assert not doc.find("een zin, NATO-lidmaatschap")


def reflowed(text: str, header: str) -> str:
    """A reader's own extraction as another tool might give it: every paragraph wrapped at 64
    characters, and a running header and a page number after every 40 lines."""
    import textwrap

    paragraphs = [" ".join(block.split()) for block in text.split("\n\n")]
    lines = [line for p in paragraphs for line in [*textwrap.wrap(p, 64), ""]]
    out = []
    for number, line in enumerate(lines, start=1):
        out.append(line)
        if number % 40 == 0:
            out += [header, str(number // 40), ""]
    return "\n".join(out)


def test_a_readers_own_extraction_is_verified_by_text(tmp_path: Path) -> None:
    folder = shutil.copytree(SOURCES, tmp_path / "own")
    for name, header in (("kamerbrief-2025-navo-top", "Verslag NAVO-top"), ("ipsos-io-2025-06-navo", "Ipsos I&O")):
        path = folder / f"{name}.txt"
        path.write_text(reflowed(path.read_text(encoding="utf-8"), header), encoding="utf-8")
    assert problems(ROOT, folder)  # as our text layers they fail: other hashes
    notes: list[str] = []
    counts, found = verify_sources.verify(ROOT, folder, own=True, notes=notes)
    assert found == []
    assert len(notes) == 2 and all("verified by text, as a reader's own extraction" in n for n in notes)
    assert counts["ipsos-io-2025-06-navo"]["excerpts"] == 5 and counts["kamerbrief-2025-navo-top"]["quotes"] > 100
    # a word of a published quote changed in the reader's copy is still caught
    letter = folder / "kamerbrief-2025-navo-top.txt"
    letter.write_text(letter.read_text(encoding="utf-8").replace("32 bondgenoten", "23 bondgenoten"), encoding="utf-8")
    _, found = verify_sources.verify(ROOT, folder, own=True, notes=[])
    assert any(p.startswith("data/counts.csv, line ") and "not in the text layer of kamerbrief-2025-navo-top" in p for p in found), found
    result = run(["make", "--no-print-directory", "verify-own-extraction", f"SOURCES={folder}"], ROOT)
    assert result.returncode != 0 and "note: kamerbrief-2025-navo-top:" in result.stdout, result.stdout[-2000:]
