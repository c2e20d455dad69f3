"""Kill-and-resume drills: a reference run, runs killed with SIGKILL at a known point, a resume.

Every run talks to one of the session's zero-latency mock servers. A run is stopped at a known
point without slowing anything down: the server is told to serve ``answers`` completion
requests and then hold every later one (``--hold-after``); once it holds one, the client has had
every answer it will get, and a real ``kill -9`` of the real process ends it, either at once
(the client may still be screening and writing those answers) or once ``then`` holds (e.g.
some rows are written). The resume and the reference then run unhindered on the same server,
whose answers depend on the request and the seed only. The reference and the killed runs are
processes of their own; the resumes run in-process through the CLI (a process start costs more
CPU than a short run), so a resumed file is the work of two processes compared with a third's.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from conftest import MockServer, run_cli, synthgen_cmd, until


class Drill:
    """One command's runs in ``workdir``: ``NAME.jsonl`` written with the cache ``NAME.sqlite3``."""

    def __init__(self, server: MockServer, args: Sequence[object], workdir: Path, **settings: Any) -> None:
        self.server, self.args, self.workdir = server, list(args), workdir
        self.settings = settings  # the server's options for every run of the drill

    def output(self, name: str) -> Path:
        return self.workdir / f"{name}.jsonl"

    def arguments(self, name: str, *extra: object) -> list[object]:
        out, cache = self.output(name), self.workdir / f"{name}.sqlite3"
        return [*self.args, "--base-url", self.server.url, "-o", out, "--cache-path", cache, *extra]

    def command(self, name: str, *extra: object) -> list[str]:
        return synthgen_cmd(*self.arguments(name, *extra))

    def start(self, name: str, *extra: object, **popen: Any) -> subprocess.Popen[str]:
        kw: dict[str, Any] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True, **popen}
        return subprocess.Popen(self.command(name, *extra), **kw)

    def run(self, name: str, *extra: object) -> Any:
        """A run to its end, in-process; it must succeed. Returns the CLI's result."""
        result = run_cli(*self.arguments(name, *extra))
        assert result.exit_code == 0, result.output
        return result

    def reference(self, name: str = "ref") -> Path:
        """The uninterrupted run's output (a process of its own)."""
        done = subprocess.run(self.command(name), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return self.output(name)

    def resume(self, name: str = "out") -> Any:
        return self.run(name)

    def stopped(self, answers: int) -> MockServer:
        """The server, holding every completion request after the next ``answers``."""
        return self.server.configure(**self.settings, hold_after=answers)

    def kill_after(self, answers: int, name: str = "out", *, then: Callable[[], bool] | None = None) -> Path:
        """Start a run, let it have ``answers`` answers (then, if given, wait until ``then``
        holds), and kill -9 it. Returns its output path."""
        self.stopped(answers)
        return self._kill_once_held(name, (), then)

    def kill_when_held(self, name: str, *extra: object, **hold: Any) -> Path:
        """Start a run (``extra``: its own flags) on the server set to ``hold`` as well (e.g.
        ``hold_batch="create"``), and kill -9 it once the server holds one of its requests."""
        self.server.configure(**self.settings, **hold)
        return self._kill_once_held(name, extra, None)

    def _kill_once_held(self, name: str, extra: Sequence[object], then: Callable[[], bool] | None) -> Path:
        proc = self.start(name, *extra, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self.server.wait_until_held(proc)
            if then is not None:
                until(then, proc, "the run's condition before the kill")
        finally:
            proc.kill()
            proc.wait()
            self.server.configure(**self.settings)
        assert proc.returncode == -signal.SIGKILL  # killed, not finished
        return self.output(name)


def lines_at_least(path: Path, count: int) -> Callable[[], bool]:
    """A condition: ``path`` has ``count`` complete lines."""
    return lambda: path.exists() and path.read_bytes().count(b"\n") >= count
