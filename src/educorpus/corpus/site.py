"""Corpus step ``site-boilerplate``: lines that repeat across many pages of one site are removed.

A site's page template leaves lines that no rule can know in advance (``XX区教育局主办 技术支持：
XX网络``, a school's address block). Seen on one page they look like text; seen on most pages of
the same site they are boilerplate. The first pass counts, for every site (``record["site"]``,
else the URL host, else ``source``), on how many pages each distinct line appears (lines are
compared in their normalized form: punctuation, spacing and script folded); the second
pass removes from each page the lines learned for its site and records each removal in the
record's edit summary under the step name, with the evidence as the rule:
``{"site-boilerplate": {"site-repeated: 37/40 pages": 1}}``.

A line is learned when it appears on at least ``site_min_pages`` pages and on at least
``site_min_fraction`` of the site's pages. Copies of one article on the same site (a repost in
two channels) would otherwise make every line of that article "repeated": so pages are counted by
their *context*, the two longest other lines of the page, and a line needs ``site_min_pages``
distinct contexts. Copies share their longest paragraphs and count once; different pages of a
template have different bodies and count separately. A body line that a few articles happen to share
stays, because it falls short of both thresholds.

State between the passes: per line occurrence three integers (20 bytes), never the text. Past
``SPILL_ENTRIES`` occurrences they go to a temporary file (in the system's temporary folder,
``TMPDIR``), and ``finalize`` counts them one part of the line keys at a time, so memory stays
bounded however large the corpus: each line key's counts need only its own occurrences.

Not handled: boilerplate inside a line (a footer glued to the last paragraph), lines that vary
per page (``浏览次数：123``, a date), and sites with fewer than ``site_min_pages`` pages (nothing
is learned for them: the evidence is too thin). Headings that most pages of a site share
(``一、指导思想``) are removed if they pass both thresholds.
"""

from __future__ import annotations

import shutil
import tempfile
from array import array
from pathlib import Path
from typing import Any, Optional, Union
from urllib.parse import urlsplit

import numpy as np

from . import CorpusStep, Exclusion
from ._norm import line_hash, normal_form
from .options import CorpusOptions


def site_of(record: dict[str, Any]) -> Optional[str]:
    """The site a record belongs to: ``site``, else the URL host, else ``source``; ``None`` if unknown.

    >>> site_of({"url": "https://www.Example.edu.cn/a/1.html"}), site_of({"source": "乳山市教育局"})
    ('www.example.edu.cn', '乳山市教育局')
    """
    site = record.get("site")
    if site:
        return str(site)
    url = record.get("url")
    if url:
        try:
            host = urlsplit(str(url)).hostname
        except ValueError:
            host = None
        if host:
            return host
    source = record.get("source")
    return str(source) if source else None


def line_key(line: str) -> str:
    """The form in which lines are compared: :func:`~educorpus.corpus._norm.normal_form`, so a
    template line retyped with other punctuation or spacing, or in the other script, is the same.

    >>> line_key(" 主辦單位：某市教育局 ") == line_key("主办单位:某市教育局")
    True
    """
    return normal_form(line)


def page_lines(text: str) -> list[str]:
    """The distinct comparison forms of the lines of ``text`` (lines of only punctuation or
    spacing have none), in order of first appearance.

    >>> page_lines(" 正文第一段\\n\\n版权所有\\n版权所有。\\n---")
    ['正文第一段', '版权所有']
    """
    seen: dict[str, None] = {}
    for line in text.split("\n"):
        key = line_key(line)
        if key:
            seen.setdefault(key, None)
    return list(seen)


def _contexts(lines: list[str]) -> list[int]:
    """For each line, a hash of the two longest *other* lines of the page (0 if there are none).

    Two lines, not one: a site whose longest line is a long disclaimer on every page still has
    pages that differ in their second longest line, the body's longest paragraph.
    """
    if len(lines) < 2:
        return [0] * len(lines)
    # ties broken by the text itself, so the choice never depends on line order
    top = sorted(lines, key=lambda s: (-len(s), s))[:3]
    default = line_hash(*top[:2])
    by_line = {line: line_hash(*[t for t in top if t != line][:2]) for line in top[:2]}
    return [by_line.get(line, default) for line in lines]


# one line occurrence: the line key (site and line), the page's context hash, the site's number
_ENTRY = np.dtype([("key", "<u8"), ("ctx", "<u8"), ("site", "<u4")])
# occurrences held in memory (20 bytes each); beyond, they are spilled and counted in parts of
# about this many (finalize's sort needs about three times their size)
SPILL_ENTRIES = 1 << 18


