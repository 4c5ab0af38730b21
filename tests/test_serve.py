"""make serve: Datasette on 127.0.0.1 with every resource, full-text search, labelled foreign
keys, the canned queries and the package's metadata; checked over HTTP and in a real browser.

The expected values are read from the CSVs by hand (and written here), not computed by the code
under test."""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BIN, ROOT, env, run
from playwright.sync_api import sync_playwright

DATABASE = "nl-defence-opinion-2025"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NAMES = [resource["name"] for resource in json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"]]
STARTUP_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "python"), "scripts/serve.py", "--port", str(port)],
        cwd=ROOT,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            try:
                get_json(f"{base}/-/versions.json")
                break
            except OSError:
                if process.poll() is not None:
                    raise AssertionError(f"make serve stopped: {process.stdout.read() if process.stdout else ''}") from None
                if time.monotonic() > deadline:
                    raise AssertionError(f"Datasette did not answer on {base} within {STARTUP_SECONDS} s") from None
                time.sleep(0.5)
        yield f"{base}/{DATABASE}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def csv_row_count(name: str) -> int:
    with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def query(url: str, **params: str) -> list[dict]:
    return get_json(f"{url}.json?" + urllib.parse.urlencode({"_shape": "array", "_size": "max", **params}))


@pytest.mark.parametrize("name", NAMES)
def test_every_resource_has_all_its_rows(server: str, name: str) -> None:
    assert get_json(f"{server}/{name}.json?_size=0")["filtered_table_rows_count"] == csv_row_count(name)


def test_full_text_search_finds_a_word_of_a_quote(server: str) -> None:
    # data/poll_results.csv: the only row with "pakt" (in its quote) is the 21% who agree
    rows = query(f"{server}/poll_results", _search="pakt")
    assert [(row["question_id"], row["answer"], row["value_pct"]) for row in rows] == [("defence_statements", "(helemaal) eens", 21.0)]
    assert rows[0]["quote"] == "dan dat Nederland een voortrekkersrol pakt (21% wil dat)"


def test_foreign_keys_of_poll_results_are_labelled(server: str) -> None:
    rows = query(
        f"{server}/poll_results",
        _labels="on",
        question_id="trust_institutions",
        item="NAVO",
        respondent_group="vvd",
        answer="Heel/tamelijk vertrouwen",
    )
    assert len(rows) == 1
    row = rows[0]
    assert row["value_pct"] == 74.0
    assert row["party_id"] == {"value": "vvd", "label": "VVD"}
    assert row["question_id"] == {
        "value": "trust_institutions",
        "label": "How much trust do you have in the following institutions or organisations?",
    }
    assert row["wave"] == {"value": "2025-06b", "label": "vrijdag 13 juni tot maandagochtend 16 juni 2025"}
    assert row["source_id"] == {
        "value": "ipsos-io-2025-06-navo",
        "label": "Vertrouwen in NAVO, maar Nederland hoeft geen voortrekker te zijn",
    }


def test_a_row_page_links_its_foreign_keys_with_their_labels(server: str) -> None:
    with urllib.request.urlopen(f"{server}/counts/iob-policy-pillars", timeout=30) as response:
        html = response.read().decode("utf-8")
    title = next(row["title"] for row in query(f"{server}/sources") if row["source_id"] == "iob-2025-samen-sterker")
    assert f'<a href="/{DATABASE}/sources/iob-2025-samen-sterker">{title}</a>' in html


def test_trust_in_nato_by_party(server: str) -> None:
    rows = query(f"{server}/trust_in_nato_by_party")
    by_group = {row["respondent_group"]: row["value_pct"] for row in rows}
    assert len(rows) == 13  # total and the 12 parties Tabel 1.1 prints
    assert (rows[0]["respondent_group"], rows[0]["abbreviation"], rows[0]["value_pct"]) == ("d66", "D66", 77.0)
    assert by_group["total"] == 51.0 and by_group["vvd"] == 74.0 and by_group["pvdd"] == 30.0


def test_one_partys_positions_across_all_matrices(server: str) -> None:
    rows = query(f"{server}/positions_of_party", party_id="vvd")
    assert len(rows) == 43  # the items of the six matrices
    assert {row["table_id"] for row in rows} == {
        "threat_perception",
        "friends_orientation",
        "ukraine_support",
        "capabilities",
        "finances",
        "societal_resilience",
    }
    russia = next(row for row in rows if row["table_id"] == "threat_perception" and row["item_en"] == "Russia")
    assert (russia["position"], russia["cell_status"]) == ("threat", "transcribed")
    pillar = next(row for row in rows if row["item_en"] == "European pillar within NATO")
    assert (pillar["position"], pillar["cell_status"]) == ("for", "from_text") and pillar["evidence_quote"]


