"""Publish the app as a Hugging Face Space: stage exactly the files it needs, then upload them.

    python -m webapp.publish --dry-run                      # stage to a temporary folder, list files and sizes
    python -m webapp.publish --dry-run --stage space/       # ... and keep the staged folder
    python -m webapp.publish --repo-id USER/SPACE-NAME      # create the Space if new, upload (needs HF_TOKEN
                                                            # or `hf auth login`)

The upload goes through ``huggingface_hub`` (``create_repo`` + ``upload_folder``),
not ``git push``: files over the Hub's 10 MB limit for plain files (the model
weights) go to its large-file storage by themselves, and no git history with
old weights travels along. The Space's ``requirements.txt`` is
``requirements-space.txt``: the CPU build of torch and nothing only training needs. Its
``README.md`` is not this repository's: it is a short page for visitors built by
``webapp.space_readme`` from README.md's front matter and the checkpoints' ``report.json`` files.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from sentiment.errors import UserError
from sentiment.paths import CHECKPOINTS_DIR, REPO_ROOT, STUDY_DIR

from .space_readme import read_checkpoint_reports, space_readme

# Everything the app imports or reads; nothing else (no tests, benchmarks, training runs or data).
PACKAGES = ("sentiment", "explain", "webapp")
TOP_FILES = ("app.py", "README.md")  # README.md: where the Space's front matter is read (SPACE_README)
# Written, not copied: the Space's page for visitors, configured by README.md's front matter.
SPACE_README = "README.md"
SPACE_REQUIREMENTS = REPO_ROOT / "requirements-space.txt"
# The Hub refuses plain files over 10 MB; upload_folder sends bigger ones to its large-file storage.
HUB_PLAIN_FILE_LIMIT = 10 * 1024 * 1024
SKIPPED_PARTS = {"__pycache__", "trainer", ".ipynb_checkpoints"}


class PublishError(RuntimeError):
    """A problem publishing, with a message for the person running the command."""


def space_files(repo: Path = REPO_ROOT) -> dict[str, Path]:
    """``{path in the Space: file here}`` for every file the Space needs."""
    files = {name: repo / name for name in TOP_FILES}
    files["requirements.txt"] = repo / SPACE_REQUIREMENTS.name
    for package in PACKAGES:
        files.update({str(p.relative_to(repo)): p for p in (repo / package).rglob("*.py")
                      if not SKIPPED_PARTS & set(p.relative_to(repo).parts)})
    for folder in (repo / CHECKPOINTS_DIR.name, repo / STUDY_DIR.name):
        files.update({str(p.relative_to(repo)): p for p in folder.rglob("*")
                      if p.is_file() and not SKIPPED_PARTS & set(p.relative_to(repo).parts)})
    missing = [name for name, path in files.items() if not path.is_file()]
    if missing:
        raise PublishError(f"missing from the repository: {', '.join(sorted(missing))}")
    return dict(sorted(files.items()))


def staged_readme(repo: Path = REPO_ROOT) -> str:
    """The Space's README.md (``webapp.space_readme``): README.md's front matter, then the visitors' page
    with the figures of every checkpoint under ``repo``'s ``checkpoints/``."""
    try:
        return space_readme((repo / SPACE_README).read_text(encoding="utf-8"),
                            read_checkpoint_reports(repo / CHECKPOINTS_DIR.name))
    except UserError as error:  # no front matter, or a report.json that cannot be read (DataErrors)
        raise PublishError(f"cannot write the Space's README.md: {error}") from None


def stage(destination: str | Path, repo: Path = REPO_ROOT) -> list[tuple[str, int]]:
    """Copy the Space's files into ``destination`` (new or empty), README.md written for the Space
    (``staged_readme``); returns ``(path, bytes)`` for each."""
    destination = Path(destination)
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise PublishError(f"{destination} exists and is not an empty folder; stage into a new one")
    files = space_files(repo)
    readme = staged_readme(repo)  # before copying anything: a README that cannot be written stages nothing
    listing = []
    for name, source in files.items():
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name == SPACE_README:
            target.write_text(readme, encoding="utf-8")
        else:
            shutil.copy2(source, target)
        listing.append((name, target.stat().st_size))
    return listing


def file_list(listing: list[tuple[str, int]]) -> str:
    """The staged files with their sizes, the ones bound for large-file storage marked."""
    lines = []
    for name, size in listing:
        mark = "  (large-file storage)" if size > HUB_PLAIN_FILE_LIMIT else ""
        lines.append(f"{size / 1e6:9.2f} MB  {name}{mark}")
    total = sum(size for _, size in listing)
    lines.append(f"{total / 1e6:9.2f} MB  in {len(listing)} files")
    return "\n".join(lines)


def upload(folder: str | Path, repo_id: str, *, private: bool = False, token: str | None = None,
           api=None) -> str:
    """Create the Space ``repo_id`` if needed and upload ``folder`` as one commit; returns the Space's URL.

    ``api`` is an ``huggingface_hub.HfApi`` (made from ``token`` when not given).
    """
    if api is None:
        from huggingface_hub import HfApi

        api = HfApi(token=token)
    api.create_repo(repo_id, repo_type="space", space_sdk="gradio", private=private, exist_ok=True)
    api.upload_folder(folder_path=str(folder), repo_id=repo_id, repo_type="space",
                      commit_message="Publish the app from the repository")
    return f"https://huggingface.co/spaces/{repo_id}"


def main(argv: list[str] | None = None) -> int:
    """``python -m webapp.publish``: stage, list, and upload unless ``--dry-run``; the exit status: 0, or 2
    with ``error: ...`` on stderr for a problem the person running it can fix."""
    parser = argparse.ArgumentParser(prog="python -m webapp.publish", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo-id", help="the Space to create or update, as USER/NAME (not needed with --dry-run)")
    parser.add_argument("--dry-run", action="store_true", help="stage and list the files; no network")
    parser.add_argument("--stage", help="folder to stage into (new or empty; default: a temporary folder)")
    parser.add_argument("--private", action="store_true", help="create the Space as private")
    args = parser.parse_args(argv)
    if not args.dry_run and not args.repo_id:
        parser.error("give --repo-id USER/NAME to publish, or --dry-run to only stage and list")
    if args.repo_id and args.repo_id.count("/") != 1:
        parser.error(f"--repo-id must look like USER/NAME, got {args.repo_id!r}")
    folder = Path(args.stage) if args.stage else Path(tempfile.mkdtemp(prefix="space-"))
    try:
        listing = stage(folder)
        print(file_list(listing))
        print(f"staged in {folder}")
        if not args.dry_run:
            print(f"uploaded: {upload(folder, args.repo_id, private=args.private)}")
    except PublishError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # huggingface_hub's errors (no token, no network, no rights) in one line
        if type(error).__module__.split(".")[0] not in ("huggingface_hub", "requests", "httpx"):
            raise
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"error: the upload failed ({reason}); the staged files are in {folder}", file=sys.stderr)
        return 2
    finally:
        if args.dry_run and not args.stage:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
