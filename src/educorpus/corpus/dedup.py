"""Corpus step ``dedup``: exact and near duplicates, across scripts, reposts, truncation and spinning.

Every record is compared through its normalized form (:func:`~educorpus.corpus._norm.normal_form`:
simplified script, punctuation, spacing and case folded), so a traditional-script copy of a
simplified article is the same text.

- **Exact duplicates** have the same normalized form (a 128-bit digest).
- **Near duplicates** are found with MinHash over the set of character ``shingle_size``-grams of
  the normalized form (``datasketch.MinHash``). Character shingles keep spun copies close: one
  substituted word breaks only the few shingles that overlap it, where a word shingle scheme
  would lose every shingle touching it. Candidate pairs come from LSH banding (``lsh_bands``
  bands of ``lsh_rows`` rows: records sharing all rows of one band are candidates) and are kept
  when the estimated Jaccard similarity reaches ``near_threshold`` or the estimated share of
  the smaller record inside the larger reaches ``containment_threshold`` (a truncated copy, a
  repost with added lines). The banding is done here with numpy sorts, one band at a time,
  rather than with ``datasketch.MinHashLSH``, whose in-memory index was measured at 19.8 KB
  per record with the same bands (``bench/bench_minhashlsh.py``): more than the texts.
  A bucket of more than ``MAX_BUCKET`` records pairs each with its next ``MAX_BUCKET`` only.

**The pairs are never stored.** Thousands of varied copies of one page fall into somewhat
different buckets in each band, and each band's large buckets add new pairs: holding them
cost +800 MB for 100 MB of the benchmark's pages. Instead, the groups of connected copies are
found with a union-find while the bands are walked, verifying only the pairs whose records are
not connected yet; and the walk through each group in the order below asks, for each record, which already
kept records share one of its buckets (at most ``MAX_BUCKET`` places apart, as a candidate pair
would) and verifies those. The decisions are the ones the stored pairs gave.

**Which copy is kept**, within each group of connected copies, is decided by a total order:
not spun before spun (``spun_score >= spun_at``), complete before truncated (:func:`content_length`
below ``complete_at`` of the group's longest), fewer repairs (sum of the record's ``edits``
counts, boilerplate removal excepted), earliest ``published`` (unknown last), smallest ``id``. Records are taken in that
order; one is dropped when its exact copy or one of its verified near copies was already kept,
and its :class:`~educorpus.corpus.Exclusion` (``exact-duplicate`` or ``near-duplicate``) names
that kept record (the most similar one if there are several), so a dropped copy is always directly similar to the record it names (no chains
of "similar to something similar"). A spun copy dropped for a non-spun kept copy is marked
``spun_pair`` in its detail and listed in the statistics: such pairs are the material from which
``scripts/mine_spin_pairs.py`` mines spin substitutions.

State between the passes, per record: its id and four numbers; per distinct text: a 16-byte
digest, its length, and a ``num_perm`` × 4-byte signature; while deciding, also its place in
each band's bucket order (``lsh_bands`` × 4 bytes). After the decisions, per record: a reason,
the kept record, similarity and containment (22 bytes). Texts are not kept.

Not handled: translations, paraphrases that share few character sequences, and a page that
quotes another in a small part of its text (both are kept).
"""

from __future__ import annotations

import hashlib
import re
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from typing import Any, Union

import numpy as np

from . import CorpusStep, Exclusion
from ._norm import normal_form, shingle_hashes, sorted_unique, text_hash
from .options import CorpusOptions
from .quality import han_chars

_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*日?\s*T?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2}))?"
)
_NO_DATE = 99999999_9999


def published_key(value: Any) -> int:
    """``published`` as a sortable integer ``YYYYMMDDhhmm``; unknown dates sort last.

    >>> published_key("2024-05-21 15:56"), published_key("2024年5月3日"), published_key(None) > published_key("2099-1-1")
    (202405211556, 202405030000, True)
    """
    if not value:
        return _NO_DATE
    m = _DATE.search(str(value))
    if not m:
        return _NO_DATE
    y, mo, d, h, mi = (int(g) if g else 0 for g in m.groups())
    return (((y * 100 + mo) * 100 + d) * 100 + h) * 100 + mi


_SENTENCE_END = re.compile(r"[。！？；!?;]")


