"""Build the release: dist/<name>-<version>.zip, the SQLite, Excel, Parquet, Stata and SPSS formats
(scripts/formats.py) and dist/SHA256SUMS listing them all.

    python scripts/release.py           # make release, straight after `git clone`
    python scripts/release.py zenodo    # rewrite .zenodo.json and CITATION.bib from CITATION.cff

Only from a clean tree whose committed published files are what the pipeline makes: it runs
`dvc repro` itself and refuses, listing the files, when that changes any committed file. The
version must be the same in datapackage.json, CITATION.cff, .zenodo.json and the top entry of
CHANGELOG.md, and registered in releases.json with the bytes published. The archive carries
the data and everything needed to rebuild them (raw files, pipeline, schemas, lock files,
Makefile, dvc.yaml, releases.json); `make repro` inside it, without git, gives the same bytes.
It is byte-reproducible: entries sorted, timestamps set to the commit's time, fixed
permissions and compression.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import formats  # scripts/ is on the path when this runs as a script
import registry
import yaml

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
CONTENTS = (
    "datapackage.json",
    "data/*.csv",
    "data/raw/**/*",
    "schemas/*.json",
    "README.md",
    "LICENSE",
    "CITATION.cff",
    "CITATION.bib",
    "CONTRIBUTING.md",
    "CHANGELOG.md",
    ".zenodo.json",
    "releases.json",
    "reports/**/*",
    "metadata/*",
    "schemas/profiles/**/*",
    "docs/**/*",
    "pipelines/**/*.py",
    "scripts/*.py",
    "scripts/datasette/**/*",
    "Makefile",
    "pyproject.toml",
    "requirements/*",
    "requirements-tools.in",
    "requirements-tools.lock",
    "dvc.yaml",
    "dvc.lock",
    ".dvcignore",
    ".gitattributes",
)
# Without git, DVC needs to be told that there is no SCM; the archive carries this config.
DVC_CONFIG = b"[core]\n    analytics = false\n    check_update = false\n    no_scm = true\n"


class ReleaseError(Exception):
    pass


def versions() -> dict[str, str]:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    top = re.search(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.M)
    return {
        "datapackage.json": json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"],
        "CITATION.cff": str(yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))["version"]),
        "CHANGELOG.md": top.group(1) if top else "none",
    }


def zenodo() -> dict:
    """Zenodo's deposit metadata, from CITATION.cff (the one source of truth)."""
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    references = []
    for ref in cff.get("references", []):
        authors = "; ".join(a.get("name") or f"{a['family-names']}, {a['given-names']}" for a in ref["authors"])
        references.append(f"{authors} ({ref['year']}). {ref['title']}.")
    return {
        "title": cff["title"],
        "version": str(cff["version"]),
        "publication_date": str(cff["date-released"]),
        "upload_type": "dataset",
        "description": cff["abstract"],
        "creators": [{"name": a.get("name") or f"{a['family-names']}, {a['given-names']}"} for a in cff["authors"]],
        "keywords": cff.get("keywords", []),
        "license": {"id": cff["license"].lower()},
        "references": references,
    }


