"""Harvestable metadata made from the descriptor: schema.org JSON-LD and DCAT-AP Turtle.

Called by `publish`, which writes the files with the rest of the package. Two audiences:
- `metadata/dataset.jsonld`, a schema.org `Dataset` for web search (Google Dataset Search reads
  it from a landing page's <script type="application/ld+json">). Written as plain JSON, in the
  compact shape search engines document; an RDF library would write expanded JSON-LD instead.
- `metadata/dcat-ap.ttl`, a DCAT-AP 3 `dcat:Dataset` for open-data portals (data.europa.eu,
  data.overheid.nl harvest DCAT). Built as an rdflib graph, so IRIs, language tags and
  escaping are right by construction, and serialised as Turtle with fixed blank-node ids so
  that the bytes are the same on every run.

The package has no public home yet. Its address comes from one setting, `x-address` in
schemas/package.json, empty by default; while it is empty no absolute URL to our own files is
written anywhere, and distributions name their file without a download URL.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlparse

from pipelines.lib.files import json_bytes
from pipelines.lib.raw import InputError

JSONLD_PATH = "metadata/dataset.jsonld"
DCAT_PATH = "metadata/dcat-ap.ttl"
ADDRESS_KEY = "x-address"

NETHERLANDS = "http://publications.europa.eu/resource/authority/country/NLD"
IANA = "https://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
# EU vocabularies the Dutch profile (DCAT-AP-NL 3.0) makes mandatory: public access, and the data
# themes (government and public sector; international issues)
PUBLIC_ACCESS = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
THEMES = (
    "http://publications.europa.eu/resource/authority/data-theme/GOVE",
    "http://publications.europa.eu/resource/authority/data-theme/INTR",
)
VCARD = "http://www.w3.org/2006/vcard/ns#"
# DCAT 3 term, missing from rdflib's closed DCAT namespace
DCAT_VERSION = "http://www.w3.org/ns/dcat#version"

# The release formats, in the order the release lists them (scripts/release.py makes the CSV zip,
# scripts/formats.py the others; a test keeps the lists equal): (id, file name suffix, title,
# media type of the download, media type of the tables inside when the download is a zip and
# IANA has one, EU file-type code or None where the EU list has none (SQLite)). Stata and SPSS
# files have neither an IANA media type nor an EU file-type code: their zips are described as
# what they are, zip files (EU file-type ZIP), whose title says what is inside.
FORMATS = (
    ("csv", ".zip", "CSV data package (zip)", "application/zip", "text/csv", "CSV"),
    ("sqlite", ".sqlite", "SQLite database", "application/vnd.sqlite3", None, None),
    ("xlsx", ".xlsx", "Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", None, "XLSX"),
    ("parquet", "-parquet.zip", "Parquet files (zip)", "application/zip", "application/vnd.apache.parquet", "PARQUET"),
    ("stata", "-stata.zip", "Stata .dta files with variable and value labels (zip)", "application/zip", None, "ZIP"),
    ("spss", "-spss.zip", "SPSS .sav files with variable and value labels (zip)", "application/zip", None, "ZIP"),
)


def address(metadata: dict) -> str:
    """The package's public address without a trailing slash, or '' while it has none."""
    value = str(metadata.get(ADDRESS_KEY, "")).strip()
    if value and (urlparse(value).scheme not in ("http", "https") or not urlparse(value).netloc):
        raise InputError([f"schemas/package.json: {ADDRESS_KEY} must be an absolute http(s) URL or empty, not {value!r}"])
    return value.rstrip("/")


def release_file(descriptor: dict, suffix: str) -> str:
    return f"{descriptor['name']}-{descriptor['version']}{suffix}"


def download_url(base: str, file: str) -> str:
    """A release file's address under the package's address (only once it has one)."""
    return f"{base}/{file}"


def publication_years(sources_csv: bytes) -> tuple[str, str]:
    """First and last year the source documents were published (sources.published is
    YYYY, YYYY-MM or YYYY-MM-DD): the period the documents describe the opinions and
    commitments of. Earlier poll waves they reprint are part of what a 2025 document says."""
    rows = csv.DictReader(io.StringIO(sources_csv.decode("utf-8")))
    years = sorted(row["published"][:4] for row in rows)
    return years[0], years[-1]


def agents(descriptor: dict, role: str) -> list[str]:
    return [c["title"] for c in descriptor.get("contributors", []) if role in c.get("roles", [])]


def schema_org(descriptor: dict, base: str, years: tuple[str, str], released: str = "") -> dict:
    licence = descriptor["licenses"][0]
    dataset: dict = {"@context": "https://schema.org/", "@type": "Dataset"}
    if base:
        dataset["@id"] = base
        dataset["url"] = base
    dataset.update(
        {
            "name": descriptor["title"],
            "alternateName": descriptor["name"],
            "description": descriptor["description"],
            "version": descriptor["version"],
            "dateCreated": descriptor["created"],
            # this version's release date (CITATION.cff): published and last modified on that day
            **({"datePublished": released, "dateModified": released} if released else {}),
            "isAccessibleForFree": True,
            # Dutch labels and quotes as printed, English names and descriptions
            "inLanguage": ["nl", "en"],
            "variableMeasured": [
                {"@type": "PropertyValue", "name": resource["name"], "description": resource.get("description", "")}
                for resource in descriptor["resources"]
            ],
            "keywords": descriptor["keywords"],
            "license": licence["path"],
            "creator": [{"@type": "Organization", "name": name} for name in agents(descriptor, "creator")],
            "publisher": [{"@type": "Organization", "name": name} for name in agents(descriptor, "publisher")],
            "temporalCoverage": years[0] if years[0] == years[1] else f"{years[0]}/{years[1]}",
            "spatialCoverage": {"@type": "Place", "name": "Netherlands", "sameAs": NETHERLANDS},
            "isBasedOn": [{"@type": "CreativeWork", "name": source["title"]} for source in descriptor["sources"]],
            # the README asks users to cite the source documents as well as the dataset
            "citation": [source["title"] for source in descriptor["sources"]],
            "distribution": [],
        }
    )
    for _, suffix, title, media_type, _, _ in FORMATS:
        file = release_file(descriptor, suffix)
        distribution = {"@type": "DataDownload", "name": file, "description": title, "encodingFormat": media_type}
        if base:
            distribution["contentUrl"] = download_url(base, file)
        dataset["distribution"].append(distribution)
    return dataset