def content_length(text: str) -> int:
    """Han characters in lines that read as prose (20+ characters with a sentence end), the
    measure of how complete a copy is; a page without such lines counts all its Han characters.

    Lines of a site template (addresses, menus, bylines) seldom end sentences, so a repost that
    carries another site's template does not look more complete than the article it copies.

    >>> content_length("主办单位：某市教育局  地址：人民路1号\\n全市中小学今天开学，各校做好了准备工作。")
    18
    >>> content_length("教育局\\n通知")
    5
    """
    prose = [line for line in text.split("\n") if len(line) >= 20 and _SENTENCE_END.search(line)]
    return han_chars("".join(prose)) or han_chars(text)


# steps whose edits remove page furniture rather than repair damaged text: a page with a bigger
# template is no worse a copy of the article
NOT_REPAIRS = frozenset({"boilerplate", "site-boilerplate"})


def repairs_of(record: dict[str, Any]) -> int:
    """The number of repairs in a record's edit summary ``{step: {rule: count}}``; removed
    boilerplate (steps in :data:`NOT_REPAIRS`) does not count.

    >>> repairs_of({"edits": {"normalize": {"fullwidth-punct": 3}, "script": {"t2s": 40}, "boilerplate": {"icp": 1}}})
    43
    """
    total = 0
    for step, rules in (record.get("edits") or {}).items():
        if step in NOT_REPAIRS:
            continue
        if isinstance(rules, dict):
            total += sum(int(n) for n in rules.values())
        else:
            total += int(rules)
    return total


def _identity(x: int) -> int:
    return x


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, which datasketch's ``affine32`` scheme applies to each input."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


class Signer:
    """``datasketch.MinHash`` signatures (scheme ``affine32``, seed 1) of 32-bit shingle hashes.

    :meth:`__call__` computes, in one numpy expression per block of shingles, exactly what
    ``MinHash.update_batch`` computes with a per-shingle Python call (10x slower);
    :meth:`reference` is the datasketch call itself, and the tests check that both agree.
    """

    _BLOCK = 4096  # shingles per block: bounds the temporary (block x num_perm) matrix

    def __init__(self, num_perm: int):
        from datasketch import MinHash  # imports scipy: ~1 s, paid only when dedup_near is on

        self.template = MinHash(num_perm=num_perm, seed=1, hashfunc=_identity, scheme="affine32")
        a, b = self.template.permutations
        self._a = np.asarray(a, dtype=np.uint32)[None, :]
        self._b = np.asarray(b, dtype=np.uint32)[None, :]

    def __call__(self, shingles: np.ndarray) -> np.ndarray:
        mixed = _fmix32(shingles.astype(np.uint32))
        sig = np.full(self._a.shape[1], 0xFFFFFFFF, dtype=np.uint32)
        for start in range(0, len(mixed), self._BLOCK):
            block = mixed[start : start + self._BLOCK, None]
            np.minimum(sig, (block * self._a + self._b).min(axis=0), out=sig)
        return sig

    def reference(self, shingles: np.ndarray) -> np.ndarray:
        m = self.template.copy()
        m.update_batch(shingles.tolist())
        return m.hashvalues


_MUL = np.uint64(0x9E3779B97F4A7C15)

# a bucket larger than this pairs each member with its next MAX_BUCKET members only (enough to
# connect it, without a quadratic blow-up)
MAX_BUCKET = 200


