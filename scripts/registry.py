"""The record of releases, releases.json: what bytes each version published.

    python scripts/registry.py check              # the registry, the working tree and the git history agree
    python scripts/registry.py register           # write the entry of the version in datapackage.json
    python scripts/registry.py which FILE         # which version(s) a downloaded file belongs to (make which)
    python scripts/registry.py diff FROM [TO]     # value-level changes between two versions (make diff)
    python scripts/registry.py published          # do the published files still match their version? (make repro ends with it)

A version names one set of bytes: every entry lists the size and SHA-256 of every published
file (resources by name, the descriptor, the report and charts, and from 2.2.0 the harvestable
metadata in metadata/) and, where known, the commit it was built from. An entry never changes
once committed (only its unknown commit may be filled in), so a change of published bytes
needs a new version. The entry of the newest version has no commit yet: it is the commit that
adds it, which the next release records.

Differences between versions are computed with daff (the highlighter diff of tables), per
resource by primary key, after the column renames and key changes a major release declares in
its entry (`renamed_columns`, `rekeyed`).
"""

from __future__ import annotations

import atexit
import csv
import hashlib
import io
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "releases.json"
DESCRIPTOR = "datapackage.json"
WORKING_TREE = "working tree"
SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
ENTRY_KEYS = {"version", "date", "commit", "files", "descriptor", "reports", "metadata", "renamed_columns", "rekeyed"}
# Groups of published files recorded by path; `metadata` is new in 2.2.0, so older entries lack it
PATH_GROUPS = ("reports", "metadata")


class RegistryError(Exception):
    """The registry, a version or a file is not what it should be; the message says which."""


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def record(path: str, content: bytes) -> dict:
    return {"path": path, "bytes": len(content), "sha256": sha256(content)}


def git(*args: str, root: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True)


def has_history(root: Path = ROOT) -> bool:
    return (root / ".git").exists() and git("rev-parse", "HEAD", root=root).returncode == 0


def load(root: Path = ROOT) -> list[dict]:
    """The entries, oldest first; duplicate keys in the JSON are refused."""

    def no_duplicates(pairs: list[tuple[str, object]]) -> dict:
        keys = [key for key, _ in pairs]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise RegistryError(f"releases.json: key(s) {repeated} appear twice in one object")
        return dict(pairs)

    path = root / "releases.json"
    if not path.is_file():
        raise RegistryError("releases.json is missing")
    data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=no_duplicates)
    return data["releases"]


def version_key(version: str) -> tuple[int, ...]:
    match = SEMVER.match(version)
    if match is None:
        raise ValueError(f"{version!r} is not a version like 2.2.0")
    return tuple(int(part) for part in match.groups())


def published_files(read, descriptor: dict) -> dict[str, dict]:
    """Every published file of a package: {'files': {resource: record}, 'descriptor': record,
    'reports': {path: record}}; `read(path)` gives a file's bytes (None where it is absent)."""
    files = {}
    for resource in descriptor["resources"]:
        content = read(resource["path"])
        if content is not None:
            files[resource["name"]] = record(resource["path"], content)
    return {"files": files, "descriptor": record(DESCRIPTOR, read(DESCRIPTOR))}


def working_tree_reader(root: Path = ROOT):
    def read(path: str) -> bytes | None:
        file = root / path
        return file.read_bytes() if file.is_file() else None

    return read


