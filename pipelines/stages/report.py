"""Stage `report`: the validation report and the charts, from the staged tables and checks.

Writes build/report/validation.md and build/report/figures/*.png; `publish` copies them to
reports/. Charts are plain PNGs without timestamps, so the same data gives the same bytes.

Rendering the charts is most of the stage's time, so each chart is kept between runs
(pipelines/lib/speed.py, `drawing`) under a key made of everything it is drawn from: this
module's code, the versions of matplotlib and pandas, and the staged tables it is drawn from
(CHARTS lists them, and the chart is given those alone). A chart whose key is kept is copied,
not drawn again (and matplotlib is then not even imported): the same bytes, since the same code
drew them from the same data. Any change of code, library or one of its tables is a new key.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from collections import Counter
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines.lib import speed
from pipelines.lib.files import write_atomic
from pipelines.lib.package import CHECKS, REPORT, ROOT, package_metadata, read_staged, staged_path
from pipelines.sources import PARTIES
from pipelines.stages import run

FIGURES = REPORT / "figures"
# matplotlib, imported by pyplot() only when a chart is drawn (typed Any: bound at run time)
plt: Any = None
mdates: Any = None
Patch: Any = None


def pyplot() -> None:
    global plt, mdates, Patch
    if plt is None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.dates as mdates
        import matplotlib.pyplot as plt
        from matplotlib.patches import Patch


def chart_key(tables: tuple[str, ...]) -> str:
    """What a chart is drawn from: this module, the libraries that draw it, its staged tables."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(f"matplotlib {version('matplotlib')} pandas {version('pandas')}".encode())
    for name in sorted(tables):
        digest.update(b"\0" + name.encode() + b"\0" + staged_path(name).read_bytes())
    return digest.hexdigest()


PARTY_ORDER = [party.lower() for party in PARTIES]  # the party ids, in the order the matrices print them
POSITION_COLOURS = {
    "threat": "#c0392b",
    "against": "#c0392b",
    "no_threat": "#27ae60",
    "for": "#27ae60",
    "mentioned": "#2e86c1",
    "unclear_or_not_mentioned": "#d5d8dc",
    "not_costed_by_cpb": "#7f8c8d",
}


def table(name: str) -> pd.DataFrame:
    frame = pd.DataFrame(read_staged(name)) if name != "checks" else pd.read_csv(CHECKS, dtype="str", keep_default_na=False)
    return frame.replace("", pd.NA)