def zenodo_bytes() -> bytes:
    return (json.dumps(zenodo(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def bibtex() -> str:
    """The BibTeX entry of this version, from CITATION.cff: a key that names the version, the
    version itself, and a collective author kept whole (double braces: BibTeX would otherwise
    split 'nl-defence-opinion-2025 contributors' into a first and a last name). cffconvert's
    BibTeX has a placeholder key and no version."""
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    version = str(cff["version"])
    released = str(cff["date-released"])
    authors = " and ".join("{" + a["name"] + "}" if a.get("name") else f"{a['family-names']}, {a['given-names']}" for a in cff["authors"])
    key = "nl_defence_opinion_2025_v" + version.replace(".", "_")
    fields = {
        "author": "{" + authors + "}",
        "title": "{" + cff["title"] + "}",
        "year": "{" + released[:4] + "}",
        "month": "{" + str(int(released[5:7])) + "}",
        "date": "{" + released + "}",
        "version": "{" + version + "}",
        "note": "{Version " + version + ", data set. Cite also the source documents of the values used (CITATION.cff, references)}",
        "license": "{" + cff["license"] + "}",
    }
    body = ",\n".join(f"  {name} = {value}" for name, value in fields.items())
    return f"@misc{{{key},\n{body}\n}}\n"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True)


def check() -> tuple[str, formats.Package]:
    """The version to release and the validated package, or a ReleaseError saying why the tree is not releasable."""
    problems = []
    found = versions()
    if len(set(found.values())) != 1:
        problems.append(f"versions differ: {found}")
    if (ROOT / ".zenodo.json").read_bytes() != zenodo_bytes() if (ROOT / ".zenodo.json").is_file() else True:
        problems.append(".zenodo.json is not what CITATION.cff gives: run `python scripts/release.py zenodo` and commit")
    if not (ROOT / "CITATION.bib").is_file() or (ROOT / "CITATION.bib").read_text(encoding="utf-8") != bibtex():
        problems.append("CITATION.bib is not what CITATION.cff gives: run `python scripts/release.py zenodo` and commit")
    dirty = run("git", "status", "--porcelain").stdout.strip()
    if dirty:
        problems.append(f"uncommitted changes:\n{dirty}")
    if problems:  # what the tree says by itself, before the pipeline runs (seconds) to check the rest
        raise ReleaseError("\n".join(problems))
    repro = run("dvc", "repro")
    if repro.returncode != 0:
        raise ReleaseError(f"dvc repro failed:\n{repro.stderr[-3000:]}")
    changed = run("git", "status", "--porcelain").stdout.strip()
    if changed:
        # put the committed files back: the release is refused, the tree stays as committed
        run("git", "checkout", "--", ".")
        problems.append(
            "the committed published files are not what the pipeline makes; commit the output of "
            f"`make repro` first. Files that differ:\n{changed}"
        )
    problems += [f"releases.json: {p}" for p in registry.check(ROOT)]
    # frictionless validates the package once, here, for the release and the formats built from it
    package = None
    try:
        package = formats.validated_package(ROOT / "datapackage.json")
    except formats.FormatsError as error:
        problems.append(str(error))
    if problems or package is None:
        raise ReleaseError("\n".join(problems))
    return found["datapackage.json"], package


def build(version: str, package: formats.Package) -> Path:
    name = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["name"]
    commit_time = int(run("git", "log", "-1", "--format=%ct").stdout.strip() or 315532800)
    stamp = datetime.fromtimestamp(max(commit_time, 315532800), tz=UTC).timetuple()[:6]
    tracked = set(run("git", "ls-files").stdout.split("\n"))
    files = sorted(
        {
            p.relative_to(ROOT).as_posix()
            for pattern in CONTENTS
            for p in ROOT.glob(pattern)
            if p.is_file() and p.relative_to(ROOT).as_posix() in tracked
        }
    )
    DIST.mkdir(exist_ok=True)
    archive = DIST / f"{name}-{version}.zip"
    with zipfile.ZipFile(archive, "w") as zip_file:

        def add(relative: str, content: bytes) -> None:
            info = zipfile.ZipInfo(f"{name}-{version}/{relative}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zip_file.writestr(info, content, compresslevel=9)

        for relative in files:
            add(relative, (ROOT / relative).read_bytes())
        add(".dvc/config", DVC_CONFIG)
    try:
        built = formats.build_all(ROOT / "datapackage.json", DIST, package)
    except formats.FormatsError as error:
        raise ReleaseError(str(error)) from None
    sums = "".join(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n" for path in sorted([archive, *built]))
    (DIST / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return archive


def main() -> None:
    if sys.argv[1:] == ["zenodo"]:
        (ROOT / ".zenodo.json").write_bytes(zenodo_bytes())
        (ROOT / "CITATION.bib").write_text(bibtex(), encoding="utf-8")
        print("wrote .zenodo.json and CITATION.bib from CITATION.cff")
        return
    try:
        archive = build(*check())
    except ReleaseError as error:
        print(f"not released:\n{error}", file=sys.stderr)
        sys.exit(1)
    print(
        f"released {archive.relative_to(ROOT)} ({archive.stat().st_size} bytes) and the SQLite, Excel, Parquet, Stata and SPSS formats; "
        "checksums in dist/SHA256SUMS"
    )


if __name__ == "__main__":
    main()
