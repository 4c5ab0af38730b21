"""make serve: the package in Datasette, on 127.0.0.1 only.

    python scripts/serve.py [--port 8001]

Builds the SQLite database of the release formats (scripts/formats.py, so only from a package
that validates) into build/serve/, writes Datasette metadata generated from the descriptor and
the Table Schemas (titles, licence, the documents each table comes from, every column's
description, facets, the column that labels a row where another table links to it, canned
queries), then runs Datasette in its place. A port that is taken is one line and exit status 1;
a PORT that is not a number from 1 to 65535 is one line and exit status 2.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import socket
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING

# scripts/ is on the path when this runs as a script; the shared helpers live in pipelines/
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pipelines.lib.files import json_bytes, write_atomic  # noqa: E402
from pipelines.lib.package import DESCRIPTOR, ROOT  # noqa: E402
from pipelines.sources import iob, ipsos  # noqa: E402

if TYPE_CHECKING:
    from frictionless import Package
# scripts/formats.py (frictionless, sqlite-utils, pyarrow: 1.2 s to import) is imported where it
# is used, after the port is checked, so that a bad PORT is answered at once.

SERVE = ROOT / "build" / "serve"
HOST = "127.0.0.1"  # never on a public interface: this is for looking at the data locally
FACETS_PER_TABLE = 4
# Datasette's default (200 ms) gives up on facets on a busy machine; the tables are small.
# Suggested facets are off: Datasette would suggest raw_line and raw_column, which help no reader;
# each table's facets are chosen below.
SETTINGS = {"facet_time_limit_ms": "2000", "sql_time_limit_ms": "5000", "suggest_facets": "off"}
# the plugin that shows cells as a reader expects them, and the script that folds the column
# descriptions away (scripts/datasette/)
PLUGINS = Path(__file__).resolve().parent / "datasette" / "plugins"
STATIC = Path(__file__).resolve().parent / "datasette" / "static"

# What a link to a row of these tables shows instead of the bare key (e.g. poll_results.party_id
# shows the party's abbreviation): the column a reader recognises the row by.
LABEL_COLUMNS = {
    "sources": "title",
    "parties": "abbreviation",
    "poll_questions": "text_en",
    "poll_waves": "label_as_printed",
    "discrepancies": "description_en",
}

# The column that holds each fact table's value, for the query "every value from one section".
VALUE_COLUMNS = {
    "poll_questions": "base_n",
    "poll_waves": "base_n",
    "poll_results": "value_pct",
    "poll_method": "coalesce(value_number, value_text)",
    "party_positions": "position",
    "party_fiscal_projections": "value",
    "fair_shares": "stated_share_pct",
    "mission_contributions": "value",
    "force_requirements": "quantity",
    "financial_figures": "amount",
    "spending_norms": "pct_gdp",
    "industry_shares": "share_pct",
    "counts": "count",
    "claims": "claimed_value",
}

TRUST_IN_NATO_WHERE = "r.question_id = 'trust_institutions' and r.item = 'NAVO' and r.answer = 'Heel/tamelijk vertrouwen'"
TRUST_IN_NATO_BY_PARTY = f"""\
select r.respondent_group, p.abbreviation, p.name_en, r.value_pct, r.indicative, r.wave, r.locator
from poll_results r left join parties p on p.party_id = r.party_id
where {TRUST_IN_NATO_WHERE}
order by r.value_pct desc"""

PARTY_POSITIONS = """\
select table_id, section_en, item_en, position, cell_status, evidence_quote, locator, note
from party_positions
where party_id = :party_id
order by table_id, rowid"""

DISCREPANCIES = """\
select discrepancy_id, classification, description_en,
  left_source_id, left_locator, left_quote, right_source_id, right_locator, right_quote
from discrepancies
order by discrepancy_id"""


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # as the server will: a port left in TIME_WAIT by an earlier run is free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def values_from_section(package: Package) -> str:
    """Every value of every fact table whose source is :source_id and whose locator starts
    with :locator (a section '§5.3' takes in §5.3.1, §5.3.4, ...; 'Tabel 1' takes in Tabel 1.1)."""
    parts = []
    for resource in package.resources:
        if resource.name not in VALUE_COLUMNS:
            continue
        names = [field.name for field in resource.schema.fields]
        key = " || ' / ' || ".join(f"coalesce({column}, '')" for column in resource.schema.primary_key)
        quote = "evidence_quote" if "evidence_quote" in names else "quote" if "quote" in names else "null"
        printed = "printed" if "printed" in names else "null"
        parts.append(
            f"select '{resource.name}' as resource, {key} as row_key, {VALUE_COLUMNS[resource.name]} as value, "
            f"{printed} as printed, locator, {quote} as quote from {resource.name} "
            "where source_id = :source_id and locator like :locator || '%'"
        )
    return "\nunion all\n".join(parts) + "\norder by locator, resource, row_key"


def table_sources(db: sqlite3.Connection, package: Package, name: str) -> str:
    """The documents a table's rows come from, by title; a table without source_id is the package's own."""
    if "source_id" not in [field.name for field in package.get_resource(name).schema.fields] or name == "sources":
        return f"{package.title}, version {package.version}"
    titles = db.execute(f"select distinct s.title from {name} t join sources s on s.source_id = t.source_id order by s.title").fetchall()
    return "; ".join(title for (title,) in titles)


def facets(db: sqlite3.Connection, package: Package, name: str) -> list[str]:
    """Columns worth counting: foreign keys and columns with a fixed vocabulary, that are not
    the row's own id and hold more than one value."""
    schema = package.get_resource(name).schema
    linked = {key["fields"][0] for key in schema.foreign_keys}
    chosen = []
    for field in schema.fields:
        if schema.primary_key == [field.name] or not (field.name in linked or field.constraints.get("enum")):
            continue
        if db.execute(f"select count(distinct {field.name}) from {name}").fetchone()[0] > 1:
            chosen.append(field.name)
    return chosen[:FACETS_PER_TABLE]