class Blobs:
    """Files of any commit, read through one `git cat-file --batch` process per repository
    (a check reads about 420 of them: one `git show` each took 1.5 s, this takes 0.1 s)."""

    _open: dict[Path, subprocess.Popen] = {}

    @classmethod
    def read(cls, commit: str, path: str, root: Path = ROOT) -> bytes | None:
        process = cls._open.get(root)
        if process is None or process.poll() is not None:
            cls.close()  # one repository at a time
            process = subprocess.Popen(["git", "cat-file", "--batch"], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            cls._open[root] = process
        assert process.stdin is not None and process.stdout is not None
        if "\n" in commit + path:
            return None
        process.stdin.write(f"{commit}:{path}\n".encode())
        process.stdin.flush()
        header = process.stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":  # "<name> missing", "<name> ambiguous", a tree
            return None
        content = process.stdout.read(int(header[2]))
        process.stdout.read(1)  # the newline after each object
        return content

    @classmethod
    def close(cls) -> None:
        for process in cls._open.values():
            if process.stdin is not None:
                process.stdin.close()
            process.wait()
            if process.stdout is not None:
                process.stdout.close()
        cls._open.clear()


atexit.register(Blobs.close)


def commit_reader(commit: str, root: Path = ROOT):
    def read(path: str) -> bytes | None:
        return Blobs.read(commit, path, root)

    return read


def report_records(read, paths: list[str]) -> dict[str, dict]:
    found = {path: read(path) for path in paths}
    return {path: {"bytes": len(content), "sha256": sha256(content)} for path, content in found.items() if content is not None}


def tree_files(group: str, root: Path = ROOT) -> list[str]:
    """The published files under reports/ or metadata/ of the working tree."""
    return sorted(p.relative_to(root).as_posix() for p in (root / group).rglob("*") if p.is_file())


def tree_reports(root: Path = ROOT) -> list[str]:
    return tree_files("reports", root)


def snapshot(root: Path = ROOT) -> dict:
    """The published files of the working tree, in the registry's layout (metadata/ is left
    out where there is none, as before 2.2.0)."""
    read = working_tree_reader(root)
    descriptor = json.loads(read(DESCRIPTOR))
    groups = {group: report_records(read, tree_files(group, root)) for group in PATH_GROUPS}
    return {**published_files(read, descriptor), **{group: records for group, records in groups.items() if records or group == "reports"}}


def same_bytes(entry: dict, found: dict) -> list[str]:
    """What differs between a registry entry and the files found (one line per file)."""
    problems = []
    for group in ("files", *PATH_GROUPS):
        listed, seen = entry.get(group, {}), found.get(group, {})
        for name in sorted(set(listed) | set(seen)):
            if name not in seen:
                problems.append(f"{name}: listed in the entry but not published")
            elif name not in listed:
                problems.append(f"{name}: published but not in the entry")
            elif (listed[name]["bytes"], listed[name]["sha256"]) != (seen[name]["bytes"], seen[name]["sha256"]):
                problems.append(
                    f"{name}: the entry says {listed[name]['bytes']} bytes, sha256 {listed[name]['sha256'][:12]}…; "
                    f"the file has {seen[name]['bytes']} bytes, sha256 {seen[name]['sha256'][:12]}…"
                )
    if entry.get("descriptor", {}).get("sha256") != found["descriptor"]["sha256"]:
        problems.append("datapackage.json: its sha256 differs from the entry")
    return problems


def entry_problems(entries: list[dict]) -> list[str]:
    """Structure: versions, dates, commits and file records well formed, versions once each and in order."""
    problems, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        version = entry.get("version", "")
        name = f"releases.json entry {number} (version {version or '?'})"
        if not SEMVER.match(str(version)):
            problems.append(f"{name}: version must be X.Y.Z")
            continue
        if version in seen:
            problems.append(f"{name}: version {version} is registered twice")
        seen.add(version)
        if set(entry) - ENTRY_KEYS:
            problems.append(f"{name}: unknown key(s) {sorted(set(entry) - ENTRY_KEYS)}")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(entry.get("date", ""))):
            problems.append(f"{name}: date must be YYYY-MM-DD")
        commit = entry.get("commit")
        if commit is not None and not re.fullmatch(r"[0-9a-f]{40}", str(commit)):
            problems.append(f"{name}: commit must be 40 hex digits or null")
        if commit is None and number != len(entries):
            problems.append(f"{name}: only the newest entry may lack its commit")
        for group in ("files", *PATH_GROUPS):
            for file, rec in entry.get(group, {}).items():
                if not (isinstance(rec.get("bytes"), int) and re.fullmatch(r"[0-9a-f]{64}", str(rec.get("sha256", "")))):
                    problems.append(f"{name}, {group} '{file}': needs bytes (an integer) and sha256 (64 hex digits)")
        if number > 1 and SEMVER.match(str(entries[number - 2].get("version", ""))):
            if version_key(version) <= version_key(entries[number - 2]["version"]):
                problems.append(f"{name}: versions must increase down the list")
    return problems