def band_hashes(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """The ``(len(sigs), bands)`` uint64 bucket keys: one hash of the ``rows`` values of each band.

    >>> s = np.array([[1, 2, 3, 4], [1, 2, 9, 9]], dtype=np.uint32)
    >>> k = band_hashes(s, bands=2, rows=2); bool(k[0, 0] == k[1, 0]), bool(k[0, 1] == k[1, 1])
    (True, False)
    """
    cols = sigs[:, : bands * rows].astype(np.uint64).reshape(len(sigs), bands, rows)
    h = cols[:, :, 0].copy()
    for k in range(1, rows):
        h = (h * _MUL) ^ cols[:, :, k]
    return h


def _band_order(sigs: np.ndarray, b: int, rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Band ``b``: the rows sorted by bucket key (stable: a bucket's members in index order),
    and the start and size of each bucket in that order."""
    cols = sigs[:, b * rows : (b + 1) * rows].astype(np.uint64)
    h = cols[:, 0].copy()
    for k in range(1, rows):
        h = (h * _MUL) ^ cols[:, k]
    order = np.argsort(h, kind="stable")
    hs = h[order]
    starts = np.flatnonzero(np.concatenate(([True], hs[1:] != hs[:-1]))) if len(hs) else np.zeros(0, np.int64)
    sizes = np.diff(np.concatenate((starts, [len(hs)])))
    return order, starts, sizes


def band_candidates(sigs: np.ndarray, bands: int, rows: int, max_bucket: int = MAX_BUCKET) -> np.ndarray:
    """Candidate pairs ``(i, j)``, ``i < j``, of signature rows that agree on every row of some band.

    A bucket larger than ``max_bucket`` pairs each member with its next ``max_bucket`` members
    only. Returns an ``(n, 2)`` int64 array, sorted and without repeats. :class:`Dedup` does not
    build this list (20,000 copies of four pages give millions of pairs): it walks the same pairs
    band by band and verifies only those joining records not yet connected; the list is the
    reference its tests compare with.

    >>> s = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 3, 4], [5, 5, 5, 5]], dtype=np.uint32)
    >>> band_candidates(s, bands=2, rows=2).tolist()
    [[0, 1], [0, 2]]
    """
    n = len(sigs)
    # pairs as single int64 keys i * n + j (half the memory of index pairs); the keys of the bands
    # are merged as they come, so memory follows the distinct pairs, not bands x pairs
    merged = np.zeros(0, dtype=np.int64)
    keys: list[np.ndarray] = []
    pending = 0
    seen_buckets: set[bytes] = set()  # large buckets met in an earlier band add no new pairs
    for b in range(bands):
        order, starts, sizes = _band_order(sigs, b, rows)
        found: list[tuple[np.ndarray, np.ndarray]] = []
        two = starts[sizes == 2]
        if len(two):
            found.append((order[two], order[two + 1]))
        for s, size in zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist()):
            members = order[s : s + size]
            digest = hashlib.blake2b(members.tobytes(), digest_size=16).digest()
            if digest in seen_buckets:
                continue
            seen_buckets.add(digest)
            for off in range(1, min(size, max_bucket + 1)):
                found.append((members[:-off], members[off:]))
        if found:
            a = np.concatenate([f[0] for f in found]).astype(np.int64)
            c = np.concatenate([f[1] for f in found]).astype(np.int64)
            keys.append(sorted_unique(np.minimum(a, c) * n + np.maximum(a, c)))
            pending += len(keys[-1])
            if pending > max(len(merged), 1 << 22):
                merged = sorted_unique(np.concatenate([merged, *keys]))
                keys, pending = [], 0
    unique = sorted_unique(np.concatenate([merged, *keys]))
    return np.stack((unique // n, unique % n), axis=1)


def _roots(parent: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The union-find roots of the elements ``x`` (pointer jumping, vectorized)."""
    r = parent[x]
    while True:
        up = parent[r]
        if np.array_equal(up, r):
            return r
        r = up


def _union(parent: np.ndarray, a: np.ndarray, c: np.ndarray) -> None:
    """Join the sets of ``a[k]`` and ``c[k]`` for every k; a root always points to a smaller
    index, so the forest has no cycles and a set's root is its smallest member."""
    while len(a):
        ra, rc = _roots(parent, a), _roots(parent, c)
        apart = ra != rc
        if not apart.any():
            return
        a, c, ra, rc = a[apart], c[apart], ra[apart], rc[apart]
        # several pairs may hook the same root: one write wins, the next round does the rest
        parent[np.maximum(ra, rc)] = np.minimum(ra, rc)


_KEEP, _EXACT, _NEAR = 0, 1, 2
_REASONS = {_EXACT: "exact-duplicate", _NEAR: "near-duplicate"}


