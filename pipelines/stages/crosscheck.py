"""Stage `crosscheck`: validate the reconciliation tables with great-expectations.

The only stage that imports great-expectations (it takes seconds to import). The suites
decide which claims, derived figures and repeated facts agree; the register of discrepancies
(claims.discrepancy_id, discrepancies.check_ids) turns an expected disagreement into
`known_discrepancy`. An unregistered failure, or a registered check that passes, stops the
pipeline. Every executed check of every stage becomes a row of build/checks.csv (the
`checks` resource).

`python -m pipelines.stages.crosscheck --docs DIR` only builds the great-expectations Data Docs.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from pipelines.lib import speed
from pipelines.lib.files import csv_bytes, write_atomic
from pipelines.lib.package import CHECKS, DOUBLE_ENTRY, STAGING, VALIDATION, field_names, load_json, read_staged, resource_names
from pipelines.lib.raw import InputError
from pipelines.lib.speed import defer_import
from pipelines.stages import run

# The package must build offline: great-expectations sends usage analytics unless told not to.
os.environ["GX_ANALYTICS_ENABLED"] = "False"
defer_import("scipy.stats", "altair")

import great_expectations as gx  # noqa: E402
import pandas as pd  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402

from pipelines.rules import cross_checks  # noqa: E402
from pipelines.stages.validate import structural_problems, typed_frame  # noqa: E402

NUMERIC = '["eq", "approx", "rank", "gt", "lt", "ge", "le"]'


# the one-sided comparators: the observed value minus the claimed one must lie on this side of 0
BOUNDS = (
    ("gt", {"min_value": 0, "strict_min": True}, "above what 'meer dan' / 'ruim' states"),
    ("lt", {"max_value": 0, "strict_max": True}, "below what 'minder dan' states"),
    ("ge", {"min_value": 0}, "at least what 'minstens' or a majority in words states"),
    ("le", {"max_value": 0}, "at most what 'hooguit' states"),
)


def suites() -> dict[str, list]:
    """The expectation suites, one per reconciliation table."""
    e = gx.expectations

    def numeric() -> list:  # a suite owns its expectations, so each suite gets new ones
        return [
            e.ExpectColumnValuesToNotBeNull(
                column="difference",
                row_condition=f"comparator in {NUMERIC}",
                condition_parser="pandas",
                description="the value a claim or derived figure refers to exists",
            ),
            e.ExpectColumnValuesToBeBetween(
                column="excess",
                max_value=0,
                row_condition='comparator in ["eq", "approx", "rank"]',
                condition_parser="pandas",
                description="equal, or within the tolerance for approximate wording",
            ),
            *(
                e.ExpectColumnValuesToBeBetween(
                    column="difference",
                    **bound,
                    row_condition=f'comparator == "{comparator}"',
                    condition_parser="pandas",
                    description=words,
                )
                for comparator, bound, words in BOUNDS
            ),
        ]

    parties = [
        e.ExpectColumnPairValuesToBeEqual(
            column_A="claimed_parties",
            column_B="observed_parties",
            row_condition='comparator == "set"',
            condition_parser="pandas",
            description="exactly the parties the prose names",
        ),
        e.ExpectColumnValuesToBeNull(
            column="missing_parties",
            row_condition='comparator == "includes"',
            condition_parser="pandas",
            description="at least the parties the prose names",
        ),
    ]
    return {
        "claims": numeric() + parties,
        "derived": numeric(),
        "consistency": [
            e.ExpectColumnValuesToBeBetween(column="distinct_values", max_value=1, description="one value wherever the fact is stated")
        ],
    }


def validate_tables(tables: dict[str, pd.DataFrame], docs: Path | None = None) -> set[str]:
    """Run the suites; return the check_ids of the rows that fail."""
    if docs is not None:
        return set().union(*run_suites(tables, set(tables), docs).values())
    return speed.kept_checks(Path(__file__), tables, lambda names: run_suites(tables, names, None))


def run_suites(tables: dict[str, pd.DataFrame], names: set[str], docs: Path | None) -> dict[str, set[str]]:
    """Run the suites of the tables `names`; return each one's failing check_ids."""
    context = gx.get_context(mode="ephemeral")
    context.enable_analytics(False)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("reconciliation")
    result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": ["check_id"]}
    definitions = []
    for name, expectations in suites().items():
        if name not in names:
            continue
        batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
        suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
        definitions.append(context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite)))
    actions: list = []  # great-expectations' ValidationAction subclasses
    if docs is not None:
        context.add_data_docs_site(
            site_name="local",
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs.resolve())},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
        actions.append(gx.checkpoint.UpdateDataDocsAction(name="data_docs"))
    failing: dict[str, set[str]] = {}
    for definition in definitions:
        failing[definition.name] = set()
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(name=definition.name, validation_definitions=[definition], actions=actions, result_format=result_format)
        )
        outcome = checkpoint.run(batch_parameters={"dataframe": tables[definition.name]})
        for validation in outcome.run_results.values():
            for result in validation.results:
                failing[definition.name] |= {row["check_id"] for row in result.result.get("unexpected_index_list") or []}
    return failing