def history_problems(entries: list[dict], root: Path = ROOT) -> list[str]:
    """Every entry with a commit describes that commit's files; committed entries never change."""
    problems = []
    for entry in entries:
        name = f"releases.json version {entry['version']}"
        if entry.get("commit") is None:
            continue
        read = commit_reader(entry["commit"], root)
        descriptor_bytes = read(DESCRIPTOR)
        if descriptor_bytes is None:
            problems.append(f"{name}: commit {entry['commit'][:12]} is not in this repository's history")
            continue
        descriptor = json.loads(descriptor_bytes)
        if descriptor.get("version") != entry["version"]:
            problems.append(f"{name}: commit {entry['commit'][:12]} publishes version {descriptor.get('version')}")
        resources = {r["name"] for r in descriptor["resources"]}
        for unknown in sorted(set(entry.get("files", {})) - resources):
            problems.append(f"{name}: '{unknown}' is not a resource of that version")
        found = {**published_files(read, descriptor), **{group: report_records(read, list(entry.get(group, {}))) for group in PATH_GROUPS}}
        problems += [f"{name}: {p}" for p in same_bytes(entry, found)]
    # what earlier commits registered must stand unchanged (a commit may only be filled in)
    current = {e["version"]: e for e in entries}
    log = git("log", "--format=%H", "--", "releases.json", root=root).stdout.decode().split()
    for commit in log:
        try:
            earlier = json.loads(Blobs.read(commit, "releases.json", root) or b"")["releases"]
        except (json.JSONDecodeError, KeyError):
            continue
        for old in earlier:
            new = current.get(old["version"])
            if new is None:
                problems.append(f"releases.json version {old['version']}: registered in commit {commit[:12]} but removed since")
                continue
            if {k: v for k, v in old.items() if k != "commit"} != {k: v for k, v in new.items() if k != "commit"} or (
                old.get("commit") is not None and old["commit"] != new.get("commit")
            ):
                problems.append(
                    f"releases.json version {old['version']}: changed since commit {commit[:12]} registered it; "
                    "published bytes need a new version"
                )
    return problems


def changelog_versions(root: Path = ROOT) -> list[str]:
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"^## \[(\d+\.\d+\.\d+)\]", text, re.M)


def check(root: Path = ROOT) -> list[str]:
    """Everything that must hold between releases.json, the published files, CHANGELOG.md and git."""
    entries = load(root)
    problems = entry_problems(entries)
    if problems:
        return problems
    tree = snapshot(root)
    version = json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))["version"]
    by_version = {e["version"]: e for e in entries}
    if version not in by_version:
        problems.append(
            f"datapackage.json says version {version}, which releases.json does not register "
            "(run `python scripts/registry.py register` for a new version)"
        )
    else:
        if entries[-1]["version"] != version:
            problems.append(f"datapackage.json says {version}, but the newest registered version is {entries[-1]['version']}")
        problems += [f"version {version} in releases.json vs the published files: {p}" for p in same_bytes(by_version[version], tree)]
    logged = changelog_versions(root)
    for entry in entries:
        if entry["version"] not in logged:
            problems.append(f"releases.json version {entry['version']}: CHANGELOG.md has no entry '## [{entry['version']}]'")
    if logged and logged[0] != version:
        problems.append(f"the top entry of CHANGELOG.md is {logged[0]}, but datapackage.json says {version}")
    if has_history(root):
        problems += history_problems(entries, root)
    return problems


