"""The harvestable metadata that `publish` makes: schema.org JSON-LD for dataset search, DCAT-AP
Turtle for open-data portals; the address setting; the registry records both files.

Expected values are written out by hand here, not taken from pipelines/harvest.py."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from conftest import BIN, ROOT, edit, run
from rdflib import Graph, Literal, Namespace, URIRef

sys.path.insert(0, str(ROOT / "scripts"))
import registry

# open namespaces: rdflib's built-in DCAT lacks DCAT 3 terms such as dcat:version
SDO = Namespace("https://schema.org/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
NAME = "nl-defence-opinion-2025"
NETHERLANDS = URIRef("http://publications.europa.eu/resource/authority/country/NLD")
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
IANA = "https://www.iana.org/assignments/media-types/"
ADDRESS = "https://data.example.org/nl-defence-opinion-2025"  # only in a throw-away copy

# release file suffix -> media type of the download (schema.org) and of its tables (DCAT)
FORMATS = {
    ".zip": ("application/zip", IANA + "text/csv"),
    ".sqlite": ("application/vnd.sqlite3", IANA + "application/vnd.sqlite3"),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        IANA + "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "-parquet.zip": ("application/zip", IANA + "application/vnd.apache.parquet"),
    # no IANA media type for Stata or SPSS files: the download's own, a zip
    "-stata.zip": ("application/zip", IANA + "application/zip"),
    "-spss.zip": ("application/zip", IANA + "application/zip"),
}
# the only absolute URLs the published metadata may hold while the package has no address:
# vocabularies, the licence, the Data Package profiles, EU authority tables, IANA, and the
# Party Facts repository at the commit the party ids come from
EXTERNAL = re.compile(
    r"https?://(schema\.org|www\.w3\.org|purl\.org/dc|xmlns\.com/foaf|creativecommons\.org|datapackage\.org"
    r"|publications\.europa\.eu/resource/authority|www\.iana\.org/assignments/media-types"
    r"|github\.com/hdigital/partyfactsdata/tree/[0-9a-f]{40})"
)


def version(root: Path = ROOT) -> str:
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"]


def files(v: str) -> list[str]:
    return [f"{NAME}-{v}{suffix}" for suffix in FORMATS]


def jsonld(root: Path = ROOT) -> dict:
    return json.loads((root / "metadata" / "dataset.jsonld").read_text(encoding="utf-8"))


def jsonld_graph(root: Path = ROOT) -> Graph:
    """The JSON-LD as RDF. Its context is schema.org's, which would be fetched; offline, the
    part that matters here is that terms are schema.org's and that URL-valued ones are IRIs."""
    data = jsonld(root)
    assert data["@context"] == "https://schema.org/"
    data["@context"] = {"@vocab": "https://schema.org/", **{term: {"@type": "@id"} for term in ("url", "license", "sameAs", "contentUrl")}}
    return Graph().parse(data=json.dumps(data), format="json-ld")


def dcat(root: Path = ROOT) -> Graph:
    return Graph().parse(root / "metadata" / "dcat-ap.ttl", format="turtle")