def test_every_value_from_one_section(server: str) -> None:
    rows = query(f"{server}/values_from_section", source_id="iob-2025-samen-sterker", locator="§5.3")
    assert rows and all(row["locator"].startswith("§5.3") for row in rows)
    norm = next(row for row in rows if row["row_key"] == "iob-nato-2pct-agreed-2006")
    assert (norm["resource"], norm["value"], norm["printed"], norm["locator"]) == ("spending_norms", 2.0, "2%", "§5.3.1")
    assert {"spending_norms", "mission_contributions"} <= {row["resource"] for row in rows}
    assert not query(f"{server}/values_from_section", source_id="aiv-2025-briefadvies-navo-top", locator="§5.3")


def test_discrepancy_register_has_both_quotes(server: str) -> None:
    rows = query(f"{server}/discrepancy_register")
    assert len(rows) == 27
    swapped = next(row for row in rows if row["discrepancy_id"] == "ipsos-summary-leaders-swapped")
    assert swapped["left_quote"] == "vlak daarna gevolgd door Frans Timmermans (22%) en Henri Bontenbal (20%)"
    assert swapped["right_quote"] == "Henri Bontenbal 18% 22% 68% … Frans Timmermans 18% 20% 86%"


def test_metadata_comes_from_the_descriptor(server: str) -> None:
    metadata = get_json(server.rsplit("/", 1)[0] + "/-/metadata.json")
    assert not set(metadata["databases"][DATABASE]["queries"]) & set(NAMES), "a canned query would hide a table"
    assert metadata["title"] == "Dutch public opinion, party positions and commitments on NATO and defence spending, 2025"
    assert metadata["license"] == "CC-BY-4.0"
    assert metadata["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    table = metadata["databases"][DATABASE]["tables"]["poll_results"]
    assert table["columns"]["value_pct"] == ("Percentage of the group giving the answer, 0-100; empty when value_status is not 'reported'.")
    assert table["source"] == "Vertrouwen in NAVO, maar Nederland hoeft geen voortrekker te zijn"


def test_a_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run([str(BIN / "python"), "scripts/serve.py", "--port", str(port)], ROOT)
    assert result.returncode == 1
    assert result.stderr == f"port {port} on 127.0.0.1 is in use; try make serve PORT={port + 1}\n"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless chromium for the module's browser tests (starting one takes about a second)."""
    assert CHROMIUM.is_file(), f"no browser at {CHROMIUM}: `make test` installs it (apt-get install -y chromium)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def test_a_table_page_renders_in_a_real_browser(server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{server}/poll_results?question_id=trust_institutions&item=NAVO", wait_until="networkidle")
    assert page.locator("h1").first.inner_text().strip().startswith("Poll results")
    assert page.locator("td", has_text="Heel/tamelijk vertrouwen").count() > 0
    facet = page.locator('.facet-info[data-column="respondent_group"]')
    assert facet.count() == 1 and "vvd" in facet.inner_text()
    assert page.locator('a[href$="/parties/vvd"]').first.inner_text() == "VVD"
    # whole numbers without '.0', booleans as words
    vvd = page.locator("tr", has=page.locator('a[href$="/parties/vvd"]')).first
    cells = vvd.locator("td").all_inner_texts()
    assert "74" in cells and "74.0" not in cells and "false" in cells
    # what a reader sees on the first screen (1280 x 800) of a table page: the rows, with the
    # column descriptions one click away, and no suggested facet on raw_line
    page.goto(f"{server}/poll_results", wait_until="networkidle")
    assert page.locator("table.rows-and-columns").bounding_box()["y"] < 800
    toggle = page.locator("details.column-descriptions-toggle")
    assert toggle.count() == 1 and toggle.get_attribute("open") is None
    assert toggle.locator("summary").inner_text().startswith("Column descriptions (")
    assert page.locator(".suggested-facets").count() == 0
    if os.environ.get("UPDATE_SCREENSHOT"):  # the picture in the README: this page, as a reader sees it
        page.screenshot(path=str(ROOT / "docs" / "datasette.png"))
    page.close()


@pytest.mark.slow  # make test-slow: a page that fetches every table's search (about 4 s)
def test_search_across_all_tables_finds_the_call_up_rows(server: str, browser: Any) -> None:
    """One search box over every table (datasette-search-all) finds the Clingendael rows on the
    military call-up (opkomstplicht) from the words a reader types, in Dutch and in English."""
    base = server.rsplit("/", 1)[0]
    page = browser.new_page()
    for words in ("dienstplicht", "conscription", "military service"):
        page.goto(f"{base}/-/search?" + urllib.parse.urlencode({"q": words}), wait_until="networkidle")
        page.get_by_text("Herinvoering opkomstplicht").first.wait_for(timeout=30000)
        assert page.get_by_text("Herinvoering opkomstplicht").count() > 0, words
    page.close()