def register(root: Path = ROOT, today: str | None = None) -> str:
    """Write the entry of the version in datapackage.json from the working tree; an entry that an
    earlier commit registered is never rewritten."""
    import datetime

    entries = load(root)
    tree = snapshot(root)
    version = json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))["version"]
    committed = {}
    if has_history(root):
        shown = git("show", "HEAD:releases.json", root=root)
        if shown.returncode == 0:
            committed = {e["version"]: e for e in json.loads(shown.stdout)["releases"]}
    if version in committed and same_bytes(committed[version], tree):
        raise RegistryError(f"version {version} is already released with other bytes: raise the version first")
    previous = [e for e in entries if e["version"] != version]
    if previous and previous[-1].get("commit") is None:
        # the previous release was built from the commit that registered it
        previous[-1] = {**previous[-1], "commit": adding_commit(previous[-1]["version"], root)}
    kept = next((e for e in entries if e["version"] == version), {})
    entry = {
        "version": version,
        "date": kept.get("date") or today or datetime.date.today().isoformat(),
        "commit": None,
        **tree,
        **{k: kept[k] for k in ("renamed_columns", "rekeyed") if k in kept},
    }
    write(root, [*previous, entry])
    return version


def write(root: Path, entries: list[dict]) -> None:
    body = {"name": "nl-defence-opinion-2025", "releases": entries}
    (root / "releases.json").write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# ---- make which ---------------------------------------------------------------------------


def which(path: Path, root: Path = ROOT) -> tuple[bool, str]:
    """(matched, what to print) for a file downloaded from anywhere."""
    content = path.read_bytes()
    digest = sha256(content)
    entries = load(root)
    matches = []
    for entry in entries:
        for group in ("files", *PATH_GROUPS):
            for name, rec in entry.get(group, {}).items():
                if rec["sha256"] == digest:
                    matches.append((entry["version"], rec.get("path", name), name))
        if entry["descriptor"]["sha256"] == digest:
            matches.append((entry["version"], DESCRIPTOR, "descriptor"))
    if matches:
        versions = ", ".join(version for version, _, _ in matches)
        place = matches[0][1]
        newest = matches[-1][0]
        cite = (
            f"Cite version {newest}: it is the only version with these bytes."
            if len(matches) == 1
            else f"Cite the version you downloaded if you know it; else cite {newest}, the newest of the "
            f"{len(matches)} versions in which this file has these bytes (the other files of those versions may differ)."
        )
        return True, f"{path}: {place} of version {versions} (sha256 {digest})\n{cite}"
    return False, f"{path}: matches no registered version (sha256 {digest}); {looks_like(content, root)}"


def looks_like(content: bytes, root: Path) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "it is not a UTF-8 text file, so not a published resource"
    try:
        data = json.loads(text)
        if isinstance(data, dict) and "resources" in data:
            return (
                f"it is a data package descriptor named {data.get('name')!r} that says version "
                f"{data.get('version')!r}, but it was changed or never released"
            )
    except json.JSONDecodeError:
        pass
    header = next(csv.reader(io.StringIO(text)), [])
    best, overlap = None, 0.0
    for schema in sorted((root / "schemas").glob("*.schema.json")):
        names = [f["name"] for f in json.loads(schema.read_text(encoding="utf-8"))["fields"]]
        score = len(set(names) & set(header)) / max(len(set(names) | set(header)), 1)
        if score > overlap:
            best, overlap = schema.name.removesuffix(".schema.json"), score
    if best and overlap >= 0.5:
        exact = "" if overlap == 1 else f" ({overlap:.0%} of the columns in common)"
        return (
            f"it looks like resource '{best}'{exact}, but its values differ from every release: "
            "it was edited or is from an unreleased build"
        )
    return "it is not a published resource of this package"


# ---- make diff ----------------------------------------------------------------------------


@dataclass
class TableDiff:
    resource: str
    key: list[str]
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[tuple[dict, str, str, str]] = field(default_factory=list)  # (new row, field, old, new)
    notes: list[str] = field(default_factory=list)


