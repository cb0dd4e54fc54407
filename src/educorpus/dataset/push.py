"""``educorpus push DIR/NAME/X.Y.Z --repo ORG/NAME``: upload a version to the Hub and tag it ``vX.Y.Z``.

Before anything is sent, the folder is checked against its manifest (every data file present
with the recorded SHA-256), and the tag must not exist yet on the Hub: a published version is
never replaced. The upload replaces the repository's ``data/`` and ``exclusions/`` files, so the
shards of an older version never mix with the new ones; the previous versions stay reachable by
their tags. After the upload the version's ``manifest.json`` records where it was published,
which makes it *published* for ``build --force``.

Not handled here: authentication (``huggingface_hub`` reads ``HF_TOKEN`` or the cached login)
and the upload itself is not exercised in CI, which has no network: tests stop at the
``HfApi`` boundary with a fake.
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path
from typing import Any, Optional, Union

from .errors import DatasetError
from .versions import parse_version, read_manifest
from .writer import sha256_file


def verify_folder(folder: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists is present with its SHA-256, and no other data file is."""
    listed = {f["path"]: f for f in manifest.get("files") or []}
    for rel, f in listed.items():
        p = folder / rel
        if not p.is_file():
            raise DatasetError(f"{folder}: {rel} is listed in manifest.json but missing")
        if sha256_file(p) != f["sha256"]:
            raise DatasetError(f"{folder}: {rel} was modified after the build (SHA-256 differs from manifest.json)")
    for sub in ("data", "exclusions"):
        for p in sorted((folder / sub).glob("*")):
            rel = p.relative_to(folder).as_posix()
            if rel not in listed:
                raise DatasetError(f"{folder}: {rel} is not listed in manifest.json; remove it or rebuild")
    if not (folder / "README.md").is_file():
        raise DatasetError(f"{folder}: README.md (the dataset card) is missing")


def push_version(
    folder: Union[str, os.PathLike],
    repo: str,
    *,
    api: Any = None,
    private: bool = False,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Upload ``folder`` to the dataset repository ``repo`` and tag the commit ``vX.Y.Z``.

    ``api`` is a ``huggingface_hub.HfApi`` (made here when not given). Returns what was done:
    ``{"repo", "version", "tag", "commit", "url", "files", "dry_run"}``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(f"{folder}: no such version folder")
    if not repo or repo.count("/") != 1 or any(not part for part in repo.split("/")):
        raise DatasetError(f"--repo {repo!r}: give the dataset repository as ORG/NAME")
    manifest = read_manifest(folder)
    version = manifest.get("version") or ""
    parse_version(version)
    if folder.name != version:
        raise DatasetError(f"{folder}: the folder name does not match the manifest's version {version}")
    verify_folder(folder, manifest)
    tag = f"v{version}"
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    result = {"repo": repo, "version": version, "tag": tag, "commit": None, "url": None, "files": files, "dry_run": dry_run}
    if dry_run:
        return result
    if api is None:
        from huggingface_hub import HfApi

        api = HfApi()
    api.create_repo(repo, repo_type="dataset", private=private, exist_ok=True)
    refs = api.list_repo_refs(repo, repo_type="dataset")
    if any(t.name == tag for t in getattr(refs, "tags", []) or []):
        raise DatasetError(f"{repo} already has the tag {tag}: version {version} was published before; build and push a new version")
    info = api.upload_folder(
        repo_id=repo,
        repo_type="dataset",
        folder_path=str(folder),
        commit_message=f"{manifest.get('name')} {version} (educorpus)",
        allow_patterns=files,
        # shards of an earlier version must not stay next to these: the configs glob data/train-*
        delete_patterns=["data/*", "exclusions/*"],
    )
    commit = getattr(info, "oid", None)
    url = getattr(info, "commit_url", None)
    entry = {
        "repo": repo,
        "commit": commit,
        "tag": None,
        "at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    # record the upload before tagging: the commit is public from here on, tag or not
    _record(folder, manifest, entry)
    api.create_tag(repo, tag=tag, revision=commit, repo_type="dataset", tag_message=f"{manifest.get('name')} {version}")
    entry["tag"] = tag
    _record(folder, manifest, entry)
    result.update(commit=commit, url=url)
    return result


def _record(folder: Path, manifest: dict[str, Any], entry: dict[str, Any]) -> None:
    from .build import _write_json

    published = [p for p in manifest.get("published") or [] if p is not entry]
    manifest["published"] = published + [entry]
    _write_json(folder / "manifest.json", manifest)
