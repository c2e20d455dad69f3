"""Every example in every command's ``--help`` runs when pasted (issue 23).

The examples are read from the help as printed (``synthgen CMD --help``), joined over their
``\\`` line breaks and split as a shell does (comments dropped), then run one after the other
in a fresh folder holding a copy of the repository's ``seeds/``, so an example reads what an
earlier one wrote (``generate -o data/alpaca.jsonl``, then ``stats data/alpaca.jsonl``).

What is substituted, and only that (a real teacher, Hub or key cannot be used here):

- ``--base-url URL`` (any URL) -> the test's mock teacher server; after an example that starts
  ``synthgen mock-teacher``, the server that example started;
- ``mock-teacher --port N`` -> ``--port 0`` (any free port);
- ``OPENAI_API_KEY=...`` -> a dummy key (the mock server takes any key);
- ``HF_TOKEN=hf_...`` -> the token of a local stand-in for the Hub (``HF_ENDPOINT``); an example
  that relies on ``hf auth login`` finds that token where the login stores it (``$HF_HOME/token``);
- ``-c run.toml`` -> the README's "Config file" example, saved as ``run.toml`` (its base URL the mock's).

An example exits 0 unless its comment says ``exits N`` (``--batch``: 75). The mock server answers
like the models the examples name: reasoning traces in ``reasoning_content`` and a quarter of
the arithmetic answers wrong (so ``respond --verify math --keep all`` has pairs to rank).
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MockServer, read_jsonl, run_cli, synthgen_cmd
from hub_stand_in import HubStandIn
from synthgen.cli import app

REPO = Path(__file__).resolve().parents[1]
HUB_TOKEN = "hf_example_token"
# The order the examples run in: each reads files the ones before it wrote.
PIPELINE = (
    "check", "generate", "merge", "evolve", "respond", "batches", "judge", "pairs", "dedup", "filter",
    "stats", "convert", "card", "push", "mock-teacher",
)  # fmt: skip


@dataclass
class Example:
    """One example command as a shell would run it."""

    command: str  # the subcommand whose help shows it
    text: str  # as printed, continuations joined
    env: dict[str, str] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)  # after ``synthgen``
    exit_code: int = 0


def help_examples(command: str) -> list[Example]:
    """The examples of ``synthgen COMMAND --help``: its epilog's indented (verbatim) lines."""
    text = run_cli(command, "--help").output
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.fullmatch(r"  Examples?:", line))
    verbatim, examples = "", []
    for line in lines[start + 1 :]:
        if line.startswith("    "):
            verbatim += line[4:] + "\n"
        elif line.strip() or not verbatim.endswith("\\\n"):
            examples += _parse_block(command, verbatim)
            verbatim = ""
    return examples + _parse_block(command, verbatim)


def _parse_block(command: str, block: str) -> list[Example]:
    """The commands of a verbatim block (one per line once ``\\``-newline is removed, as a shell
    does); every line must be a ``synthgen`` command or a comment."""
    examples = []
    for line in block.replace("\\\n", "").splitlines():
        words = shlex.split(line, comments=True)
        if not words:
            assert line.strip().startswith("#") or not line.strip(), f"not a command: {line!r}"
            continue
        env = {}
        while re.fullmatch(r"[A-Z_]+=.*", words[0]):
            name, _, value = words.pop(0).partition("=")
            env[name] = value
        assert words[0] == "synthgen", (
            f"{command} --help: an example that is not a synthgen command: {line!r}"
        )
        said = re.search(r"#.*\bexits (\d+)", line)
        examples.append(Example(command, line.strip(), env, words[1:], int(said.group(1)) if said else 0))
    return examples


def test_examples_are_read_as_a_shell_reads_them() -> None:
    block = (
        "# a comment line\n"
        "OPENAI_API_KEY=sk-... synthgen respond in.jsonl \\\n"
        "    --model 'a b'   # exits 75: later\n"
        "synthgen respond x.jsonl\n"
    )
    first, second = _parse_block("respond", block)
    assert first.env == {"OPENAI_API_KEY": "sk-..."}
    assert first.args == ["respond", "in.jsonl", "--model", "a b"] and first.exit_code == 75
    assert second.args == ["respond", "x.jsonl"] and second.exit_code == 0
    with pytest.raises(AssertionError, match="not a synthgen command"):
        _parse_block("respond", "(respond --samples 4 output)\n")


def test_every_command_shows_examples_and_every_one_is_run_here() -> None:
    commands = [c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands]
    assert sorted(commands) == sorted(PIPELINE)  # a new command's examples are run too
    for command in commands:
        assert help_examples(command), f"{command} --help shows no example"


