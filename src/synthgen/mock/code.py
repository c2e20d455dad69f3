"""The mock teacher's answers to coding prompts (``respond --verify code`` without a model).

A prompt holding the statement of one of the bundled problems (``seeds/code_problems.jsonl``,
which carries a reference solution per problem) is answered with that solution in a fenced
``python`` block, sometimes after a usage example, or, at the rates of :class:`CodeFaults`,
with code that is wrong, hangs, crashes, prints too much, or tries to escape the sandbox
(:data:`ESCAPES`; for the sandbox's tests). An escape attempt comes without the solution, so
it fails whether or not it is contained; what it would leave behind if it got out (a file,
a request to the mock server, a process) is what the tests look for.
"""

from __future__ import annotations

import ast
import functools
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from synthgen.resources import data_dir

# {port}: the mock server's own port; {home}: the home directory; {cwd}: the working
# directory of the process that answers (the test's, when a test starts the server).
ESCAPES: dict[str, str] = {
    "network": (
        "import socket\n"
        "conn = socket.create_connection(('127.0.0.1', {port}), timeout=5)\n"
        "conn.sendall(b'GET /escaped HTTP/1.0\\r\\n\\r\\n')\n"
    ),
    "env_key": (
        "import glob, os\n"
        "found = [name for name in os.environ if 'KEY' in name]\n"
        "for path in glob.glob('/proc/*/environ'):\n"
        "    try:\n"
        "        found += [v for v in open(path, 'rb').read().split(b'\\0') if b'KEY' in v]\n"
        "    except OSError:\n"
        "        pass\n"
        "if not found:\n"
        "    raise LookupError('no API key in sight')\n"
        "print('escaped', found)\n"
    ),
    "write_outside": (
        "for path in ({cwd!r} + '/escaped.txt', '/var/tmp/synthgen-escaped.txt', {home!r} + '/synthgen-escaped.txt'):\n"
        "    open(path, 'w').write('escaped')\n"
    ),
    "read_home": (
        "import os\n"
        "home = {home!r}\n"
        "names = [n for n in os.listdir(home) if os.path.isfile(os.path.join(home, n))]\n"
        "if not names:\n"
        "    raise FileNotFoundError('no file to read in ' + home)\n"
        "print('escaped', open(os.path.join(home, names[0]), 'rb').read(100))\n"
    ),
    "fork_bomb": (  # marked in its command line (by port), so a test can look for what remains
        "import os, sys\n"
        "bomb = 'import os\\nwhile True:\\n    try:\\n        os.fork()\\n    except OSError:\\n        pass\\n'\n"
        "os.execv(sys.executable, [sys.executable, '-c', bomb, 'synthgen-fork-bomb-{port}'])\n"
    ),
    "alloc_10gb": "block = bytearray(10 * 1024 ** 3)\n",
    "infinite_loop": "while True:\n    pass\n",
    "print_1gb": "import sys\nchunk = 'x' * 2 ** 20\nfor _ in range(1024):\n    sys.stdout.write(chunk)\n",
    "background": (
        "import subprocess\n"
        "command = 'sleep 86399; echo escaped > ' + {cwd!r} + '/escaped-daemon.txt'\n"
        "subprocess.Popen(['sh', '-c', command, 'synthgen-daemon-{port}'], start_new_session=True)\n"
        "raise SystemExit('left a process behind')\n"
    ),
    "delete_cwd": (
        "import os\n"
        "for folder in ('.', {cwd!r}):\n"
        "    for name in os.listdir(folder):\n"
        "        os.remove(os.path.join(folder, name))\n"
    ),
}
_HANG = "while True:\n    pass\n"
_CRASH = "raise RuntimeError('the mock teacher wrote code that crashes')\n"
_FLOOD = "for _ in range(200_000):\n    print('debug: still working ' * 5)\n"
# A wrong function: the right one, off by a little in whatever it returns.
_OFF = """
def _off(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + '!'
    if isinstance(value, list):
        return value + [None]
    return None
"""
_WRONG_PRINT = "import builtins as _b\n_print = _b.print\n_b.print = lambda *a, **k: _print(*a, 0, **k)\n"
_INTROS = ("Here is a solution.", "Sure, here is the code:", "This does it:", "")
_OUTROS = ("", "", "It runs in linear time.", "Let me know if you need tests for it.")