def package_at(version: str, root: Path = ROOT):
    """(read, descriptor, schema) of a registered version, or of the working tree for WORKING_TREE.
    Files read from git are checked against the registry first."""
    if version == WORKING_TREE:
        read = working_tree_reader(root)
    else:
        entries = {e["version"]: e for e in load(root)}
        if version not in entries:
            raise RegistryError(f"version {version} is not registered; known versions: {', '.join(entries)}")
        entry = entries[version]
        commit = entry.get("commit") or adding_commit(version, root)
        if commit is None:
            read = working_tree_reader(root)
            if same_bytes(entry, snapshot(root)):
                raise RegistryError(f"version {version} is not committed yet and the working tree is no longer it")
        else:
            if not has_history(root):
                raise RegistryError("make diff reads earlier versions from the git history; this copy has none (clone the repository)")
            read = commit_reader(commit, root)
            found = {**published_files(read, json.loads(read(DESCRIPTOR))), **{group: entry.get(group, {}) for group in PATH_GROUPS}}
            wrong = same_bytes(entry, found)
            if wrong:
                raise RegistryError(f"version {version}: the files of commit {commit[:12]} differ from releases.json: {wrong[0]}")
    descriptor = json.loads(read(DESCRIPTOR))

    def schema(resource: dict) -> dict:
        return json.loads(read(resource["schema"]))

    return read, descriptor, schema


def adding_commit(version: str, root: Path = ROOT) -> str | None:
    """The commit that registered a version whose entry has no commit yet (the newest one)."""
    if not has_history(root):
        return None
    for commit in git("log", "--reverse", "--format=%H", "--", "releases.json", root=root).stdout.decode().split():
        try:
            listed = json.loads(Blobs.read(commit, "releases.json", root) or b"")["releases"]
        except (json.JSONDecodeError, KeyError):
            continue
        if any(e.get("version") == version for e in listed):
            return commit
    return None


def rows_of(content: bytes) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(content.decode("utf-8"), newline=""))
    return list(reader.fieldnames or []), list(reader)


def declared_changes(old: str, new: str, root: Path = ROOT) -> tuple[dict, list[dict]]:
    """Column renames and key changes declared by the versions after `old` up to `new`."""
    renamed: dict[str, dict[str, str]] = {}
    rekeyed: list[dict] = []
    entries = load(root)
    names = [e["version"] for e in entries]
    start = names.index(old) + 1 if old in names else 0
    end = names.index(new) + 1 if new in names else len(entries)
    for entry in entries[start:end]:
        for resource, columns in entry.get("renamed_columns", {}).items():
            renamed.setdefault(resource, {}).update(columns)
        rekeyed += entry.get("rekeyed", [])
    return renamed, rekeyed


def as_grid(header: list[str], rows: list[dict]) -> list[list[str]]:
    return [header, *([row.get(c, "") for c in header] for row in rows)]


