"""Errors of the dataset build; each message names the folder, version or input concerned."""

from __future__ import annotations


class DatasetError(Exception):
    """A dataset build, diff or push cannot go on; the message says what to do about it."""


class VersionExistsError(DatasetError):
    """The version folder already exists (versions are never overwritten)."""


class BuildLockedError(DatasetError):
    """Another build of the same version holds the lock."""


class MissingExtraError(DatasetError, ImportError):
    """An optional dependency is needed for these inputs (e.g. ``educorpus[html]``)."""
