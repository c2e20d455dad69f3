"""A local stand-in for the part of the Hugging Face Hub's HTTP API that ``synthgen push`` uses,
for tests (the client is pointed at it with ``HF_ENDPOINT``).

Endpoints, as ``huggingface_hub`` calls them: ``GET /api/whoami-v2``; ``POST /api/validate-yaml``
(a README.md's header, checked before a commit); ``GET /api/agent-harnesses`` (its agent detection,
answered with an empty list); ``GET
/api/datasets/{repo}[/revision/{rev}]`` (repo info, 404 with ``X-Error-Code: RepoNotFound``);
``POST /api/repos/create``; ``DELETE /api/repos/delete``; ``POST
/api/datasets/{repo}/branch/{branch}``; ``POST /api/datasets/{repo}/preupload/{rev}`` (every
file "regular", so its bytes travel in the commit); ``POST /api/datasets/{repo}/commit/{rev}``
(NDJSON: a header line, then one line per file). A commit is recorded only once its whole body
has arrived, as on the Hub.

Faults: a token other than ``token`` gets 401 everywhere; ``drop_commit`` closes the connection
half-way through reading a commit's body (a connection dropped mid-upload).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

_REPO = r"(?P<repo>[^/]+/[^/]+)"
_ROUTES = [
    ("GET", re.compile(r"^/api/whoami-v2$"), "whoami"),
    ("POST", re.compile(r"^/api/validate-yaml$"), "validate"),
    ("GET", re.compile(rf"^/api/datasets/{_REPO}(?:/revision/(?P<rev>[^/?]+))?$"), "info"),
    ("POST", re.compile(r"^/api/repos/create$"), "create"),
    ("DELETE", re.compile(r"^/api/repos/delete$"), "delete"),
    ("POST", re.compile(rf"^/api/datasets/{_REPO}/branch/(?P<rev>[^/?]+)$"), "branch"),
    ("DELETE", re.compile(rf"^/api/datasets/{_REPO}/branch/(?P<rev>[^/?]+)$"), "unbranch"),
    ("POST", re.compile(rf"^/api/datasets/{_REPO}/preupload/(?P<rev>[^/?]+)$"), "preupload"),
    ("POST", re.compile(rf"^/api/datasets/{_REPO}/commit/(?P<rev>[^/?]+)$"), "commit"),
]


@dataclass
class Repo:
    private: bool
    branches: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {"main": []})

    def files(self, branch: str = "main") -> dict[str, bytes]:
        """The files at the tip of ``branch``."""
        tree: dict[str, bytes] = {}
        for commit in self.branches.get(branch, []):
            tree.update(commit["files"])
        return tree


class HubStandIn:
    """Start with ``with HubStandIn() as hub:``; ``hub.url`` is the endpoint."""

    def __init__(self, token: str = "hf_valid_token", user: str = "user") -> None:
        self.token, self.user = token, user
        self.repos: dict[str, Repo] = {}
        self.drop_commit = False
        self.requests: list[tuple[str, str]] = []
        self.validated: list[str] = []  # README.md contents the client had checked
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> HubStandIn:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(hub: HubStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def do_DELETE(self) -> None:
            self._route("DELETE")

        def _route(self, method: str) -> None:
            path = self.path.split("?")[0]
            if path == "/api/agent-harnesses":  # huggingface_hub's agent detection: no harness known
                return self._reply(200, {"standardEnvVars": [], "harnesses": {}})
            hub.requests.append((method, path))
            if self.headers.get("Authorization") != f"Bearer {hub.token}":
                self._drain()
                return self._reply(401, {"error": "Invalid credentials in Authorization header"})
            for verb, pattern, name in _ROUTES:
                found = pattern.match(path)
                if verb == method and found:
                    groups = {k: unquote(v) for k, v in found.groupdict().items() if v is not None}
                    return getattr(self, f"_{name}")(**groups)
            self._drain()
            self._reply(404, {"error": f"no route {method} {path}"})

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _drain(self) -> None:
            if self.command != "GET":
                self._body()

        def _reply(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _missing(self, repo: str) -> None:
            self._reply(404, {"error": f"Repository {repo} not found"}, {"X-Error-Code": "RepoNotFound"})

        def _whoami(self) -> None:
            self._reply(200, {"type": "user", "name": hub.user, "auth": {"accessToken": {"role": "write"}}})

        def _validate(self) -> None:
            request = json.loads(self._body())
            content = request["content"]
            if not content.startswith("---\n"):
                return self._reply(400, {"errors": [{"message": "no YAML metadata"}], "warnings": []})
            hub.validated.append(content)
            self._reply(200, {"errors": [], "warnings": []})

        def _info(self, repo: str, rev: str = "main") -> None:
            if repo not in hub.repos:
                return self._missing(repo)
            files = hub.repos[repo].files(rev)
            siblings = [{"rfilename": name} for name in sorted(files)]
            self._reply(
                200, {"id": repo, "sha": "0" * 40, "private": hub.repos[repo].private, "siblings": siblings}
            )

        def _create(self) -> None:
            request = json.loads(self._body())
            repo = f"{request['organization'] or hub.user}/{request['name']}"
            if repo in hub.repos:
                return self._reply(409, {"error": "You already created this dataset repo", "url": repo})
            hub.repos[repo] = Repo(
                private=request.get("visibility") == "private" or bool(request.get("private"))
            )
            self._reply(200, {"url": f"{hub.url}/datasets/{repo}", "name": repo})

        def _delete(self) -> None:
            request = json.loads(self._body())
            repo = f"{request['organization'] or hub.user}/{request['name']}"
            hub.repos.pop(repo, None)
            self._reply(200, {})

        def _branch(self, repo: str, rev: str) -> None:
            self._drain()
            if repo not in hub.repos:
                return self._missing(repo)
            branches = hub.repos[repo].branches
            if rev in branches:
                return self._reply(409, {"error": f"Reference {rev} already exists"})
            branches[rev] = list(branches["main"])
            self._reply(200, {})

        def _unbranch(self, repo: str, rev: str) -> None:
            hub.repos[repo].branches.pop(rev, None)
            self._reply(200, {})

        def _preupload(self, repo: str, rev: str) -> None:
            files = json.loads(self._body())["files"]
            if repo not in hub.repos:
                return self._missing(repo)
            modes = [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False} for f in files]
            self._reply(200, {"files": modes})

        def _commit(self, repo: str, rev: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if hub.drop_commit:
                self.rfile.read(length // 2)
                self.close_connection = True
                self.connection.shutdown(2)  # gone mid-upload: no reply, nothing recorded
                return
            lines = [json.loads(line) for line in self.rfile.read(length).splitlines() if line.strip()]
            if repo not in hub.repos or rev not in hub.repos[repo].branches:
                return self._missing(repo)
            files = {
                item["value"]["path"]: base64.b64decode(item["value"]["content"])
                for item in lines
                if item["key"] == "file"
            }
            oid = hashlib.sha1(
                json.dumps(sorted(files)).encode() + str(len(hub.requests)).encode()
            ).hexdigest()
            summary = lines[0]["value"]["summary"]
            hub.repos[repo].branches[rev].append({"oid": oid, "summary": summary, "files": files})
            url = f"{hub.url}/datasets/{repo}/commit/{oid}"
            self._reply(200, {"commitUrl": url, "commitOid": oid, "pullRequestUrl": None})

    return Handler
