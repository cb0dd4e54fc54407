"""The one configuration object of the pipeline.

Every option of :func:`educorpus.clean` maps onto a field here; the object is frozen, typed, and
round-trips through ``to_dict``/``from_dict`` so that a dataset manifest can record exactly how its
text was made, and :meth:`CleanConfig.fingerprint` gives a stable hash of it.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Iterable, Optional

TARGETS = ("hans", "hant", "tw", "twp", "hk")


@dataclass(frozen=True)
class CleanConfig:
    """How to clean.

    Attributes:
        to: target script: ``"hans"`` (simplified, default), ``"hant"`` (traditional, OpenCC
            standard), ``"tw"``, ``"twp"`` (Taiwan with Taiwan phrases), ``"hk"``, or ``None`` to
            keep each page's own script.
        only: run only these steps (names from :data:`educorpus.STEPS`), in pipeline order.
        skip: run every step except these.
        spun_threshold: ``scores["spun"]`` at or above which a page counts as machine-spun, so
            that the ``substitution`` step also makes its plausible-synonym (tier b) repairs.
            ``1.0`` keeps those repairs for pages with overwhelming evidence only; tier-a repairs
            (variants that are never legitimate) do not depend on it.
        keep_captions: the ``boilerplate`` step keeps photo captions (``图为…``, short caption
            lines between paragraphs) instead of dropping them; image credits (``（资料图）``,
            ``张三 摄``) are dropped either way.
        mojibake_remove_unrecoverable: the ``mojibake`` step removes damage it cannot repair
            (``锟斤拷`` runs, U+FFFD runs) instead of only flagging it; it is counted in
            ``scores["mojibake_unrecoverable"]`` either way. Default ``False``: keep the text.
    """

    to: Optional[str] = "hans"
    only: Optional[tuple[str, ...]] = None
    skip: tuple[str, ...] = ()
    spun_threshold: float = 0.5
    keep_captions: bool = False
    mojibake_remove_unrecoverable: bool = False

    def __post_init__(self) -> None:
        from .pipeline import check_step_names  # late import: pipeline imports config

        if self.to is not None and self.to not in TARGETS:
            raise ValueError(f"unknown target script {self.to!r}; use one of {', '.join(TARGETS)} or None")
        if not isinstance(self.spun_threshold, (int, float)) or not 0.0 <= self.spun_threshold <= 1.0:
            raise ValueError(f"spun_threshold must be a number in [0, 1], not {self.spun_threshold!r}")
        if not isinstance(self.keep_captions, bool):
            raise TypeError(f"keep_captions must be True or False, not {self.keep_captions!r}")
        for name in ("only", "skip"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, str):
                value = (value,)
            value = tuple(value)
            check_step_names(value, option=name)
            object.__setattr__(self, name, value)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``CleanConfig.from_dict(c.to_dict()) == c``."""
        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, tuple):
                d[k] = list(v)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CleanConfig":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown config option(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        kw = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items()}
        return cls(**kw)

    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON form of this config."""
        blob = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def with_options(self, **changes: Any) -> "CleanConfig":
        return replace(self, **changes)


_UNSET: Any = object()


def resolve_config(
    config: Optional[CleanConfig] = None,
    *,
    to: Any = _UNSET,
    only: Optional[Iterable[str]] = _UNSET,
    skip: Optional[Iterable[str]] = _UNSET,
) -> CleanConfig:
    """Merge keyword options of ``clean()`` over ``config`` (keywords win when given)."""
    base = config if config is not None else default_config()
    changes: dict[str, Any] = {}
    if to is not _UNSET:
        changes["to"] = to
    if only is not _UNSET:
        changes["only"] = None if only is None else tuple([only] if isinstance(only, str) else only)
    if skip is not _UNSET:
        changes["skip"] = () if skip is None else tuple([skip] if isinstance(skip, str) else skip)
    return replace(base, **changes) if changes else base


@lru_cache(maxsize=1)
def default_config() -> CleanConfig:
    return CleanConfig()
