"""Versioned Hugging Face datasets: build, compare, publish.

- :func:`build_dataset` (``educorpus build``): inputs → ``DIR/NAME/X.Y.Z/`` with
  ``data/train-*.parquet``, ``exclusions/train-*.parquet``, ``README.md`` (dataset card) and
  ``manifest.json`` (config, input fingerprint, library versions, statistics);
- :func:`iter_raw_records`: the inputs as raw records and failure records, the way the build
  reads them (also used to re-clean a published version from its manifest);
- :func:`diff_versions` (``educorpus diff``) and :func:`push_version` (``educorpus push``);
- :func:`default_corpus_steps`: the corpus-level steps a build runs by default.

Importing this package is cheap: ``datasets``, ``pyarrow`` and ``huggingface_hub`` are imported
only when a function needs them.

Not handled here: the cleaning itself (:mod:`educorpus.pipeline`) and the corpus steps
(:mod:`educorpus.corpus`).
"""

from .build import build_dataset, default_corpus_steps, library_versions, load_manifest
from .diff import diff_versions, format_diff
from .errors import BuildLockedError, DatasetError, MissingExtraError, VersionExistsError
from .inputs import iter_raw_records, plan_inputs
from .push import push_version

__all__ = [
    "BuildLockedError",
    "DatasetError",
    "MissingExtraError",
    "VersionExistsError",
    "build_dataset",
    "default_corpus_steps",
    "diff_versions",
    "format_diff",
    "iter_raw_records",
    "library_versions",
    "load_manifest",
    "plan_inputs",
    "push_version",
]