class Dedup(CorpusStep):
    """Exact and near-duplicate removal; see the module docstring for the decisions."""

    name = "dedup"
    description = "drop exact and near duplicates (across scripts, reposts, truncation, spinning); keep the best copy"

    def __init__(self, options: CorpusOptions | None = None):
        o = self.options = options or CorpusOptions()
        if not (o.dedup_exact or o.dedup_near):
            raise ValueError("Dedup needs dedup_exact or dedup_near (or leave the step out)")
        # per record
        self._ids: list[str] = []
        self._group = array("I")
        self._spun = array("b")
        self._repairs = array("I")
        self._published = array("q")
        # per distinct normalized text (group)
        self._by_hash: dict[bytes, int] = {}
        self._length = array("I")
        self._n_shingles = array("I")
        self._sig_row = array("i")  # row in the signature matrix, -1 if the text has no shingles
        self._sigs = np.zeros((0, o.num_perm), dtype=np.uint32)
        self._n_sigs = 0
        self._signer = Signer(o.num_perm) if o.dedup_near else None
        # decisions, per record: reason (_KEEP, _EXACT, _NEAR), the kept record, similarity and
        # containment, spun pair; numbers rather than Exclusion objects (a few hundred bytes each)
        self._reason = np.zeros(0, dtype=np.int8)
        self._kept = np.zeros(0, dtype=np.int32)
        self._sim = np.zeros(0, dtype=np.float64)
        self._cont = np.zeros(0, dtype=np.float64)
        self._spun_pair = np.zeros(0, dtype=bool)
        self._applied = 0

    # -- first pass -------------------------------------------------------------------------

    def observe(self, record: dict[str, Any]) -> None:
        o = self.options
        i = len(self._ids)
        self._ids.append(str(record.get("id", i)))
        self._spun.append(1 if float(record.get("spun_score") or 0.0) >= o.spun_at else 0)
        self._repairs.append(repairs_of(record))
        self._published.append(published_key(record.get("published")))
        norm = normal_form(record.get("text") or "")
        g = None
        if o.dedup_exact and norm:
            digest = text_hash(norm)
            g = self._by_hash.get(digest)
            if g is None:
                self._by_hash[digest] = len(self._length)
        if g is None:
            g = len(self._length)
            self._length.append(content_length(record.get("text") or ""))
            row = -1
            n_sh = 0
            if o.dedup_near and norm:
                shingles = shingle_hashes(norm, o.shingle_size)
                n_sh = len(shingles)
                row = self._n_sigs
                if row == len(self._sigs):
                    grown = np.zeros((max(1024, 2 * len(self._sigs)), o.num_perm), dtype=np.uint32)
                    grown[: len(self._sigs)] = self._sigs
                    self._sigs = grown
                self._sigs[row] = self._signer(shingles)
                self._n_sigs += 1
            self._n_shingles.append(n_sh)
            self._sig_row.append(row)
        self._group.append(g)

    # -- decisions --------------------------------------------------------------------------

    def _verify(self, a: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For signature rows ``a[k]``, ``c[k]``: near duplicates?, estimated similarity, containment."""
        o = self.options
        sigs, n_sh = self._sigs, self._row_shingles
        ok, jac, cont = [], [], []
        chunk = 10_000  # pairs at once: two (chunk x num_perm) signature copies, 15 MB
        for start in range(0, len(a), chunk):
            pa, pc = a[start : start + chunk], c[start : start + chunk]
            j = (sigs[pa] == sigs[pc]).mean(axis=1)
            na, nb = n_sh[pa], n_sh[pc]
            inter = j / (1.0 + j) * (na + nb)
            k = np.minimum(1.0, inter / np.maximum(1.0, np.minimum(na, nb)))
            ok.append((j >= o.near_threshold) | (k >= o.containment_threshold))
            jac.append(j)
            cont.append(k)
        if not ok:
            return np.zeros(0, bool), np.zeros(0), np.zeros(0)
        return np.concatenate(ok), np.concatenate(jac), np.concatenate(cont)

    def _near_components(self) -> tuple[np.ndarray, dict[str, int]]:
        """The root of each signature row's connected component of verified near pairs.

        The candidate pairs are those of :func:`band_candidates`, walked band by band and, in a
        band, offset by offset (a bucket's members paired with the next one, then the one after
        that...); a pair is verified only when its rows are not connected yet, so a cluster of
        thousands of varied copies costs about one verification per copy and per band instead of
        millions of stored pairs. A bucket stops being walked once its members are all
        connected. Also fills ``self._slots``: each row's place in each band's bucket order, from
        which the decisions tell whether two rows were a candidate pair.
        """
        o = self.options
        n = self._n_sigs
        parent = np.arange(n, dtype=np.int64)
        self._slots = np.zeros((o.lsh_bands, n), dtype=np.int32)
        info = {"compared_pairs": 0, "joining_pairs": 0}
        for b in range(o.lsh_bands):
            order, starts, sizes = _band_order(self._sigs, b, o.lsh_rows)
            self._slots[b, order] = np.arange(n, dtype=np.int32)
            start_of = np.repeat(starts, sizes)
            end_of = start_of + np.repeat(sizes, sizes)
            active = np.flatnonzero(np.repeat(sizes >= 2, sizes))  # positions in buckets of 2+
            for off in range(1, MAX_BUCKET + 1):
                if not len(active):
                    break
                pos = active[active + off < end_of[active]]
                if not len(pos):
                    break
                a, c = order[pos], order[pos + off]
                apart = _roots(parent, a) != _roots(parent, c)
                a, c = a[apart], c[apart]
                if len(a):
                    ok = self._verify(a, c)[0]
                    info["compared_pairs"] += len(a)
                    info["joining_pairs"] += int(ok.sum())
                    _union(parent, a[ok], c[ok])
                # buckets whose members are all connected have no pair left to verify
                loose = _roots(parent, order[active]) != _roots(parent, order[start_of[active]])
                active = active[np.isin(start_of[active], np.unique(start_of[active][loose]))]
        return _roots(parent, np.arange(n)), info

    def finalize(self) -> dict[str, Any]:
        o = self.options
        n_groups = len(self._length)
        n_rec = len(self._ids)
        self._sigs = self._sigs[: self._n_sigs]
        rows = np.frombuffer(self._sig_row, dtype=np.int32) if n_groups else np.zeros(0, np.int32)
        has_row = rows >= 0
        group_of_row = np.zeros(self._n_sigs, dtype=np.int64)
        group_of_row[rows[has_row]] = np.flatnonzero(has_row)
        n_sh = np.frombuffer(self._n_shingles, dtype=np.uint32).astype(np.float64) if n_groups else np.zeros(0)
        self._row_shingles = n_sh[group_of_row]
        near = o.dedup_near and self._n_sigs >= 2
        info = {"compared_pairs": 0, "joining_pairs": 0}
        # component label per group: the root row of its near component, or a label of its own
        label = np.arange(self._n_sigs, self._n_sigs + n_groups, dtype=np.int64)
        if near:
            root, info = self._near_components()
            label[has_row] = root[rows[has_row]]
        members: dict[int, list[int]] = defaultdict(list)
        group = np.frombuffer(self._group, dtype=np.uint32) if n_rec else np.zeros(0, np.uint32)
        for i, lab in enumerate(label[group].tolist()):
            members[lab].append(i)

        self._reason = np.zeros(n_rec, dtype=np.int8)
        self._kept = np.zeros(n_rec, dtype=np.int32)
        self._sim = np.ones(n_rec, dtype=np.float64)
        self._cont = np.ones(n_rec, dtype=np.float64)
        self._spun_pair = np.zeros(n_rec, dtype=bool)
        clusters: list[tuple[int, list[int]]] = []
        spun_pairs: list[tuple[int, int, float]] = []
        reasons: Counter[str] = Counter()
        bands = o.lsh_bands
        for comp in members.values():
            if len(comp) < 2:
                continue
            longest = max(self._length[self._group[i]] for i in comp)

            def rank(i: int) -> tuple:
                truncated = self._length[self._group[i]] < o.complete_at * longest
                return (self._spun[i], truncated, self._repairs[i], self._published[i], self._ids[i])

            ordered = sorted(comp, key=rank)
            position = {i: k for k, i in enumerate(ordered)}
            keeper_of: dict[int, int] = {}
            # the kept rows of this component by band and bucket key: their slots (sorted) and rows
            kept_index: list[dict[int, tuple[list[int], list[int]]]] = [{} for _ in range(bands)]
            dropped: dict[int, list[int]] = defaultdict(list)
            for i in ordered:
                g = self._group[i]
                if g in keeper_of:
                    kept = keeper_of[g]
                    reason = _EXACT
                else:
                    # the kept record it is most like (a truncated copy may be contained in
                    # two articles that share its opening; it copies the closer one)
                    r = self._sig_row[g]
                    best = None
                    if near and r >= 0:
                        keys = band_hashes(self._sigs[r : r + 1], bands, o.lsh_rows)[0].tolist()
                        slots = self._slots[:, r].tolist()
                        found: set[int] = set()
                        for b in range(bands):
                            entry = kept_index[b].get(keys[b])
                            if entry is not None:
                                # a candidate pair: same bucket, at most MAX_BUCKET places apart
                                lo = bisect_left(entry[0], slots[b] - MAX_BUCKET)
                                hi = bisect_right(entry[0], slots[b] + MAX_BUCKET)
                                found.update(entry[1][lo:hi])
                        if found:
                            others = np.array(sorted(found), dtype=np.int64)
                            ok, jac, cont = self._verify(np.full(len(others), r, dtype=np.int64), others)
                            for r2, j, c in zip(others[ok].tolist(), jac[ok].tolist(), cont[ok].tolist()):
                                k = keeper_of[int(group_of_row[r2])]
                                if best is None or (j, c, -position[k]) > (best[1], best[2], -position[best[0]]):
                                    best = (k, j, c)
                    if best is None:
                        keeper_of[g] = i
                        if near and r >= 0:
                            for b in range(bands):
                                sl, rs = kept_index[b].setdefault(keys[b], ([], []))
                                at = bisect_left(sl, slots[b])
                                sl.insert(at, slots[b])
                                rs.insert(at, r)
                        continue
                    kept, self._sim[i], self._cont[i] = best
                    reason = _NEAR
                self._reason[i] = reason
                self._kept[i] = kept
                if self._spun[i] and not self._spun[kept]:
                    self._spun_pair[i] = True
                    spun_pairs.append((i, kept, round(float(self._sim[i]), 3) if reason == _NEAR else 1.0))
                reasons[_REASONS[reason]] += 1
                dropped[kept].append(i)
            clusters.extend(dropped.items())

        clusters.sort(key=lambda kv: (-len(kv[1]), self._ids[kv[0]]))
        sizes = Counter(1 + len(d) for _k, d in clusters)
        cap = o.max_listed_clusters
        stats = {
            "records": n_rec,
            "distinct_texts": n_groups,
            "exact_duplicates": reasons["exact-duplicate"],
            "near_duplicates": reasons["near-duplicate"],
            **info,
            "clusters": len(clusters),
            "cluster_sizes": {str(k): v for k, v in sorted(sizes.items())},
            "listed_clusters": [
                {"kept": self._ids[k], "dropped": [self._ids[i] for i in d]} for k, d in clusters[:cap]
            ],
            "spun_pairs": len(spun_pairs),
            "listed_spun_pairs": [
                {"spun": self._ids[i], "clean": self._ids[k], "similarity": round(s, 3)} for i, k, s in spun_pairs[:cap]
            ],
            "lsh": {
                "shingle_size": o.shingle_size,
                "num_perm": o.num_perm,
                "bands": o.lsh_bands,
                "rows": o.lsh_rows,
                "near_threshold": o.near_threshold,
                "containment_threshold": o.containment_threshold,
            },
        }
        # only the decisions are needed for the second pass
        self._sigs = np.zeros((0, o.num_perm), dtype=np.uint32)
        self._slots = self._row_shingles = None
        self._by_hash = {}
        return stats

    # -- second pass ------------------------------------------------------------------------

    def apply(self, record: dict[str, Any]) -> Union[dict[str, Any], Exclusion]:
        i = self._applied
        self._applied += 1
        rid = str(record.get("id", i))
        if i >= len(self._ids) or self._ids[i] != rid:
            raise ValueError(
                f"dedup: record {rid!r} at position {i} was not observed there; apply() must see the "
                f"records observe() saw, in the same order"
            )
        reason = int(self._reason[i]) if i < len(self._reason) else _KEEP
        if reason == _KEEP:
            return record
        detail: dict[str, Any] = {"kept": self._ids[int(self._kept[i])]}
        if reason == _NEAR:
            detail["similarity"] = round(float(self._sim[i]), 3)
            detail["containment"] = round(float(self._cont[i]), 3)
        if self._spun_pair[i]:
            detail["spun_pair"] = True
        return Exclusion(_REASONS[reason], detail)