class Runner:
    """Runs examples in ``workdir`` with the substitutions the module docstring lists."""

    def __init__(self, workdir: Path, teacher_url: str, hub: HubStandIn) -> None:
        self.workdir, self.teacher_url, self.hub = workdir, teacher_url, hub

    def substituted(self, example: Example) -> tuple[list[str], dict[str, str]]:
        args, env = list(example.args), {}
        substitutes = {"OPENAI_API_KEY": "sk-dummy-key-for-the-mock", "HF_TOKEN": HUB_TOKEN}
        for name in example.env:
            assert name in substitutes, f"no substitute for {name}=... in {example.text!r}"
            env[name] = substitutes[name]
        for i, arg in enumerate(args[:-1]):
            if arg == "--base-url":
                args[i + 1] = self.teacher_url
            elif arg == "--port" and args[0] == "mock-teacher":
                args[i + 1] = "0"
        return args, env

    def run(self, example: Example) -> None:
        args, env = self.substituted(example)
        if args[0] == "push":  # huggingface_hub reads HF_ENDPOINT when imported: a process
            env = {**{k: v for k, v in os.environ.items() if not k.startswith("HF_")}, **env}
            env.update(HF_ENDPOINT=self.hub.url, HF_HOME=str(self.workdir / "hf-home"))
            done = subprocess.run(synthgen_cmd(*args), capture_output=True, text=True, env=env, timeout=120)
            code, output = done.returncode, done.stdout + done.stderr
        else:
            result = CliRunner().invoke(app, args, env=env, catch_exceptions=False)
            code, output = result.exit_code, result.output
        assert code == example.exit_code, f"{example.text}\n-> exit {code}\n{output}"
        for flag in ("-o", "--html"):
            if flag in args and example.exit_code == 0:
                written = self.workdir / args[args.index(flag) + 1]
                if "--shard" in args:  # a shard writes OUT.shards/ (merge writes OUT)
                    written = written.with_name(written.name + ".shards")
                assert written.exists(), f"{example.text}: wrote no {written.name}\n{output}"

    @contextlib.contextmanager
    def mock_teacher(self, example: Example) -> Iterator[str]:
        """The example's server, started as pasted (on any free port); stopped with Ctrl-C."""
        args, _ = self.substituted(example)
        assert args[0] == "mock-teacher", example.text
        proc = subprocess.Popen(synthgen_cmd(*args), stderr=subprocess.PIPE, text=True, cwd=self.workdir)
        assert proc.stderr is not None
        line = proc.stderr.readline()
        try:
            assert "listening on" in line, f"{example.text}: {line}"
            yield line.split("listening on", 1)[1].strip()
        finally:
            proc.send_signal(signal.SIGINT)
            rest = proc.communicate(timeout=30)[1]
        assert proc.returncode == 0, f"{example.text} -> exit {proc.returncode} after Ctrl-C\n{rest}"


def _config_from_readme(teacher_url: str) -> str:
    """The README's "Config file" example, its base URL pointed at the mock."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Config file") :]
    toml = section[section.index("```toml\n") + 8 : section.index("```\n", section.index("```toml"))]
    return re.sub(r"base-url = \[.*\]", f'base-url = ["{teacher_url}"]', toml)


def test_every_help_example_runs_when_pasted(
    mock_server: Callable[..., MockServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = mock_server(reasoning="field", wrong_answer_rate=0.25)
    shutil.copytree(REPO / "seeds", tmp_path / "seeds", ignore=shutil.ignore_patterns("*.py"))
    (tmp_path / "run.toml").write_text(_config_from_readme(server.url), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with HubStandIn(token=HUB_TOKEN) as hub:
        (tmp_path / "hf-home").mkdir()
        (tmp_path / "hf-home" / "token").write_text(HUB_TOKEN)  # what `hf auth login` stores
        runner = Runner(tmp_path, server.url, hub)
        for command in PIPELINE:
            examples = help_examples(command)
            if command == "mock-teacher":
                with runner.mock_teacher(examples[0]) as url:
                    then = Runner(tmp_path, url, hub)
                    for example in examples[1:]:
                        then.run(example)
                continue
            for example in examples:
                runner.run(example)
    assert len(hub.repos["user/my-dataset"].branches["draft"]) == 2  # both pushes landed
    assert read_jsonl(tmp_path / "data" / "math-pairs.jsonl")  # the wrong answers were ranked below