@dataclass(frozen=True)
class CodeProblem:
    instruction: str
    solution: str
    stdin: bool  # a program reading stdin (tests are input/output pairs)

    @property
    def main_name(self) -> str | None:
        """The solution's first top-level function or class."""
        for node in ast.parse(self.solution).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                return node.name
        return None


@dataclass(frozen=True)
class CodeFaults:
    """Shares of coding answers that are ``wrong``, ``hang``, ``crash``, print too much
    (``flood``) or try to ``escape`` the sandbox (one of ``escapes``, :data:`ESCAPES` keys)."""

    wrong: float = 0.0
    hang: float = 0.0
    crash: float = 0.0
    flood: float = 0.0
    escape: float = 0.0
    escapes: tuple[str, ...] = tuple(ESCAPES)
    port: int = 9  # the port an escape connects to (the mock server's own)


@functools.cache
def code_problems() -> tuple[CodeProblem, ...]:
    path = data_dir("seeds") / "code_problems.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return tuple(CodeProblem(r["instruction"], r["solution"], isinstance(r["tests"], list) and
                             bool(r["tests"]) and isinstance(r["tests"][0], dict)) for r in rows)  # fmt: skip


def find_problem(prompt: str) -> CodeProblem | None:
    """The bundled problem whose statement the prompt holds, if any."""
    if "Python" not in prompt:
        return None  # the quick way out for every other prompt
    return next((p for p in code_problems() if p.instruction in prompt), None)


def code_reply(problem: CodeProblem, faults: CodeFaults, draw: float, rng: random.Random) -> str:
    """The answer: the solution, or a faulty version picked by ``draw`` (uniform in [0, 1))."""
    code = _faulty(problem, faults, draw, rng)
    parts = [rng.choice(_INTROS)]
    name = problem.main_name
    if not problem.stdin and name and rng.random() < 0.2:
        parts.append(f"For example:\n\n```python\nprint({name})\n```\n\nThe full code:")
    parts.append(f"```python\n{code}```")
    parts.append(rng.choice(_OUTROS))
    return "\n\n".join(part for part in parts if part)


def _faulty(problem: CodeProblem, faults: CodeFaults, draw: float, rng: random.Random) -> str:
    kinds: list[tuple[float, Callable[[], str]]] = [
        (faults.escape, lambda: _escape(faults, rng)),
        (faults.hang, lambda: _HANG + problem.solution),
        (faults.crash, lambda: _CRASH + problem.solution),
        (faults.flood, lambda: _FLOOD + problem.solution),
        (faults.wrong, lambda: _wrong(problem)),
    ]
    edge = 0.0
    for rate, make in kinds:
        edge += rate
        if draw < edge:
            return make()
    return problem.solution


def _escape(faults: CodeFaults, rng: random.Random) -> str:
    kind = rng.choice(faults.escapes)
    return ESCAPES[kind].format(port=faults.port, home=str(Path.home()), cwd=os.getcwd())


def _wrong(problem: CodeProblem) -> str:
    if problem.stdin:
        return _WRONG_PRINT + problem.solution
    name = problem.main_name
    if name is None or name[:1].isupper():  # a class: gone
        return problem.solution + f"\ndel {name}\n" if name else "pass\n"
    wrapper = (
        f"\n_right = {name}\n\n\ndef {name}(*args, **kwargs):\n    return _off(_right(*args, **kwargs))\n"
    )
    return problem.solution + _OFF + wrapper
