"""make site: a static landing page for the package, for any static host (no server needed).

    python scripts/landing_page.py [--out build/site]

Writes, from the published package only (and only when it validates):

- index.html: what the data are, the ways in, the charts, how to cite this version (text and
  BibTeX), the downloads, and the schema.org JSON-LD of metadata/dataset.jsonld embedded;
- codebook.html: docs/CODEBOOK.md as HTML;
- the files it links to, by relative links, so that the folder works wherever it is put:
  data/, schemas/, datapackage.json, metadata/, the charts of reports/figures/, CITATION.cff and
  CITATION.bib, and the release formats (dist/, scripts/formats.py).

Every address is relative until the package has an address (x-address in schemas/package.json);
the code-host workflow .github/workflows/pages.yml publishes the folder.
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import sys
from pathlib import Path

# scripts/ is on the path when this runs as a script; the shared helpers live in pipelines/
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pipelines.lib.files import write_atomic  # noqa: E402
from pipelines.lib.package import DESCRIPTOR, ROOT  # noqa: E402

SITE = ROOT / "build" / "site"
COPIED = ("datapackage.json", "CITATION.cff", "CITATION.bib", "LICENSE")
FOLDERS = ("schemas", "metadata", "reports/figures")
STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1b1b1b; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; } .version { color: #555; margin-top: 0; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
pre { background: #f4f4f4; padding: 0.8rem; overflow-x: auto; } figure { margin: 1rem 0; } img { max-width: 100%; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(26rem, 1fr)); gap: 1rem; }
"""
CHART_TITLES = {
    "trust_in_nato_by_party.png": "Trust in NATO by party preference (Ipsos I&O, Tabel 1.2)",
    "european_army_over_time.png": "Support for a European army over time (Ipsos I&O, Tabel 3.1)",
    "priority_topics_2025.png": "Topics politics should give priority to (Ipsos I&O, Tabel 2.3)",
    "party_matrices.png": "Party positions in the Clingendael matrices",
    "cpb_debt_projections.png": "CPB state-debt projections by party (Clingendael, Tabel 5)",
    "spending_norms.png": "Spending norms across the documents",
    "fair_shares.png": "Fair shares of Dutch mission contributions (IOB)",
}


def page(title: str, body: str, head: str = "") -> str:
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n{head}</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def index(descriptor: dict, jsonld: str, bibtex: str, citation: str, formats: list[str]) -> str:
    name, version = descriptor["name"], descriptor["version"]
    rows = "\n".join(
        f'<tr><td><a href="data/{html.escape(r["name"])}.csv">{html.escape(r["name"])}</a></td>'
        f"<td>{html.escape(r.get('title', ''))}</td><td>{html.escape(r.get('description', ''))}</td>"
        f'<td><a href="{html.escape(r["schema"])}">schema</a></td></tr>'
        for r in descriptor["resources"]
    )
    figures = "\n".join(
        f'<figure><img src="reports/figures/{file}" alt="{html.escape(title)}"><figcaption>{html.escape(title)}</figcaption></figure>'
        for file, title in CHART_TITLES.items()
    )
    downloads = "\n".join(f'<li><a href="dist/{html.escape(file)}">{html.escape(file)}</a></li>' for file in formats)
    stem = html.escape(f"dist/{name}-{version}")
    licence = descriptor["licenses"][0]
    body = f"""<h1>{html.escape(descriptor["title"])}</h1>
<p class="version">Version {html.escape(version)} · licence
<a href="{html.escape(licence["path"])}">{html.escape(licence["title"])}</a></p>
<p>{html.escape(descriptor["description"])}</p>

<h2 id="ways-in">Ways in</h2>
<ul>
<li><strong>Excel or LibreOffice</strong>: <a href="{stem}.xlsx">the workbook</a>
(sheet "About" first, then one sheet per table).</li>
<li><strong>Stata and SPSS</strong>: <a href="{stem}-stata.zip">.dta files</a> and
<a href="{stem}-spss.zip">.sav files</a>, with variable and value labels.</li>
<li><strong>pandas, R, DuckDB, Polars</strong>: the CSVs below with their Table Schemas
(<a href="datapackage.json">datapackage.json</a>); recipes that keep the schema's types are in
the repository's docs/USING.md.</li>
<li><strong>SQL and Datasette</strong>: <a href="{stem}.sqlite">the SQLite database</a>
(<code>datasette FILE</code>).</li>
<li><strong>What every column means</strong>: <a href="codebook.html">the codebook</a>.</li>
</ul>

<h2 id="tables">Tables</h2>
<table>
<tr><th>file</th><th>title</th><th>one row is</th><th>types</th></tr>
{rows}
</table>

<h2 id="charts">Charts</h2>
<div class="figures">
{figures}
</div>

<h2 id="cite">Cite this version</h2>
<p>{html.escape(citation)} Cite the source documents of the values you use as well
(<a href="CITATION.cff">CITATION.cff</a>, <code>references</code>).</p>
<pre>{html.escape(bibtex)}</pre>

<h2 id="downloads">Downloads</h2>
<ul>
{downloads}
<li><a href="CITATION.bib">CITATION.bib</a>, <a href="CITATION.cff">CITATION.cff</a>,
<a href="metadata/dcat-ap.ttl">DCAT-AP metadata</a>, <a href="metadata/dataset.jsonld">schema.org metadata</a></li>
</ul>
"""
    return page(f"{descriptor['title']} (version {version})", body, f'<script type="application/ld+json">\n{jsonld}\n</script>\n')


def codebook() -> str:
    import markdown  # noqa: PLC0415  (only this page needs it)

    text = (ROOT / "docs" / "CODEBOOK.md").read_text(encoding="utf-8")
    return page("Codebook", '<p><a href="index.html">← back</a></p>\n' + markdown.markdown(text, extensions=["tables"]))


def build(out: Path) -> list[Path]:
    """The site in `out` (emptied first), from the published package, which must validate."""
    import formats  # noqa: PLC0415  (scripts/formats.py validates the package and builds the downloads)

    package = formats.validated_package(DESCRIPTOR)
    descriptor = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in COPIED:
        shutil.copy2(ROOT / name, out / name)
    for folder in FOLDERS:
        shutil.copytree(ROOT / folder, out / folder)
    (out / "data").mkdir()
    for resource in descriptor["resources"]:  # the published tables, not the raw transcriptions
        shutil.copy2(ROOT / resource["path"], out / resource["path"])
    built = formats.build_all(DESCRIPTOR, out / "dist", package)
    jsonld = (ROOT / "metadata" / "dataset.jsonld").read_text(encoding="utf-8").strip()
    bibtex = (ROOT / "CITATION.bib").read_text(encoding="utf-8")
    written = [out / "index.html", out / "codebook.html"]
    write_atomic(written[0], index(descriptor, jsonld, bibtex, formats.citation(package), [p.name for p in built]).encode("utf-8"))
    write_atomic(written[1], codebook().encode("utf-8"))
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Build the static landing page.")
    parser.add_argument("--out", type=Path, default=SITE, help="folder to write the site to (emptied first)")
    args = parser.parse_args(argv)
    import formats  # noqa: PLC0415

    try:
        build(args.out)
    except formats.FormatsError as error:
        print(f"site: {error}", file=sys.stderr)
        sys.exit(1)
    print(f"site: {args.out / 'index.html'} (open it in a browser, or publish the folder on any static host)")


if __name__ == "__main__":
    main()
