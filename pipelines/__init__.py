"""Pipeline stages that build the published data package from the raw transcriptions.

Each stage is one module with a ``main()``, run by DVC as ``python -m pipelines.<stage>``
(see ``dvc.yaml``); ``common`` holds what the stages share.
"""
