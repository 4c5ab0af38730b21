"""The pipeline that builds the published data package from the raw transcriptions.

- `stages/`: the six DVC stages (dvc.yaml), each a module with a thin `main()`, run as
  `python -m pipelines.stages.<stage>`;
- `sources/`: one module per document, the reference tables, and `registry`, the one list of
  the documents, their raw folders, tables and parties;
- `rules/`: the in-table rules (pandera) and the cross-checks (great-expectations);
- `lib/`: what the others share;
- `harvest`: the catalogue metadata (schema.org, DCAT-AP) that `publish` writes;
- `load`: loading a published resource for users.

docs/ARCHITECTURE.md shows how a value travels from data/raw/ to data/.
"""

import importlib.util
import sys

# A stage run outside the project's environment (for example `dvc repro` with the system
# Python) would otherwise end in a ModuleNotFoundError traceback. Only for stages
# (`python -m pipelines.stages.<stage>`, while which argv[0] is '-m'): `pipelines.load` needs
# pandas alone. find_spec imports nothing.
_missing = [
    name
    for name in ("yaml", "pandas", "frictionless", "pandera", "great_expectations", "matplotlib", "rdflib")
    if sys.argv[:1] == ["-m"] and importlib.util.find_spec(name) is None
]
if _missing:
    sys.exit(
        f"pipelines: {', '.join(_missing)} not installed for {sys.executable}: run `make repro`, "
        "or activate the project's environment (. .venv/bin/activate) before `dvc repro`"
    )

if sys.argv[:1] == ["-m"]:
    from pipelines.lib import speed

    speed.collector_off_for_imports()