def diff_table(resource: str, old: bytes | None, new: bytes | None, key: list[str], renamed: dict, rekeyed: list[dict]) -> TableDiff:
    import daff

    result = TableDiff(resource, key)
    old_header, old_rows = rows_of(old) if old is not None else ([], [])
    new_header, new_rows = rows_of(new) if new is not None else ([], [])
    if old is None:
        result.added = new_rows
        return result
    if new is None:
        result.removed = old_rows
        return result
    names = renamed.get(resource, {})
    if names:
        old_header = [names.get(c, c) for c in old_header]
        old_rows = [{names.get(c, c): v for c, v in row.items()} for row in old_rows]
        result.notes += [f"column {a} renamed {b}" for a, b in names.items()]
    for rule in (r for r in rekeyed if r["resource"] == resource):
        hits = [
            row
            for row in old_rows
            if row.get(rule["column"]) == rule["old"] and all(row.get(c) == v for c, v in rule.get("where", {}).items())
        ]
        for row in hits:
            row[rule["column"]] = rule["new"]
        where = "".join(f" where {c} = {v!r}" for c, v in rule.get("where", {}).items())
        result.notes.append(f"{rule['column']} {rule['old']!r} is now {rule['new']!r}{where} ({len(hits)} rows)")
    result.notes += [f"column {c} added" for c in new_header if c not in old_header]
    result.notes += [f"column {c} removed" for c in old_header if c not in new_header]
    if any(k not in old_header for k in key):
        result.notes.append("the key columns are new: every row counts as removed and added")
        result.removed, result.added = old_rows, new_rows
        return result
    flags = daff.CompareFlags()
    for column in key:
        flags.addPrimaryKey(column)
    flags.show_unchanged_columns = True
    flags.always_show_header = True
    flags.unchanged_context = 0
    common = [c for c in new_header if c in old_header]
    old_view = daff.PythonTableView(as_grid(common, old_rows))
    new_view = daff.PythonTableView(as_grid(common, new_rows))
    alignment = daff.Coopy.compareTables(old_view, new_view, flags).align()
    hilite: list[list] = []
    daff.TableDiff(alignment, flags).hilite(daff.PythonTableView(hilite))
    header = hilite[0][1:]
    new_by_key = {tuple(r[k] for k in key): r for r in new_rows}
    old_by_key = {tuple(r[k] for k in key): r for r in old_rows}
    for line in hilite[1:]:
        action, cells = line[0], ["" if c is None else str(c) for c in line[1:]]
        if action == "+++":
            result.added.append(new_by_key[tuple(cells[header.index(k)] for k in key)])
        elif action == "---":
            result.removed.append(old_by_key[tuple(cells[header.index(k)] for k in key)])
        elif action.endswith(">"):  # '->', or a longer arrow when a value itself contains '->'
            pairs = [cell.split(action, 1) if action in cell else [cell, cell] for cell in cells]
            row_key = tuple(pairs[header.index(k)][1] for k in key)
            for column, (before, after) in zip(header, pairs):
                if before != after:
                    result.changed.append((new_by_key[row_key], column, before, after))
    return result


def diff(old: str, new: str = WORKING_TREE, root: Path = ROOT) -> list[TableDiff]:
    old_read, old_descriptor, _ = package_at(old, root)
    new_read, new_descriptor, new_schema = package_at(new, root)
    renamed, rekeyed = declared_changes(old, new if new != WORKING_TREE else "", root)
    old_resources = {r["name"]: r for r in old_descriptor["resources"]}
    new_resources = {r["name"]: r for r in new_descriptor["resources"]}
    out = []
    for name in [*new_resources, *(n for n in old_resources if n not in new_resources)]:
        if name in new_resources:
            key = new_schema(new_resources[name]).get("primaryKey", [])
        else:
            key = []
        key = [key] if isinstance(key, str) else key
        out.append(
            diff_table(
                name,
                old_read(old_resources[name]["path"]) if name in old_resources else None,
                new_read(new_resources[name]["path"]) if name in new_resources else None,
                key,
                renamed,
                rekeyed,
            )
        )
    return out


def key_text(row: dict, key: list[str]) -> str:
    return ", ".join(f"{k}={row.get(k, '')}" for k in key) if key else "(whole row)"


def place(row: dict) -> str:
    return " · ".join(v for v in (row.get("source_id", ""), row.get("locator", "")) if v)


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") if text else "(empty)"