def _count_lines(entries: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For each distinct line key among ``entries``: the key, its site, on how many pages it
    occurs and in how many distinct contexts."""
    order = np.lexsort((entries["ctx"], entries["key"]))
    k, c = entries["key"][order], entries["ctx"][order]
    new_key = np.ones(len(k), dtype=bool)
    new_key[1:] = k[1:] != k[:-1]
    new_pair = new_key.copy()
    new_pair[1:] |= c[1:] != c[:-1]
    starts = np.flatnonzero(new_key)
    pages = np.diff(np.append(starts, len(k)))
    contexts = np.add.reduceat(new_pair.astype(np.int64), starts)
    return k[starts], entries["site"][order[starts]], pages, contexts


class SiteBoilerplate(CorpusStep):
    """Learns per-site repeated lines in ``observe`` and removes them in ``apply``."""

    name = "site-boilerplate"
    description = "remove lines repeated across many pages of the same site (learned, with the evidence)"

    def __init__(self, options: CorpusOptions | None = None):
        self.options = options or CorpusOptions()
        self._site_ids: dict[str, int] = {}
        self._site_pages: list[int] = []
        self._keys = array("Q")
        self._ctx = array("Q")
        self._site = array("I")
        self._spill_dir: Optional[Path] = None
        self._spilled = 0
        # line key -> (pages with the line, pages of the site), filled by finalize
        self.learned: dict[int, tuple[int, int]] = {}
        self._learned_sites: set[str] = set()

    def observe(self, record: dict[str, Any]) -> None:
        site = site_of(record)
        if site is None:
            return
        sid = self._site_ids.setdefault(site, len(self._site_ids))
        if sid == len(self._site_pages):
            self._site_pages.append(0)
        self._site_pages[sid] += 1
        lines = page_lines(record.get("text") or "")
        for line, ctx in zip(lines, _contexts(lines)):
            self._keys.append(line_hash(site, line))
            self._ctx.append(ctx)
            self._site.append(sid)
        if len(self._keys) >= SPILL_ENTRIES:
            self._spill()

    def _buffered(self) -> np.ndarray:
        entries = np.empty(len(self._keys), dtype=_ENTRY)
        if len(entries):
            entries["key"] = np.frombuffer(self._keys, dtype=np.uint64)
            entries["ctx"] = np.frombuffer(self._ctx, dtype=np.uint64)
            entries["site"] = np.frombuffer(self._site, dtype=np.uint32)
        self._keys, self._ctx, self._site = array("Q"), array("Q"), array("I")
        return entries

    def _spill(self) -> None:
        if self._spill_dir is None:
            self._spill_dir = Path(tempfile.mkdtemp(prefix="educorpus-site-"))
        entries = self._buffered()
        with open(self._spill_dir / "lines", "ab") as fh:
            entries.tofile(fh)
        self._spilled += len(entries)

    def _parts(self):
        """The occurrences, in parts that each hold every occurrence of their line keys."""
        if self._spill_dir is None:
            yield self._buffered()
            return
        self._spill()
        parts = -(-self._spilled // SPILL_ENTRIES)
        names = [self._spill_dir / f"part-{p:04d}" for p in range(parts)]
        handles = [open(name, "wb") for name in names]
        try:
            with open(self._spill_dir / "lines", "rb") as fh:
                while True:
                    chunk = np.fromfile(fh, dtype=_ENTRY, count=SPILL_ENTRIES)
                    if not len(chunk):
                        break
                    # line keys are hashes: their residues spread evenly over the parts
                    part = (chunk["key"] % np.uint64(parts)).astype(np.int64)
                    order = np.argsort(part, kind="stable")
                    bounds = np.searchsorted(part[order], np.arange(parts + 1))
                    for p in range(parts):
                        chunk[order[bounds[p] : bounds[p + 1]]].tofile(handles[p])
        finally:
            for h in handles:
                h.close()
        (self._spill_dir / "lines").unlink()
        for name in names:
            yield np.fromfile(name, dtype=_ENTRY)  # not bound here: one part in memory at a time

    def finalize(self) -> dict[str, Any]:
        o = self.options
        site_pages = np.asarray(self._site_pages, dtype=np.int64)
        learned_per_site: dict[int, int] = {}
        try:
            for entries in self._parts():
                if not len(entries):
                    continue
                keys, site_of_key, pages, contexts = _count_lines(entries)
                del entries
                total = site_pages[site_of_key]
                keep = (
                    (pages >= o.site_min_pages)
                    & (contexts >= o.site_min_pages)
                    & (pages >= o.site_min_fraction * total)
                )
                for i in np.flatnonzero(keep):
                    self.learned[int(keys[i])] = (int(pages[i]), int(total[i]))
                    sid = int(site_of_key[i])
                    learned_per_site[sid] = learned_per_site.get(sid, 0) + 1
        finally:
            if self._spill_dir is not None:
                shutil.rmtree(self._spill_dir, ignore_errors=True)
                self._spill_dir, self._spilled = None, 0
        names = {sid: site for site, sid in self._site_ids.items()}
        stats = {
            "sites": len(self._site_ids),
            "sites_with_learned_lines": len(learned_per_site),
            "lines_learned": len(self.learned),
            "learned_lines_per_site": {
                names[sid]: {"pages": int(site_pages[sid]), "lines": n}
                for sid, n in sorted(learned_per_site.items(), key=lambda kv: names[kv[0]])
            },
            "thresholds": {"site_min_pages": o.site_min_pages, "site_min_fraction": o.site_min_fraction},
        }
        self._learned_sites = set(names[sid] for sid in learned_per_site)
        return stats

    def apply(self, record: dict[str, Any]) -> Union[dict[str, Any], Exclusion]:
        site = site_of(record)
        if site is None or site not in self._learned_sites:
            return record
        text = record.get("text") or ""
        kept: list[str] = []
        removed: dict[str, int] = {}
        for line in text.split("\n"):
            key = line_key(line)
            found = self.learned.get(line_hash(site, key)) if key else None
            if found is None:
                kept.append(line)
            else:
                rule = f"site-repeated: {found[0]}/{found[1]} pages"
                removed[rule] = removed.get(rule, 0) + 1
        if not removed:
            return record
        out = dict(record)
        out["text"] = "\n".join(kept)
        out["n_chars"] = len(out["text"])
        edits = {step: dict(rules) for step, rules in (record.get("edits") or {}).items()}
        mine = edits.setdefault(self.name, {})
        for rule, n in removed.items():
            mine[rule] = mine.get(rule, 0) + n
        out["edits"] = edits
        return out
