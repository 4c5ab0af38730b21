"""make site: the landing page, opened from disk in headless chromium as a reader without a
server would: what the data are, the ways in, the charts, the citation of this version, the
downloads by relative links that all resolve, and the schema.org JSON-LD embedded. In make
test-slow: building it builds the five release formats."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from conftest import ROOT
from playwright.sync_api import sync_playwright
from test_serve import CHROMIUM, CHROMIUM_ARGS

sys.path.insert(0, str(ROOT / "scripts"))
import landing_page as landing  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    landing.build(out)
    return out


def test_the_landing_page_in_a_browser(built: Path) -> None:
    version = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto((built / "index.html").as_uri(), wait_until="load")
            assert page.locator("h1").inner_text().startswith("Dutch public opinion, party positions and commitments")
            assert f"Version {version}" in page.locator(".version").inner_text()
            # the JSON-LD is the published schema.org metadata, as is
            embedded = json.loads(page.locator('script[type="application/ld+json"]').inner_text())
            assert embedded == json.loads((ROOT / "metadata" / "dataset.jsonld").read_text(encoding="utf-8"))
            # the citation of this version, with its BibTeX
            assert (ROOT / "CITATION.bib").read_text(encoding="utf-8").strip() in page.locator("pre").inner_text()
            # every relative link resolves to a file of the folder; every chart loads
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
            relative = [h for h in hrefs if not urlparse(h).scheme]
            assert len(relative) > 20
            assert [h for h in relative if not (built / unquote(h)).is_file()] == []
            assert any(h.endswith(f"-{version}-stata.zip") for h in relative) and "codebook.html" in relative
            widths = page.eval_on_selector_all("img", "images => images.map(i => i.naturalWidth)")
            assert widths and all(w > 0 for w in widths)
            if os.environ.get("UPDATE_SCREENSHOT"):
                page.screenshot(path=str(ROOT / "docs" / "site.png"))
            page.goto((built / "codebook.html").as_uri(), wait_until="load")
            assert page.locator("table").count() > 10  # one table of columns per resource
        finally:
            browser.close()


def test_a_package_that_fails_validation_gets_no_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import formats

    broken = tmp_path / "package"
    broken.mkdir()
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["bytes"] += 1
    (broken / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    for folder in ("data", "schemas"):
        (broken / folder).symlink_to(ROOT / folder)
    monkeypatch.setattr(landing, "DESCRIPTOR", broken / "datapackage.json")
    with pytest.raises(formats.FormatsError):
        landing.build(tmp_path / "site")
    assert not (tmp_path / "site").exists()
