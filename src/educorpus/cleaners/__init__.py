"""The cleaning steps, one module each, and their pipeline order.

Each module exposes pure ``str -> str`` cleaners (with doctests) and a ``STEP`` that runs them
through the pipeline's edit bookkeeping. ``PIPELINE`` is the single source of the step order.
"""

from . import boilerplate, mojibake, normalize, pinyin, script, substitution, unicode

PIPELINE = (
    unicode.STEP,
    mojibake.STEP,
    pinyin.STEP,
    boilerplate.STEP,
    substitution.STEP,
    script.STEP,
    normalize.STEP,
)