def metadata(package: Package, database: Path) -> dict:
    import formats  # scripts/ is on the path when this runs as a script

    facts = formats.package_facts(package)
    db = sqlite3.connect(database)
    # the canned query's text says what its rows are, read from them (table and month)
    trust_locator, trust_month = db.execute(
        f"select group_concat(distinct r.locator), group_concat(distinct w.month) from poll_results r "
        f"join poll_waves w on w.wave = r.wave where {TRUST_IN_NATO_WHERE}"
    ).fetchone()
    booleans = {
        resource.name: [field.name for field in resource.schema.fields if field.type == "boolean"] for resource in package.resources
    }
    tables = {}
    for resource in package.resources:
        table = {
            "title": resource.title or resource.name,
            "description": resource.description or "",
            "source": table_sources(db, package, resource.name),
            "license": facts["license"],
            "license_url": facts["license_url"],
            "columns": {field.name: field.description or "" for field in resource.schema.fields},
            "facets": facets(db, package, resource.name),
        }
        if resource.name in LABEL_COLUMNS:
            table["label_column"] = LABEL_COLUMNS[resource.name]
        tables[resource.name] = table
    db.close()
    # a query named like a table would hide the table: the names differ from every resource's
    queries = {
        "trust_in_nato_by_party": {
            "title": f"Trust in NATO by party ({trust_month})",
            "description": "Share with very much or fairly much trust in NATO, by current party preference "
            f"({trust_locator}, {trust_month}).",
            "sql": TRUST_IN_NATO_BY_PARTY,
        },
        "positions_of_party": {
            "title": "One party's positions across all Clingendael matrices",
            "description": "Every cell of the six party matrices for :party_id (e.g. vvd, pvv, gl-pvda).",
            "sql": PARTY_POSITIONS,
        },
        "values_from_section": {
            "title": "Every value taken from one section of one document",
            "description": "All values whose source is :source_id and whose locator starts with :locator "
            f"(e.g. {iob.SOURCE_ID} and §5.3, or {ipsos.SOURCE_ID} and Tabel 1).",
            "sql": values_from_section(package),
        },
        "discrepancy_register": {
            "title": "Discrepancy register",
            "description": "Every inconsistency inside or between the documents, with both quotes.",
            "sql": DISCREPANCIES,
        },
    }
    return {
        "title": facts["title"],
        "description": facts["description"],
        "license": facts["license"],
        "license_url": facts["license_url"],
        "source": f"{facts['name']} {facts['version']}: {facts['citation']}",
        "extra_js_urls": ["/assets/column-descriptions.js"],
        "extra_css_urls": ["/assets/readers.css"],
        "databases": {
            database.stem: {
                "tables": tables,
                "queries": queries,
                "plugins": {"readable-cells": {"booleans": {name: columns for name, columns in booleans.items() if columns}}},
            }
        },
    }


def prepare(descriptor: Path, folder: Path) -> tuple[Path, Path]:
    """The database and its metadata in `folder`, from a package that validates."""
    import formats

    package = formats.validated_package(descriptor)
    database = folder / f"{package.name}.db"
    write_atomic(database, formats.build_sqlite(package))
    metadata_file = folder / "metadata.json"
    write_atomic(metadata_file, json_bytes(metadata(package, database)))
    return database, metadata_file


def port_number(text: str) -> int | None:
    """The TCP port `text` names (1-65535, decimal digits only), or None."""
    if re.fullmatch(r"[0-9]{1,5}", text) and 1 <= int(text) <= 65535:
        return int(text)
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the package with Datasette on 127.0.0.1.")
    parser.add_argument("--port", default="8001", help="a TCP port, 1-65535 (default 8001)")
    args = parser.parse_args(argv)
    port = port_number(args.port)
    if port is None:
        print(f"serve: PORT must be a number from 1 to 65535, not {args.port!r}", file=sys.stderr)
        sys.exit(2)
    args.port = port
    if not port_is_free(args.port):
        print(f"port {args.port} on {HOST} is in use; try make serve PORT={args.port + 1}", file=sys.stderr)
        sys.exit(1)
    import formats

    try:
        database, metadata_file = prepare(DESCRIPTOR, SERVE)
    except formats.FormatsError as error:
        print(f"serve: {error}", file=sys.stderr)
        sys.exit(1)
    command = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "--immutable",
        str(database),
        "--metadata",
        str(metadata_file),
        "--host",
        HOST,
        "--port",
        str(args.port),
        "--plugins-dir",
        str(PLUGINS),
        "--static",
        f"assets:{STATIC}",
    ]
    for name, value in SETTINGS.items():
        command += ["--setting", name, value]
    print(f"serve: http://{HOST}:{args.port}/ (Ctrl-C stops it)", flush=True)
    # Datasette takes this process's place, so stopping it (Ctrl-C, or a test killing the pid) stops the server
    os.execv(sys.executable, command)


if __name__ == "__main__":
    main()