def numbers(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_numeric(frame[column])
    return frame


def png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def trust_by_party(results: pd.DataFrame, parties: dict[str, str]) -> bytes:
    rows = results[
        (results.question_id == "trust_institutions") & (results.item == "NAVO") & (results.answer == "Heel/tamelijk vertrouwen")
    ].copy()
    rows["label"] = [parties.get(g, "Total") + ("*" if i == "true" else "") for g, i in zip(rows.respondent_group, rows.indicative)]
    rows = rows.sort_values("value_pct")
    figure, axis = plt.subplots(figsize=(7, 4.5))
    colours = ["#34495e" if g == "total" else "#5dade2" for g in rows.respondent_group]
    hatches = ["//" if i == "true" else "" for i in rows.indicative]
    bars = axis.barh(rows.label, rows.value_pct, color=colours)
    for bar, hatch in zip(bars, hatches):
        bar.set_hatch(hatch)
    total = rows[rows.respondent_group == "total"].iloc[0]
    axis.errorbar(
        total.value_pct,
        list(rows.label).index(total.label),
        xerr=[[total.value_pct - total.ci95_low_pct], [total.ci95_high_pct - total.value_pct]],
        color="black",
        capsize=3,
    )
    axis.set_xlabel("% with very much or fairly much trust in NATO")
    axis.set_xlim(0, 100)
    axis.set_title("Trust in NATO by party preference (Ipsos I&O, June 2025, Tabel 1.2)", fontsize=10)
    axis.text(
        0,
        -0.16,
        "* indicative: fewer than 50 respondents (hatched). Bar on Total: 95% interval, n = 2,253.",
        transform=axis.transAxes,
        fontsize=8,
    )
    return png(figure)


def dated(results: pd.DataFrame, waves: pd.DataFrame) -> pd.DataFrame:
    """The results with `when`, the first day of their wave's fieldwork month, for a time axis."""
    months = dict(zip(waves.wave, pd.to_datetime(waves.month, format="%Y-%m")))
    return results.assign(when=results.wave.map(months))


def european_army(results: pd.DataFrame, waves: pd.DataFrame) -> bytes:
    """On a time axis: the waves are months apart by their fieldwork month (poll_waves), not evenly."""
    rows = dated(results[(results.question_id == "defence_statements") & (results.value_origin == "table")], waves)
    figure, axis = plt.subplots(figsize=(7, 4))
    for item, label in (
        ("Er zou een Europees leger", "A European army should be formed"),
        ("De Europese Unie is op het gebied", "The EU is too dependent on the US for defence"),
    ):
        series = rows[rows.item.str.startswith(item)].sort_values("when")
        axis.plot(series.when, series.value_pct, marker="o", label=label)
        for when, status in zip(series.when, series.value_status):
            if status == "not_asked":
                axis.annotate("not asked", (when, 30), fontsize=7, ha="center", color="grey")
    axis.xaxis.set_major_locator(mdates.YearLocator())
    axis.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axis.set_ylim(25, 80)
    axis.set_ylabel("% (fully) agree")
    axis.set_xlabel("fieldwork month (poll_waves.month), on a time axis")
    axis.set_title("Support for a European army over time (Ipsos I&O, Tabel 3.1)", fontsize=10)
    axis.legend(fontsize=8, loc="upper left")
    return png(figure)


def priority_topics(results: pd.DataFrame) -> bytes:
    rows = results[(results.question_id == "priority_topics") & (results.wave == "2025-06c")].sort_values("value_pct")
    figure, axis = plt.subplots(figsize=(7, 6))
    colours = ["#c0392b" if item == "Defensie" else "#5dade2" for item in rows.item]
    axis.barh(rows.item_en, rows.value_pct, color=colours)
    axis.set_xlabel("% naming the topic (at most 3 answers)")
    axis.set_title("Topics politics should prioritise, 16 June 2025 (Ipsos I&O, Tabel 2.3)", fontsize=10)
    axis.tick_params(axis="y", labelsize=7)
    return png(figure)


def matrix_heatmap(positions: pd.DataFrame, parties: dict[str, str]) -> bytes:
    positions = positions.copy()
    positions["row"] = positions.locator + ": " + positions.item_en
    rows = list(dict.fromkeys(positions.row))
    figure, axis = plt.subplots(figsize=(9, 0.22 * len(rows) + 1.5))
    for y, row in enumerate(rows):
        for cell in positions[positions.row == row].itertuples():
            x = PARTY_ORDER.index(cell.party_id)
            if cell.cell_status == "lost":  # hatch lines take the edge colour, so lost cells get a visible one
                axis.add_patch(plt.Rectangle((x, y), 1, 1, facecolor="white", edgecolor="#7f8c8d", hatch="xxx", linewidth=0.3))
                continue
            axis.add_patch(
                plt.Rectangle(
                    (x, y),
                    1,
                    1,
                    facecolor=POSITION_COLOURS[cell.position],
                    edgecolor="white",
                    hatch="..." if cell.cell_status == "from_text" else None,
                )
            )
    axis.set_xlim(0, len(PARTY_ORDER))
    axis.set_ylim(len(rows), 0)
    axis.set_xticks([i + 0.5 for i in range(len(PARTY_ORDER))], [parties[p] for p in PARTY_ORDER], rotation=90, fontsize=7)
    axis.set_yticks([i + 0.5 for i in range(len(rows))], rows, fontsize=6)
    axis.xaxis.tick_top()
    handles = [plt.Rectangle((0, 0), 1, 1, facecolor=c) for c in ("#c0392b", "#27ae60", "#2e86c1", "#d5d8dc")]
    handles += [
        plt.Rectangle((0, 0), 1, 1, facecolor="white", hatch="xxx", edgecolor="#7f8c8d"),
        plt.Rectangle((0, 0), 1, 1, facecolor="#27ae60", hatch="...", edgecolor="white"),
    ]
    axis.legend(
        handles,
        [
            "threat / against",
            "no threat / for",
            "mentioned (check mark)",
            "unclear or not mentioned",
            "lost in the text layer",
            "position from the prose",
        ],
        fontsize=7,
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
    )
    axis.set_title("Clingendael party matrices, Tables 1-6 (lost cells crossed)", fontsize=10, pad=60)
    return png(figure)


def fair_shares(shares: pd.DataFrame) -> bytes:
    figure, axis = plt.subplots(figsize=(6, 3.5))
    x = range(len(shares))
    axis.bar([i - 0.2 for i in x], shares.stated_share_pct, width=0.4, label="stated", color="#34495e")
    axis.bar([i + 0.2 for i in x], shares.computed_share_pct, width=0.4, label="recomputed from the footnotes", color="#5dade2")
    axis.set_xticks(list(x), [f"{o}\n{m.replace('_', ' ')}" for o, m in zip(shares.organisation, shares.mission_type)], fontsize=8)
    axis.set_ylabel("% of all personnel (or of EU GDP)")
    axis.set_title("Fair shares: stated versus recomputed (IOB §5.3)", fontsize=10)
    axis.legend(fontsize=8)
    return png(figure)


def debt_projections(debt: pd.DataFrame, parties: dict[str, str]) -> bytes:
    """CPB state-debt projections per costed party, 2030 and 2060, against the baseline."""
    debt = numbers(debt.copy(), "value", "year")
    reported = debt[debt.value.notna()]
    wide = reported.pivot_table(index="subject", columns="year", values="value")
    order = [s for s in [*PARTY_ORDER, "baseline"] if s in wide.index]
    wide = wide.loc[order]
    figure, axis = plt.subplots(figsize=(7, 4.5))
    y = range(len(wide))
    axis.barh([i + 0.2 for i in y], wide[2030], height=0.4, label="2030", color="#5dade2")
    axis.barh([i - 0.2 for i in y], wide[2060], height=0.4, label="2060", color="#34495e")
    axis.set_yticks(list(y), [parties.get(s, "CPB baseline") for s in wide.index], fontsize=8)
    axis.invert_yaxis()
    axis.set_xlabel("state debt, % of GDP (CPB, whole package of measures, footnote 12)")
    uncosted = sorted(parties.get(s, s) for s in debt.loc[debt.value_status == "not_costed_by_cpb", "subject"].unique())
    axis.set_title("CPB state-debt projections by party (Clingendael, Tabel 5)", fontsize=10)
    axis.text(0, -0.2, f"Not costed by the CPB: {', '.join(uncosted)}.", transform=axis.transAxes, fontsize=8)
    figure.subplots_adjust(bottom=0.2)
    axis.legend(fontsize=8, loc="lower right")
    return png(figure)


def spending_norms(norms: pd.DataFrame) -> bytes:
    """Each norm or commitment stated with a level, as each document states it."""
    norms = numbers(norms.copy(), "pct_gdp", "pct_gdp_max")
    norms = norms[norms.pct_gdp.notna()].iloc[::-1]
    colours = {
        "total": "#34495e",
        "core_defence": "#2e86c1",
        "defence_related": "#85c1e9",
        "recommended_level": "#27ae60",
        "historical_level": "#95a5a6",
        "deficit_limit": "#c0392b",
    }
    figure, axis = plt.subplots(figsize=(7, 6.5))
    y = range(len(norms))
    axis.barh(list(y), norms.pct_gdp, color=[colours.get(c, "#7f8c8d") for c in norms.component])
    ranged = norms.pct_gdp_max.notna()
    axis.barh([i for i, r in zip(y, ranged) if r], (norms.pct_gdp_max - norms.pct_gdp)[ranged], left=norms.pct_gdp[ranged], color="#d5d8dc")
    years = [
        ", ".join(f"{k} {int(v)}" for k, v in (("agreed", a), ("target", t)) if pd.notna(v))
        for a, t in zip(pd.to_numeric(norms.agreed_year), pd.to_numeric(norms.target_year))
    ]
    axis.set_yticks(list(y), [f"{n} ({y_})" if y_ else n for n, y_ in zip(norms.norm_id, years)], fontsize=7)
    axis.set_xlabel("% of GDP")
    axis.set_title("Spending norms and commitments as each document states them", fontsize=10)
    handles = [
        Patch(color=colour, label=component.replace("_", " ")) for component, colour in colours.items() if component in set(norms.component)
    ]
    axis.legend(
        handles=[*handles, Patch(color="#d5d8dc", label="upper end of a printed range")],
        fontsize=7,
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
    )
    return png(figure)


def markdown(checks: pd.DataFrame, discrepancies: pd.DataFrame, coverage: list[tuple[str, str, str, str, str, str]], version: str) -> str:
    kinds = ["excerpt", "structure", "in_table", "claim", "derived", "consistency"]
    statuses = ["pass", "known_discrepancy", "fail"]
    counts = Counter(zip(checks.kind, checks.status))
    out = [
        f"# Validation report (version {version})",
        "",
        "Generated by `dvc repro` (stage `report`) from the data and the checks it ran; do not edit.",
        "Every check is a row of [`data/checks.csv`](../data/checks.csv); every inconsistency in the",
        "sources is a row of [`data/discrepancies.csv`](../data/discrepancies.csv).",
        "",
        "## Checks",
        "",
        "| kind | tool | pass | known discrepancy | fail |",
        "|---|---|---|---|---|",
    ]
    for kind in kinds:
        tools = ", ".join(sorted(set(checks.tool[checks.kind == kind])))
        out.append(f"| {kind} | {tools} | " + " | ".join(str(counts[(kind, s)]) for s in statuses) + " |")
    total = Counter(checks.status)
    out += [f"| **all** | | **{total['pass']}** | **{total['known_discrepancy']}** | **{total['fail']}** |", ""]
    out += [
        "A failing check that is not in the register stops the pipeline, so a published version has",
        "no failures; a check that fails because a source contradicts itself is a known discrepancy.",
        "",
    ]
    out += ["## Discrepancies in the sources", ""]
    flagged = checks[checks.discrepancy_id.notna()].groupby("discrepancy_id").check_id.apply(lambda ids: ", ".join(f"`{i}`" for i in ids))
    for d in discrepancies.itertuples():
        left = f"{d.left_source_id}, " if pd.notna(d.left_source_id) else ""
        right = f"{d.right_source_id}, " if pd.notna(d.right_source_id) else ""
        out += [
            f"### `{d.discrepancy_id}` ({d.source_id}, {d.classification.replace('_', ' ')})",
            "",
            d.description_en,
            "",
            f"- {left}{d.left_locator}: “{d.left_quote}”",
            f"- {right}{d.right_locator}: “{d.right_quote}”",
            f"- flagged by: {flagged.get(d.discrepancy_id, 'reading (no automatic check)')}",
            "",
        ]
    out += [
        "## Coverage per source",
        "",
        "| source | values from tables | values from the text | lost (published empty) | cells verified against the "
        "text layer | second transcription rows compared |",
        "|---|---|---|---|---|---|",
    ]
    out += ["| " + " | ".join(row) + " |" for row in coverage]
    out += [
        "",
        "## All checks",
        "",
        "<details><summary>Every executed check</summary>",
        "",
        "| check | kind | tool | status | expected | observed |",
        "|---|---|---|---|---|---|",
    ]
    for c in checks.itertuples():
        out.append(
            f"| `{c.check_id}` | {c.kind} | {c.tool} | {c.status} | {str(c.expected).replace('|', '/')} | "
            f"{str(c.observed).replace('|', '/')} |"
        )
    out += ["", "</details>", ""]
    return "\n".join(out)


def coverage(tables: dict[str, pd.DataFrame], checks: pd.DataFrame) -> list[tuple[str, str, str, str, str, str]]:
    excerpt_cells: Counter[str] = Counter()
    for c in checks[checks.kind == "excerpt"].itertuples():
        excerpt_cells[c.source_id] += int(str(c.observed).split()[0])
    second: Counter[str] = Counter()
    for path in sorted((ROOT / "data" / "raw").glob("*/second_*.csv")):
        second[path.parent.name] += len(pd.read_csv(path, dtype="str"))
    out = []
    prose = [
        "fair_shares",
        "mission_contributions",
        "force_requirements",
        "financial_figures",
        "spending_norms",
        "industry_shares",
        "counts",
        "claims",
    ]
    for source in tables["sources"].source_id:
        results = tables["poll_results"][tables["poll_results"].source_id == source]
        positions = tables["party_positions"][tables["party_positions"].source_id == source]
        projections = tables["party_fiscal_projections"][tables["party_fiscal_projections"].source_id == source]
        from_table = (
            (results.value_origin == "table").sum() + (positions.cell_status == "transcribed").sum() + projections.quote.isna().sum()
        )
        from_text = (results.value_origin == "text").sum() + (positions.cell_status == "from_text").sum() + projections.quote.notna().sum()
        from_text += sum((tables[name].source_id == source).sum() for name in prose)
        lost = (positions.cell_status == "lost").sum()
        out.append((f"`{source}`", str(from_table), str(from_text), str(lost), str(excerpt_cells[source]), str(second[source])))
    return out


def abbreviations(parties: pd.DataFrame) -> dict[str, str]:
    return dict(zip(parties.party_id, parties.abbreviation))


# Each chart: the staged tables it is drawn from (its cache key, and all it is given), and how.
CHARTS: dict[str, tuple[tuple[str, ...], Callable[[dict[str, pd.DataFrame]], bytes]]] = {
    "trust_in_nato_by_party.png": (("poll_results", "parties"), lambda t: trust_by_party(t["poll_results"], abbreviations(t["parties"]))),
    "european_army_over_time.png": (("poll_results", "poll_waves"), lambda t: european_army(t["poll_results"], t["poll_waves"])),
    "priority_topics_2025.png": (("poll_results",), lambda t: priority_topics(t["poll_results"])),
    "party_matrices.png": (("party_positions", "parties"), lambda t: matrix_heatmap(t["party_positions"], abbreviations(t["parties"]))),
    "fair_shares.png": (("fair_shares",), lambda t: fair_shares(t["fair_shares"])),
    "cpb_debt_projections.png": (
        ("party_fiscal_projections", "parties"),
        lambda t: debt_projections(t["party_fiscal_projections"], abbreviations(t["parties"])),
    ),
    "spending_norms.png": (("spending_norms",), lambda t: spending_norms(t["spending_norms"])),
}


def chart(name: str, tables: dict[str, pd.DataFrame]) -> tuple[bytes, bool]:
    """A chart's bytes, and whether it was drawn (else it was kept from an earlier run)."""
    inputs, draw = CHARTS[name]

    def drawn() -> bytes:
        pyplot()
        return draw({table: tables[table] for table in inputs})

    return speed.drawing(name.removesuffix(".png"), f"{chart_key(inputs)}.png", drawn)


def main() -> None:
    names = [r["name"] for r in package_metadata()["resources"]]
    tables = {name: table(name) for name in names}
    numbers(tables["poll_results"], "value_pct", "ci95_low_pct", "ci95_high_pct")
    numbers(tables["fair_shares"], "stated_share_pct", "computed_share_pct")
    checks = tables["checks"]
    charts = {name: chart(name, tables) for name in CHARTS}
    speed.forget_drawings_except({name.removesuffix(".png") for name in CHARTS})
    figures = {name: content for name, (content, _) in charts.items()}
    drawn = sum(was_drawn for _, was_drawn in charts.values())
    text = markdown(checks, tables["discrepancies"], coverage(tables, checks), package_metadata()["version"])
    shutil.rmtree(REPORT, ignore_errors=True)
    for name, content in figures.items():
        write_atomic(FIGURES / name, content)
    write_atomic(REPORT / "validation.md", text.encode("utf-8"))
    (REPORT / "manifest.json").write_text(json.dumps(sorted(["validation.md", *(f"figures/{n}" for n in figures)]), indent=1) + "\n")
    print(f"report: validation.md and {len(figures)} charts ({drawn} drawn, {len(figures) - drawn} from build/report-cache)")


if __name__ == "__main__":
    run(main)
