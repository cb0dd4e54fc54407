"""Options of the corpus-level steps: one frozen, typed object, serializable into a manifest.

Kept apart from :class:`~educorpus.config.CleanConfig`, which describes how one page is cleaned;
these options describe decisions that need the whole corpus. A threshold set to ``None`` turns
its filter off.

Not handled here: choosing options per site or per source (every record gets the same options).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Optional, get_args, get_type_hints


@dataclass(frozen=True)
class CorpusOptions:
    """How the corpus-level steps decide.

    Steps on/off:
        site_boilerplate: learn lines repeated across many pages of one site and remove them.
        quality: drop records failing the quality thresholds below.
        dedup_exact: drop copies whose normalized form (simplified script, punctuation, spacing
            and letter case folded) equals a kept record's.
        dedup_near: drop near copies found with MinHash LSH over character shingles.

    Site boilerplate:
        site_min_pages: a line must repeat on at least this many pages of a site, counting
            pages that are copies of one another once (copies share their longest other lines).
        site_min_fraction: ... and on at least this fraction of the site's pages.

    Duplicates:
        shingle_size: characters per shingle of the normalized form (3: a one-word substitution
            breaks few shingles, while unrelated pages of the same domain share ~3% of them).
        num_perm: MinHash permutations (signature length; 4 bytes each per record).
        lsh_bands, lsh_rows: LSH banding; ``bands * rows <= num_perm``. Candidate pairs share all
            rows of at least one band; they are then verified with the thresholds below.
        near_threshold: estimated Jaccard similarity of shingle sets at or above which two records
            are near duplicates.
        containment_threshold: ... or estimated share of the smaller record's shingles found in
            the larger one (a truncated copy, a repost with added lines), at or above which they
            are near duplicates.
        spun_at: a record with ``spun_score`` at or above this counts as spun when choosing which
            copy to keep (a non-spun copy always wins over a spun one).
        complete_at: a copy shorter than this fraction of the longest copy in its cluster counts
            as truncated (a complete copy wins over a truncated one).
        max_listed_clusters: the statistics list at most this many clusters (largest first);
            every dropped copy is still named in its own exclusion.

    Quality filters (``None`` turns one off):
        min_chars: fewer non-space characters than this: ``too-short``.
        min_han_ratio: smaller share of Han characters among non-space characters:
            ``low-chinese-ratio``.
        max_dup_line_fraction: larger share of characters in lines that repeat an earlier line
            of the same record: ``repetitive``.
        max_dup_ngram_fraction: larger share of characters covered by a 10-character sequence
            that occurs more than once in the record: ``repetitive``.
        max_mojibake_ratio: larger share of characters that are unrecoverable mojibake (U+FFFD,
            ``锟斤拷``): ``mojibake``.
        max_spun_score: ``spun_score`` at or above this: ``spun``. Off by default: spun pages are
            repaired and flagged by the cleaning steps, and users choose whether to drop them.
    """

    site_boilerplate: bool = True
    quality: bool = True
    dedup_exact: bool = True
    dedup_near: bool = True

    site_min_pages: int = 5
    site_min_fraction: float = 0.5

    shingle_size: int = 3
    num_perm: int = 192
    lsh_bands: int = 64
    lsh_rows: int = 3
    near_threshold: float = 0.4
    containment_threshold: float = 0.7
    spun_at: float = 0.5
    complete_at: float = 0.85
    max_listed_clusters: int = 1000

    min_chars: Optional[int] = 50
    min_han_ratio: Optional[float] = 0.3
    max_dup_line_fraction: Optional[float] = 0.3
    max_dup_ngram_fraction: Optional[float] = 0.5
    max_mojibake_ratio: Optional[float] = 0.02
    max_spun_score: Optional[float] = None

    def __post_init__(self) -> None:
        # a value of the wrong type (``--corpus-option near_threshold=abc``, a string in a JSON
        # file) failed later as "'<=' not supported between 'float' and 'str'", naming no option
        for f in fields(self):
            value = getattr(self, f.name)
            kind = _KINDS[f.name]
            if value is None and f.name in _OPTIONAL:
                continue
            if kind is bool:
                ok = isinstance(value, bool)
            elif kind is int:
                ok = isinstance(value, int) and not isinstance(value, bool)
            else:  # float: an int is a number too (1 from JSON)
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not ok:
                wanted = {bool: "true or false", int: "a whole number", float: "a number"}[kind]
                if f.name in _OPTIONAL:
                    wanted += " or null (off)"
                raise ValueError(f"{f.name} must be {wanted}, not {value!r}")
        if self.site_min_pages < 2:
            raise ValueError(f"site_min_pages must be at least 2, not {self.site_min_pages}")
        if self.shingle_size < 1:
            raise ValueError(f"shingle_size must be at least 1, not {self.shingle_size}")
        if min(self.num_perm, self.lsh_bands, self.lsh_rows) < 1:
            raise ValueError("num_perm, lsh_bands and lsh_rows must be positive")
        if self.lsh_bands * self.lsh_rows > self.num_perm:
            raise ValueError(
                f"lsh_bands * lsh_rows ({self.lsh_bands} * {self.lsh_rows}) exceeds num_perm ({self.num_perm})"
            )
        for name in ("site_min_fraction", "near_threshold", "containment_threshold", "complete_at"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``CorpusOptions.from_dict(o.to_dict()) == o``."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CorpusOptions":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(
                f"unknown corpus option(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        return cls(**data)

    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON form of these options."""
        blob = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def with_options(self, **changes: Any) -> "CorpusOptions":
        return replace(self, **changes)


def _kinds() -> tuple[dict[str, type], frozenset]:
    """The type each option takes, and the options that None turns off, from the annotations."""
    kinds: dict[str, type] = {}
    optional = set()
    for name, hint in get_type_hints(CorpusOptions).items():
        args = [a for a in get_args(hint) if a is not type(None)]
        if args:  # Optional[X]
            optional.add(name)
            hint = args[0]
        kinds[name] = hint
    return kinds, frozenset(optional)


_KINDS, _OPTIONAL = _kinds()