def render(diffs: list[TableDiff], old: str, new: str, markdown: bool = False) -> str:
    lines = []
    if not markdown:
        lines.append(f"Changes from {old} to {new}")
    lines += ["", "| resource | rows added | rows removed | fields changed | notes |", "|---|---|---|---|---|"]
    touched = [d for d in diffs if d.added or d.removed or d.changed or d.notes]
    for d in touched:
        lines.append(
            f"| {d.resource} | {len(d.added)} | {len(d.removed)} | {len(d.changed)} | {cell('; '.join(d.notes)) if d.notes else ''} |"
        )
    unchanged = [d.resource for d in diffs if d not in touched]
    if unchanged:
        lines += ["", f"Unchanged: {', '.join(unchanged)}."]
    for d in diffs:
        if not (d.added or d.removed or d.changed):
            continue
        lines += ["", f"#### {d.resource}", ""]
        if d.changed:
            lines += ["| key | field | old | new | source · locator |", "|---|---|---|---|---|"]
            lines += [
                f"| {cell(key_text(row, d.key))} | {column} | {cell(before)} | {cell(after)} | {cell(place(row))} |"
                for row, column, before, after in d.changed
            ]
        for label, rows in (("added", d.added), ("removed", d.removed)):
            if rows:
                lines += ([""] if d.changed else []) + [f"Rows {label}:", ""]
                lines += [f"- {cell(key_text(row, d.key))}" + (f" ({cell(place(row))})" if place(row) else "") for row in rows]
    return "\n".join(lines).lstrip("\n") + "\n"


def unregistered_changes(root: Path = ROOT) -> tuple[str, list[str]]:
    """The version datapackage.json says, and each published file whose bytes are not those
    releases.json registers for it."""
    version = json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))["version"]
    entry = {e["version"]: e for e in load(root)}.get(version)
    if entry is None:
        return version, [f"datapackage.json: version {version} is not registered in releases.json"]
    return version, same_bytes(entry, snapshot(root))


def published_report(root: Path = ROOT) -> tuple[bool, str]:
    """What `make repro` says at its end: the published files are those of their version, or,
    loudly, which are not and what a release of them needs."""
    version, changed = unregistered_changes(root)
    if not changed:
        return True, f"published files: byte for byte those of version {version} in releases.json"
    rule = "!" * 78
    lines = [
        rule,
        f"make repro: {len(changed)} published file(s) differ from version {version} as releases.json registers it:",
        *(f"  {line}" for line in changed),
        "Published bytes never change within a version. Before committing them, release a new version:",
        "  a new version in schemas/package.json (patch for a corrected value, minor for a new table or column),",
        "  a CHANGELOG.md entry listing every changed value with its locator (make diff FROM=" + version + "),",
        "  and its releases.json entry (python scripts/registry.py register).",
        rule,
    ]
    return False, "\n".join(lines)


def main(argv: list[str]) -> int:
    command, *args = argv or ["check"]
    try:
        if command == "check":
            problems = check()
            for problem in problems:
                print(problem, file=sys.stderr)
            if not problems:
                print(f"releases.json: {len(load())} versions, all consistent with the published files and the history")
            return 1 if problems else 0
        if command == "published":
            same, text = published_report()
            print(text, file=sys.stdout if same else sys.stderr)
            return 0
        if command == "register":
            print(f"registered version {register()} in releases.json")
            return 0
        if command == "which":
            if len(args) != 1 or not args[0]:
                print("usage: make which FILE=<path of a downloaded CSV or datapackage.json>", file=sys.stderr)
                return 2
            if not Path(args[0]).exists():
                print(f"which: no such file: {args[0]}", file=sys.stderr)
                return 2
            if not Path(args[0]).is_file():
                print(f"which: not a file: {args[0]}", file=sys.stderr)
                return 2
            matched, text = which(Path(args[0]))
            print(text, file=sys.stdout if matched else sys.stderr)
            return 0 if matched else 1
        if command == "diff":
            markdown = "--markdown" in args
            args = [a for a in args if a != "--markdown"]
            if not args or not args[0]:
                raise RegistryError(
                    f"usage: make diff FROM=<version> [TO=<version>]; known versions: {', '.join(e['version'] for e in load())}"
                )
            old, new = args[0], (args[1] if len(args) > 1 and args[1] else WORKING_TREE)
            print(render(diff(old, new), old, new, markdown), end="")
            return 0
    except RegistryError as error:
        print(error, file=sys.stderr)
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
