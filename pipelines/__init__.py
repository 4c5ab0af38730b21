"""Pipeline stages that build the published data package from the raw transcriptions.

Each stage is one module with a ``main()``, run by DVC as ``python -m pipelines.<stage>``
(see ``dvc.yaml``); ``common`` holds what the stages share.
"""

import gc
import importlib.util
import sys

# A stage run outside the project's environment (for example `dvc repro` with the system
# Python) would otherwise end in a ModuleNotFoundError traceback. Only for stages
# (`python -m pipelines.<stage>`, while which argv[0] is '-m'): `pipelines.load` needs pandas alone.
# find_spec imports nothing.
_missing = [
    name
    for name in ("yaml", "pandas", "frictionless", "pandera", "great_expectations", "matplotlib")
    if sys.argv[:1] == ["-m"] and importlib.util.find_spec(name) is None
]
if _missing:
    sys.exit(
        f"pipelines: {', '.join(_missing)} not installed for {sys.executable}: run `make repro`, "
        "or activate the project's environment (. .venv/bin/activate) before `dvc repro`"
    )

# A stage process keeps what its imports make (pandas, great-expectations: 200,000 objects and more)
# until it exits, so the collector's full passes over them during the imports are wasted work
# (0.3 s of great-expectations' import). common.run() freezes what the imports made and turns
# the collector back on before the stage's work. The Python docs' gc.freeze() idiom.
if sys.argv[:1] == ["-m"]:
    gc.disable()