def one(graph: Graph, query: str) -> list:
    rows: list = list(graph.query(query, initNs={"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "schema": SDO}))
    assert len(rows) == 1, (query, rows)
    return list(rows[0])


# ---- schema.org ---------------------------------------------------------------------------


def test_schema_org_dataset_has_what_dataset_search_reads() -> None:
    data = jsonld()
    assert data["@type"] == "Dataset"
    assert data["name"].startswith("Dutch public opinion, party positions and commitments on NATO")
    assert 50 <= len(data["description"]) <= 5000  # Google's bounds for a description
    assert data["version"] == version()
    assert {"NATO", "NAVO", "defence spending"} <= set(data["keywords"])
    assert data["license"] == CC_BY
    assert [c["name"] for c in data["creator"]] == [f"{NAME} contributors"]
    assert [p["name"] for p in data["publisher"]] == [f"{NAME} contributors"]
    assert data["temporalCoverage"] == "2025"
    assert data["spatialCoverage"] == {"@type": "Place", "name": "Netherlands", "sameAs": str(NETHERLANDS)}
    # the five documents and Party Facts (the party ids)
    assert len(data["isBasedOn"]) == 6 and all(w["@type"] == "CreativeWork" for w in data["isBasedOn"])
    assert any("Samen sterker?" in w["name"] for w in data["isBasedOn"])
    assert len(data["citation"]) == 6


def test_schema_org_has_the_properties_google_recommends_that_hold_without_an_address() -> None:
    data = jsonld()
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert data["isAccessibleForFree"] is True
    assert data["inLanguage"] == ["nl", "en"]
    assert data["datePublished"] == data["dateModified"] == str(cff["date-released"])  # this version's date
    resources = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    assert [(v["@type"], v["name"]) for v in data["variableMeasured"]] == [("PropertyValue", r["name"]) for r in resources]
    assert all(v["description"] for v in data["variableMeasured"])


def test_schema_org_has_one_download_per_format() -> None:
    data = jsonld()
    v = version()
    found = {d["name"]: d["encodingFormat"] for d in data["distribution"] if d["@type"] == "DataDownload"}
    assert found == {f"{NAME}-{v}{suffix}": media for suffix, (media, _) in FORMATS.items()}


def test_schema_org_reads_as_rdf() -> None:
    graph = jsonld_graph()
    name, licence = one(graph, "select ?n ?l { ?d a schema:Dataset ; schema:name ?n ; schema:license ?l }")
    assert licence == URIRef(CC_BY) and str(name).startswith("Dutch public opinion")
    assert one(graph, "select (count(?x) as ?n) { ?d schema:distribution ?x . ?x a schema:DataDownload }") == [Literal(6)]
    assert one(graph, "select ?s { ?d schema:spatialCoverage ?p . ?p a schema:Place ; schema:sameAs ?s }") == [NETHERLANDS]


# ---- DCAT-AP ------------------------------------------------------------------------------


def test_dcat_ap_dataset_mandatory_and_recommended_properties() -> None:
    graph = dcat()
    dataset, title, description = one(
        graph,
        """select ?d ?t ?s { ?d a dcat:Dataset ; dct:title ?t ; dct:description ?s .
                                                 filter(lang(?t) = "en" && lang(?s) = "en") }""",
    )
    assert str(title) == jsonld()["name"] and str(description) == jsonld()["description"]
    # no Dutch title or description is written: the descriptor has none to give
    assert set(graph.objects(dataset, DCTERMS.title)) == {title}
    assert set(graph.objects(dataset, DCTERMS.description)) == {description}
    assert one(graph, "select ?n { ?d dct:publisher ?a . ?a a foaf:Agent ; foaf:name ?n }") == [Literal(f"{NAME} contributors")]
    assert one(graph, "select ?n { ?d dct:creator ?a . ?a a foaf:Agent ; foaf:name ?n }") == [Literal(f"{NAME} contributors")]
    assert one(graph, "select ?s ?e { ?d dct:temporal ?p . ?p a dct:PeriodOfTime ; dcat:startDate ?s ; dcat:endDate ?e }") == [
        Literal("2025", datatype=XSD.gYear),
        Literal("2025", datatype=XSD.gYear),
    ]
    assert set(graph.objects(dataset, DCTERMS.spatial)) == {NETHERLANDS}
    assert set(graph.objects(dataset, DCTERMS.license)) == {URIRef(CC_BY)}
    assert {"NATO", "NAVO", "defence spending"} <= {str(k) for k in graph.objects(dataset, DCAT.keyword)}
    assert Literal(version()) in set(graph.objects(dataset, DCAT.version))


def test_dcat_ap_one_distribution_per_format_once_there_is_an_address(addressed: Path) -> None:
    """Without an address the published file lists no distribution (each would lack the
    mandatory accessURL); with one, every format is a distribution."""
    assert not set(dcat().subjects(RDF.type, DCAT.Distribution))
    graph = dcat(addressed)
    rows = graph.query(
        """select ?t ?m ?f ?l { ?d dcat:distribution ?x . ?x a dcat:Distribution ; dct:title ?t ;
                                               dcat:mediaType ?m ; dct:format ?f ; dct:license ?l }""",
        initNs={"dcat": DCAT, "dct": DCTERMS},
    )
    v = "9.0.0"
    by_file = {str(t).split(":", 1)[0]: (str(m), str(f), str(l)) for t, m, f, l in rows}  # type: ignore[misc]  # SELECT rows
    assert set(by_file) == set(files(v))
    for suffix, (_, media) in FORMATS.items():
        assert by_file[f"{NAME}-{v}{suffix}"][0] == media
        assert by_file[f"{NAME}-{v}{suffix}"][2] == CC_BY
    zipped = {
        str(graph.value(x, DCTERMS.title)).split(":", 1)[0]
        for x, package in graph.subject_objects(DCAT.packageFormat)
        if package == URIRef(IANA + "application/zip")
    }
    assert zipped == {f"{NAME}-{v}.zip", f"{NAME}-{v}-parquet.zip"}
    assert len(list(graph.subject_objects(DCAT.packageFormat))) == 2


SHAPES = ROOT / "tests" / "fixtures" / "shacl"


PROFILES = {"dcat-ap-3.0.1": "dcat-ap-SHACL.ttl", "dcat-ap-nl-3.0": "dcat-ap-nl-SHACL.ttl"}


def shacl_violations(turtle: Path | str, profile: str = "dcat-ap-3.0.1") -> list[str]:
    """pyshacl's violations of the official shapes of a profile (DCAT-AP 3.0.1, or the Dutch
    DCAT-AP-NL 3.0), offline: the data graph with the few vocabulary concepts it uses typed
    (tests/fixtures/shacl/vocabularies.ttl)."""
    from pyshacl import validate
    from rdflib.namespace import SH

    data = Graph()
    data.parse(data=turtle, format="turtle") if isinstance(turtle, str) else data.parse(turtle)
    data.parse(SHAPES / "vocabularies.ttl")
    shapes = Graph().parse(SHAPES / profile / PROFILES[profile])
    _, report, _ = validate(data, shacl_graph=shapes, inference="none")
    return sorted(
        f"{report.value(r, SH.resultPath)}: {report.value(r, SH.resultMessage)}" for r in report.subjects(SH.resultSeverity, SH.Violation)
    )


@pytest.mark.parametrize("profile", PROFILES)
def test_dcat_ap_conforms_to_the_official_shapes(profile: str) -> None:
    assert shacl_violations(ROOT / "metadata" / "dcat-ap.ttl", profile) == []


@pytest.mark.parametrize("profile", PROFILES)
def test_dcat_ap_with_an_address_conforms_to_the_official_shapes(addressed: Path, profile: str) -> None:
    assert shacl_violations(addressed / "metadata" / "dcat-ap.ttl", profile) == []


def test_dcat_ap_without_a_title_or_with_a_distribution_without_access_fails_the_shapes() -> None:
    text = (ROOT / "metadata" / "dcat-ap.ttl").read_text(encoding="utf-8")
    untitled = re.sub(r"\n\s*dct:title [^;]*;", "\n", text, count=1)
    assert untitled != text
    assert any(v.startswith("http://purl.org/dc/terms/title: Less than 1 values") for v in shacl_violations(untitled))
    orphan = text + "\n[] a <http://www.w3.org/ns/dcat#Distribution> .\n"
    assert any(v.startswith("http://www.w3.org/ns/dcat#accessURL: Less than 1 values") for v in shacl_violations(orphan))
    # the Dutch profile's own mandatory properties
    no_theme = "\n".join(line for line in text.splitlines() if "dcat:theme" not in line and "data-theme" not in line)
    assert any(v.startswith("http://www.w3.org/ns/dcat#theme: Less than 1 values") for v in shacl_violations(no_theme, "dcat-ap-nl-3.0"))


def test_without_an_address_no_absolute_url_to_our_files() -> None:
    """DCAT-AP makes accessURL mandatory; without an address there is none to give, so it is
    left out (and appears once the address is set, below) rather than made up."""
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    if json.loads((ROOT / "schemas" / "package.json").read_text(encoding="utf-8"))["x-address"]:
        pytest.skip("the package has an address")
    assert "homepage" not in descriptor and "id" not in descriptor and "x-address" not in descriptor
    for path in ("datapackage.json", "metadata/dataset.jsonld", "metadata/dcat-ap.ttl"):
        text = (ROOT / path).read_text(encoding="utf-8")
        ours = [url for url in re.findall(r"https?://[^\s\"'<>)]+", text) if not EXTERNAL.match(url)]
        assert ours == [], f"{path}: {ours}"
    assert not set(dcat().subject_objects(DCAT.accessURL)) and not set(dcat().subject_objects(DCAT.downloadURL))
    assert all("contentUrl" not in d for d in jsonld()["distribution"]) and "@id" not in jsonld()


# ---- a copy with an address and a new version ---------------------------------------------


@pytest.fixture(scope="module")
def addressed(tmp_path_factory, built) -> Path:
    """A clone (with the history, for the registry) with the address set and version 9.0.0,
    published again from the staged build (the rest of the pipeline depends on neither)."""
    from test_registry import clone

    repo = clone(tmp_path_factory.mktemp("harvest"))
    shutil.copytree(built[0] / "build", repo / "build")  # the session's from-scratch build (a clone has none)
    edit(repo / "schemas" / "package.json", '"x-address": ""', f'"x-address": "{ADDRESS}/"')
    edit(repo / "schemas" / "package.json", f'"version": "{version()}"', '"version": "9.0.0"')
    result = run([str(BIN / "python"), "-m", "pipelines.stages.publish"], repo)
    assert result.returncode == 0, result.stderr
    return repo


def test_with_an_address_urls_are_absolute_under_it(addressed: Path) -> None:
    descriptor = json.loads((addressed / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["homepage"] == ADDRESS and descriptor["id"] == ADDRESS and "x-address" not in descriptor
    data = jsonld(addressed)
    assert data["@id"] == ADDRESS and data["url"] == ADDRESS
    assert sorted(d["contentUrl"] for d in data["distribution"]) == sorted(f"{ADDRESS}/{f}" for f in files("9.0.0"))
    graph = dcat(addressed)
    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == {URIRef(ADDRESS)}
    assert set(graph.objects(URIRef(ADDRESS), DCAT.landingPage)) == {URIRef(ADDRESS)}
    distributions = set(graph.objects(URIRef(ADDRESS), DCAT.distribution))
    assert len(distributions) == 6
    assert {graph.value(d, DCAT.accessURL) for d in distributions} == {URIRef(ADDRESS)}
    assert {str(graph.value(d, DCAT.downloadURL)) for d in distributions} == {f"{ADDRESS}/{f}" for f in files("9.0.0")}
    assert {str(graph.value(d, DCAT.downloadURL)).rsplit("/", 1)[1] for d in distributions} == {
        "nl-defence-opinion-2025-9.0.0.zip",
        "nl-defence-opinion-2025-9.0.0.sqlite",
        "nl-defence-opinion-2025-9.0.0.xlsx",
        "nl-defence-opinion-2025-9.0.0-parquet.zip",
        "nl-defence-opinion-2025-9.0.0-stata.zip",
        "nl-defence-opinion-2025-9.0.0-spss.zip",
    }


def test_with_an_address_the_descriptor_still_validates(addressed: Path) -> None:
    from frictionless import Package
    from test_profiles import errors

    descriptor = json.loads((addressed / "datapackage.json").read_text(encoding="utf-8"))
    assert errors(descriptor) == []
    assert Package.validate_descriptor(descriptor).valid


def test_an_address_that_is_not_a_url_stops_publish(addressed: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(addressed, repo, symlinks=True)
    before = (repo / "metadata" / "dcat-ap.ttl").read_bytes()
    edit(repo / "schemas" / "package.json", f'"x-address": "{ADDRESS}/"', '"x-address": "data.example.org"')
    result = run([str(BIN / "python"), "-m", "pipelines.stages.publish"], repo)
    assert result.returncode == 1
    assert "schemas/package.json: x-address must be an absolute http(s) URL or empty, not 'data.example.org'" in result.stderr
    assert (repo / "metadata" / "dcat-ap.ttl").read_bytes() == before


def test_the_registry_records_and_checks_the_metadata(addressed: Path, tmp_path: Path) -> None:
    """Once a version is registered its entry lists metadata/ like the reports, and a changed
    metadata file no longer matches it; entries from before 2.2.0 have no metadata and still pass."""
    repo = tmp_path / "repo"
    shutil.copytree(addressed, repo, symlinks=True)
    changelog = repo / "CHANGELOG.md"
    changelog.write_text(changelog.read_text(encoding="utf-8").replace("## [", "## [9.0.0] - 2026-12-02\n\n## [", 1), encoding="utf-8")
    registry.register(repo, today="2026-12-02")
    entry = registry.load(repo)[-1]
    assert entry["version"] == "9.0.0"
    assert set(entry["metadata"]) == {"metadata/dataset.jsonld", "metadata/dcat-ap.ttl"}
    assert entry["metadata"]["metadata/dcat-ap.ttl"]["bytes"] == (repo / "metadata" / "dcat-ap.ttl").stat().st_size
    assert all("metadata" not in e for e in registry.load(repo) if tuple(map(int, e["version"].split("."))) < (2, 2, 0))
    # 9.0.0 is a made-up next version in a copy; only the copy's consistency is checked
    assert registry.check(repo) == []
    matched, text = registry.which(repo / "metadata" / "dataset.jsonld", repo)
    assert matched and "metadata/dataset.jsonld of version 9.0.0" in text
    (repo / "metadata" / "dcat-ap.ttl").write_bytes(b"# edited\n" + (repo / "metadata" / "dcat-ap.ttl").read_bytes())
    assert any(
        p.startswith("version 9.0.0 in releases.json vs the published files: metadata/dcat-ap.ttl: the entry says")
        for p in registry.check(repo)
    )
