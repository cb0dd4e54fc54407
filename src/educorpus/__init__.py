"""educorpus: clean raw Chinese web pages about education into versioned corpora.

The public API is small on purpose:

- :func:`clean` / :func:`clean_and_explain` / :func:`clean_batch`
- :data:`STEPS`, the step names in pipeline order
- :class:`CleanConfig`, :class:`Document`, :class:`Edit`
- :func:`build_dataset`: a versioned Hugging Face dataset folder (see :mod:`educorpus.dataset`)
- :func:`convert_script`, OpenCC conversion by config name with word-boundary protection
"""

from .api import clean, clean_and_explain, clean_batch
from .cleaners.script import convert_script
from .config import CleanConfig
from .document import Document, Edit
from .dataset import build_dataset
from .pipeline import step_names as _step_names

__version__ = "0.1.0"

#: The implemented steps, in pipeline order.
STEPS: tuple[str, ...] = _step_names()

__all__ = ["STEPS", "CleanConfig", "Document", "Edit", "build_dataset", "clean", "clean_and_explain", "clean_batch", "convert_script", "__version__"]
