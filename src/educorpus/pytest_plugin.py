"""pytest plugin: every golden case becomes its own test item, whose failure message is the diff.

Installed with educorpus through the ``pytest11`` entry point, so nothing needs enabling::

    pytest --educorpus-cases tests/golden          # a folder of NAME.raw.txt + NAME.expected.txt
    pytest --educorpus-cases cases.jsonl           # or a JSONL file of cases

or in the project's pytest configuration (paths relative to the configuration file)::

    [tool.pytest.ini_options]
    educorpus_cases = ["tests/golden"]

A folder named with ``--educorpus-cases`` is always collected, even when it lies outside the
paths pytest was asked to run; folders from ``educorpus_cases`` are collected when pytest walks
them, like any other tests (``pytest tests/test_api.py`` does not run them, ``pytest`` does).
Without the installed entry point (e.g. with ``PYTHONPATH=src``) load it with
``-p educorpus.pytest_plugin``.

Item ids are ``<folder>/NAME.raw.txt::NAME`` (or ``cases.jsonl::NAME``), so ``-k NAME`` selects
a case. A failing item reports the unified diff, the differing spans, and the steps and rules
whose edits produced each span (see :mod:`educorpus.check`).

Not handled here: writing expectations (run ``educorpus check DIR --update`` after review).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Union

import pytest

from .check import RAW_SUFFIX, Case, CaseError, CaseResult, load_cases, run_case

_ROOTS = pytest.StashKey[list]()
_LOADED = pytest.StashKey[dict]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("educorpus", "educorpus golden cases")
    group.addoption(
        "--educorpus-cases",
        action="append",
        default=[],
        metavar="PATH",
        help="run the educorpus golden cases in PATH (a folder of NAME.raw.txt/NAME.expected.txt, "
        "or a .jsonl file) as test items; may be repeated",
    )
    parser.addini(
        "educorpus_cases",
        type="paths",
        default=[],
        help="folders or .jsonl files of educorpus golden cases, collected when pytest walks them",
    )


def pytest_configure(config: pytest.Config) -> None:
    explicit = [Path(p).resolve() for p in config.getoption("educorpus_cases") or []]
    for p in explicit:
        if not p.exists():
            raise pytest.UsageError(f"--educorpus-cases {p}: no such folder or JSONL file of cases")
    from_ini = [Path(p).resolve() for p in config.getini("educorpus_cases") or []]
    config.stash[_ROOTS] = explicit + [p for p in from_ini if p not in explicit]
    config.stash[_LOADED] = {}
    # an explicitly named folder is collected even when it is outside the paths pytest walks
    walked = [Path(a.split("::", 1)[0]).resolve() for a in config.args]
    for p in explicit:
        if not any(p == w or w in p.parents for w in walked):
            config.args.append(str(p))
            walked.append(p)


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselect: a folder that yields no case at all is an error
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    explicit = [Path(p).resolve() for p in config.getoption("educorpus_cases") or []]
    found = {item.parent.root for item in items if isinstance(item, CaseItem)}
    for root in explicit:
        if root not in found and root not in config.stash[_LOADED]:
            try:
                load_cases(root)
            except CaseError as exc:
                raise pytest.UsageError(f"--educorpus-cases: {exc}") from None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Union["CaseFile", None]:
    roots = parent.config.stash.get(_ROOTS, [])
    if not roots:
        return None
    resolved = file_path.resolve()
    for root in roots:
        if resolved == root and root.is_file():
            return CaseFile.from_parent(parent, path=file_path, root=root)
        if file_path.name.endswith(RAW_SUFFIX) and root.is_dir() and root in resolved.parents:
            return CaseFile.from_parent(parent, path=file_path, root=root)
    return None


def _cases(config: pytest.Config, root: Path) -> Union[list[Case], CaseError]:
    loaded = config.stash[_LOADED]
    if root not in loaded:
        try:
            loaded[root] = load_cases(root)  # once per folder: it checks the folder as a whole
        except CaseError as exc:
            loaded[root] = exc
    return loaded[root]


class CaseFile(pytest.File):
    """A raw page of a case folder (one item), or a JSONL file of cases (one item per line)."""

    def __init__(self, *, root: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.root = root

    def collect(self) -> Iterator["CaseItem"]:
        cases = _cases(self.config, self.root)
        if isinstance(cases, CaseError):
            raise cases
        here = self.path.resolve()
        for case in cases:
            if case.path is not None and case.path.resolve() == here:
                yield CaseItem.from_parent(self, name=case.name.rsplit("/", 1)[-1], case=case)

    def repr_failure(self, excinfo):  # a broken case file: name it, no traceback
        if isinstance(excinfo.value, CaseError):
            return f"educorpus golden cases: {excinfo.value}"
        return super().repr_failure(excinfo)


class CaseFailed(Exception):
    def __init__(self, result: CaseResult) -> None:
        super().__init__(result.case.name)
        self.result = result


class CaseItem(pytest.Item):
    """One golden case: cleaned with its options, compared with its expected text and metadata."""

    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        result = run_case(self.case)
        if not result.passed:
            raise CaseFailed(result)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFailed):
            return excinfo.value.result.report(explain=True)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"educorpus case {self.case.name}"
