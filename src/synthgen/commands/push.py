"""``synthgen push OUT --repo user/name``: publish a dataset to the Hugging Face Hub in one commit.

What goes up: the data file (at the repository's root, under its own name, which the card's
``configs:`` block names: the ``default`` config, what ``load_dataset`` reads), its card as
``README.md``, and the files beside it that a reader may want (:func:`published_beside`), under
their own names beside it and outside ``configs:`` (the card lists them): ``OUT.meta.jsonl``
(each row's provenance; endpoint URLs without a query string), ``OUT.logprobs.parquet`` (soft
targets) and the run report without local paths or secrets (``OUT.report.json``). Side rows
(rejects, unsolved rows), batch state and locks stay home. All in one ``create_commit``: the Hub
applies a commit whole or not at all, so a failed upload leaves the repository as it was. A repository this push created is
deleted again when its first commit fails. Everything a push needs is checked first, before any
request: the file, its card, the repository id and a token.

The token is ``HF_TOKEN`` or the one ``hf auth login`` saved (``huggingface_hub.get_token``); it
goes in the Authorization header only, never in a message. ``HF_ENDPOINT`` points the client at
another Hub (the tests' local stand-in).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthgen.config import PushSettings
from synthgen.errors import HubError, InputError, UsageError
from synthgen.io.beside import card_path, lock_path, meta_path, published_beside, report_path
from synthgen.io.lock import OutputLock

__all__ = ["PushReport", "run_push"]

_DEFAULT_ENDPOINT = "https://huggingface.co"


@dataclass
class PushReport:
    """What was pushed where, for the line the CLI prints."""

    repo: str
    url: str
    commit: str
    files: list[str]
    created: bool

    def summary(self) -> str:
        made = "created and " if self.created else ""
        return f"pushed {', '.join(self.files)}: {made}committed {self.commit[:10]} to {self.url}"


@dataclass(frozen=True)
class _Upload:
    path_in_repo: str
    content: Path | bytes


def run_push(settings: PushSettings) -> PushReport:
    """Push ``settings.input`` with its card and report; UsageError/InputError (exit 2) before any
    request, HubError (exit 1) when the Hub refuses or the connection fails.

    The output's lock is held throughout: a run still writing the file refuses the push (exit 2),
    and no run starts writing it while its bytes go up."""
    lock = OutputLock(lock_path(settings.input))
    lock.acquire()
    try:
        return _push(settings)
    finally:
        lock.release()


def _push(settings: PushSettings) -> PushReport:
    uploads = _uploads(settings.input)
    api, token = _client()
    endpoint = os.environ.get("HF_ENDPOINT") or _DEFAULT_ENDPOINT
    with _hub_errors(endpoint):
        api.whoami(token=token)  # a refused token stops here, before anything changes
        created = not api.repo_exists(settings.repo, repo_type="dataset", token=token)
        if created:
            api.create_repo(settings.repo, repo_type="dataset", private=settings.private, token=token)
        branch = _new_branch(api, token, settings) if settings.revision else None
        try:
            commit = _commit(api, token, settings, uploads)
        except BaseException:
            # leave the Hub as it was: no empty repository or branch behind a failed push
            _undo(api, token, settings.repo, created, branch)
            raise
    url = f"{endpoint.rstrip('/')}/datasets/{settings.repo}"
    return PushReport(settings.repo, url, commit, [u.path_in_repo for u in uploads], created)


def _uploads(data: Path) -> list[_Upload]:
    """The files of one push; InputError (exit 2) for a missing file or card."""
    if not data.is_file():
        raise InputError(f"{data}: no such dataset file (push takes the data file a run wrote)")
    card = _card_of(data)
    if card is None:
        raise InputError(
            f"{data}: no dataset card beside it ({card_path(data).name} or README.md): write one with "
            f"`synthgen card {data}`, then push"
        )
    uploads = [_Upload(data.name, data), _Upload("README.md", card)]
    for path in published_beside(data):
        if path == report_path(data):
            uploads.append(_Upload(path.name, _public_report(path)))
        elif path == meta_path(data):
            uploads.append(_Upload(path.name, _public_meta(path)))
        else:  # the soft targets: token ids and numbers
            uploads.append(_Upload(path.name, path))
    return uploads


def _card_of(data: Path) -> Path | None:
    beside = card_path(data)
    if beside.is_file():
        return beside
    readme = data.parent / "README.md"
    try:
        ours = readme.is_file() and f"file `{data.name}`" in readme.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        ours = False
    return readme if ours else None


def _public_report(report: Path) -> bytes:
    """The run report as published: no secrets, no local paths (as the card shows its config)."""
    from synthgen.io.card import public_config

    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{report}: unreadable run report: {exc}") from exc
    return (json.dumps(public_config(data), indent=2, ensure_ascii=False) + "\n").encode()


def _public_meta(meta: Path) -> Path | bytes:
    """The meta file as published: each line's ``endpoint`` as the card shows URLs (no
    user:password@, no query string). Uploaded as is when that changes nothing (the usual case)."""
    from synthgen.io.card import public_url
    from synthgen.io.files import dumps_line

    try:
        # split("\n"), not splitlines(): a JSON line may hold U+2028, U+0085, ... unescaped
        text = meta.read_text(encoding="utf-8")
        lines = [json.loads(line) for line in text.split("\n") if line.strip()]
    except (OSError, ValueError) as exc:
        raise InputError(f"{meta}: unreadable meta file: {exc}") from exc
    changed = False
    for line in lines:
        endpoint = line.get("endpoint") if isinstance(line, dict) else None
        if isinstance(endpoint, str) and public_url(endpoint) != endpoint:
            line["endpoint"], changed = public_url(endpoint), True
    return "".join(dumps_line(line) for line in lines).encode() if changed else meta


def _client() -> tuple[Any, str]:
    """The Hub client and the token; UsageError when either is missing."""
    try:
        from huggingface_hub import HfApi, get_token
    except ImportError as exc:
        raise UsageError("synthgen push needs huggingface_hub: pip install 'synthgen[hub]'") from exc
    from huggingface_hub.utils import disable_progress_bars

    disable_progress_bars()  # the command prints its one line; upload bars would bury it
    token = get_token()
    if not token:
        raise UsageError("no Hugging Face token: set HF_TOKEN, or log in with `hf auth login`")
    # The endpoint is read now, not when huggingface_hub was imported, so HF_ENDPOINT always counts.
    return HfApi(endpoint=os.environ.get("HF_ENDPOINT") or None, token=token), token


def _new_branch(api: Any, token: str, settings: PushSettings) -> str | None:
    """Create ``--revision`` (from main); its name when this push made it, None when it existed."""
    from huggingface_hub.errors import HfHubHTTPError

    try:
        api.create_branch(settings.repo, branch=settings.revision, repo_type="dataset", token=token)
    except HfHubHTTPError as exc:
        if getattr(exc.response, "status_code", None) == 409:  # it exists already
            return None
        raise
    return settings.revision


def _commit(api: Any, token: str, settings: PushSettings, uploads: list[_Upload]) -> str:
    from huggingface_hub import CommitOperationAdd

    operations = [CommitOperationAdd(path_in_repo=u.path_in_repo, path_or_fileobj=u.content) for u in uploads]
    info = api.create_commit(
        settings.repo,
        operations=operations,
        commit_message=f"Upload {settings.input.name} with synthgen",
        repo_type="dataset",
        revision=settings.revision,
        token=token,
    )
    return str(info.oid)


def _undo(api: Any, token: str, repo: str, created: bool, branch: str | None) -> None:
    """Remove what this push made (its repository, else its branch). The push's own error is
    the one to report, so an error here is swallowed."""
    try:
        if created:
            api.delete_repo(repo, repo_type="dataset", token=token)
        elif branch is not None:
            api.delete_branch(repo, branch=branch, repo_type="dataset", token=token)
    except Exception:
        return


class _hub_errors:
    """Translate what huggingface_hub and the network raise into one HubError line (exit 1)."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> bool:
        if exc is None or isinstance(exc, (UsageError, InputError, HubError, KeyboardInterrupt)):
            return False
        raise HubError(_message(exc, self.endpoint)) from exc


def _message(exc: BaseException, endpoint: str) -> str:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    if status == 401:
        return f"the Hub at {endpoint} refused the token (HTTP 401): check HF_TOKEN or log in again with `hf auth login`"
    if status == 403:
        return f"the Hub at {endpoint} refused the push (HTTP 403): the token cannot write to this repository"
    if status is not None:
        return f"the Hub at {endpoint} answered HTTP {status}: nothing was committed"
    reason = type(exc).__name__
    return f"the upload to {endpoint} failed ({reason}: the connection was lost); nothing was committed"