def reconciliation_tables() -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], dict]:
    names = resource_names()
    rows = {name: read_staged(name) for name in names if name != "checks"}
    frames = {name: typed_frame(name, table) for name, table in rows.items()}
    tables = {"claims": cross_checks.claims_table(frames, rows), **cross_checks.cross_check_tables(frames, rows)}
    return tables, frames, rows


def register(frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    """check_id -> discrepancy_id for every check the register expects to fail."""
    expected = {f"claim-{c.claim_id}": c.discrepancy_id for c in frames["claims"].itertuples() if pd.notna(c.discrepancy_id)}
    for d in frames["discrepancies"].itertuples():
        if pd.notna(d.check_ids):
            expected |= {check_id.strip(): d.discrepancy_id for check_id in d.check_ids.split(";")}
    return expected


def where(line: dict) -> str:
    return f"{line['raw_file'] or '?'}, line {line['raw_line'] or '?'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, help="build the Data Docs into this folder and write nothing else")
    args = parser.parse_args()
    tables, frames, _ = reconciliation_tables()
    failing = validate_tables(tables, args.docs)
    if args.docs:
        print(f"crosscheck: Data Docs in {args.docs / 'index.html'}")
        return
    expected = register(frames)
    problems, checks = [], []
    for table in tables.values():
        for line in table.to_dict("records"):
            check_id, fails = line["check_id"], line["check_id"] in failing
            discrepancy = expected.pop(check_id, None)
            if fails and discrepancy is None:
                problems.append(
                    f"{where(line)}: check {check_id} fails ({line['description']}: expected {line['expected']}, "
                    f"observed {line['observed']}); fix the transcription or register the discrepancy"
                )
            elif discrepancy is not None and line["comparator"] == "undetermined":
                problems.append(
                    f"{where(line)}: check {check_id} is undetermined ({line['observed']}) but discrepancy {discrepancy} says it fails"
                )
            elif discrepancy is not None and not fails:
                problems.append(
                    f"{where(line)}: check {check_id} passes (observed {line['observed']}) but discrepancy {discrepancy} says it fails"
                )
            status = "known_discrepancy" if fails else "undetermined" if line["comparator"] == "undetermined" else "pass"
            checks.append({**line, "tool": "great_expectations", "status": status, "discrepancy_id": discrepancy or ""})
    problems += [
        f"discrepancy {discrepancy_id} names check {check_id}, which does not exist" for check_id, discrepancy_id in expected.items()
    ]
    if problems:
        raise InputError(problems)
    earlier = [
        *load_json(VALIDATION)["checks"],
        *json.loads((STAGING / "excerpt_checks.json").read_text(encoding="utf-8")),
        *json.loads(DOUBLE_ENTRY.read_text(encoding="utf-8")),
    ]
    columns = field_names("checks")
    rows = [{c: "" if pd.isna(v := line.get(c, "")) else v for c in columns} for line in earlier + checks]
    write_atomic(CHECKS, csv_bytes(columns, ([row[c] for c in columns] for row in rows)))
    problems = structural_problems(["checks"], {"checks": rows}, {"checks": CHECKS}, references=("discrepancies", "sources"))
    if problems:
        CHECKS.unlink()
        raise InputError(problems)
    counts = pd.Series([row["status"] for row in rows]).value_counts().to_dict()
    print(f"crosscheck: {len(rows)} checks, {counts}")


if __name__ == "__main__":
    run(main)