def dcat_ap(descriptor: dict, base: str, years: tuple[str, str]) -> bytes:
    # rdflib is needed by this stage only
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("xsd", XSD), ("vcard", VCARD)):
        graph.bind(prefix, namespace)
    # fixed blank-node ids: rdflib orders by them, so the Turtle is byte-stable
    dataset = URIRef(base) if base else BNode("dataset")
    licence = URIRef(descriptor["licenses"][0]["path"])
    add = graph.add
    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.title, Literal(descriptor["title"], lang="en")))
    add((dataset, DCTERMS.description, Literal(descriptor["description"], lang="en")))
    add((dataset, DCTERMS.identifier, Literal(base or descriptor["name"])))
    add((dataset, URIRef(DCAT_VERSION), Literal(descriptor["version"])))
    add((dataset, DCTERMS.issued, Literal(descriptor["created"], datatype=XSD.dateTime)))
    for keyword in descriptor["keywords"]:  # Dutch and English words mixed: no language tag
        add((dataset, DCAT.keyword, Literal(keyword)))
    if base:
        add((dataset, DCAT.landingPage, URIRef(base)))
        add((URIRef(base), RDF.type, FOAF.Document))  # DCAT-AP: a landing page is a foaf:Document
    for role, predicate in (("creator", DCTERMS.creator), ("publisher", DCTERMS.publisher)):
        for number, name in enumerate(agents(descriptor, role)):
            agent = BNode(f"agent-{number}")
            add((dataset, predicate, agent))
            add((agent, RDF.type, FOAF.Agent))
            add((agent, FOAF.name, Literal(name)))
    period = BNode("period")
    add((dataset, DCTERMS.temporal, period))
    add((period, RDF.type, DCTERMS.PeriodOfTime))
    add((period, DCAT.startDate, Literal(years[0], datatype=XSD.gYear)))
    add((period, DCAT.endDate, Literal(years[1], datatype=XSD.gYear)))
    add((dataset, DCTERMS.spatial, URIRef(NETHERLANDS)))
    add((dataset, DCTERMS.accessRights, URIRef(PUBLIC_ACCESS)))
    for theme in THEMES:
        add((dataset, DCAT.theme, URIRef(theme)))
    # the contact point: who answers for the data (the publisher); reachable at the address, once there is one
    contact = BNode("contact")
    add((dataset, DCAT.contactPoint, contact))
    add((contact, RDF.type, URIRef(VCARD + "Kind")))
    add((contact, URIRef(VCARD + "fn"), Literal(agents(descriptor, "publisher")[0])))
    if base:
        add((contact, URIRef(VCARD + "hasURL"), URIRef(base)))
    add((dataset, DCTERMS.license, licence))
    add((licence, RDF.type, DCTERMS.LicenseDocument))
    # the documents the values come from: related resources (DCAT-AP's dct:source must be a
    # dcat:Dataset, which a report or a letter is not)
    for number, source in enumerate(descriptor["sources"]):
        document = BNode(f"source-{number}")
        add((dataset, DCTERMS.relation, document))
        add((document, DCTERMS.title, Literal(source["title"])))
    # a distribution is listed only where it can be had: its accessURL is mandatory in DCAT-AP,
    # and there is none to give until the package has an address
    for key, suffix, title, media_type, inner_type, file_type in FORMATS if base else ():
        file = release_file(descriptor, suffix)
        distribution = BNode(f"distribution-{key}")
        add((dataset, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        add((distribution, DCTERMS.title, Literal(f"{file}: {title}", lang="en")))
        add((distribution, DCTERMS.license, licence))
        # DCAT 3: for a zip, mediaType is what is inside and packageFormat says it is zipped
        add((distribution, DCAT.mediaType, URIRef(IANA + (inner_type or media_type))))
        if inner_type:
            add((distribution, DCAT.packageFormat, URIRef(IANA + media_type)))
        add((distribution, DCTERMS["format"], URIRef(FILE_TYPE + file_type if file_type else IANA + media_type)))
        add((distribution, DCAT.accessURL, URIRef(base)))
        add((distribution, DCAT.downloadURL, URIRef(download_url(base, file))))
    return graph.serialize(format="turtle").encode("utf-8")


def harvest_files(descriptor: dict, base: str, sources_csv: bytes, released: str = "") -> dict[str, bytes]:
    """The metadata files by published path, for the descriptor as published; `released` is
    this version's release date (CITATION.cff's date-released)."""
    years = publication_years(sources_csv)
    return {JSONLD_PATH: json_bytes(schema_org(descriptor, base, years, released)), DCAT_PATH: dcat_ap(descriptor, base, years)}
