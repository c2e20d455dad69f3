"""The sandbox through its interface: what a program sees, what it cannot do, what remains.

Every escape here is a real attempt run in a real sandbox; see tests/test_respond_code.py for
the same attempts made by a teacher's answers through the CLI.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sandbox_helpers import (
    FAST,
    is_root,
    processes_of,
    run_programs,
    sandbox_or_skip,
    sandbox_uid,
    without_network_namespaces,
)
from synthgen.verify.sandbox import SandboxJob, SandboxLimits, SandboxPool, SandboxUnavailable, probe

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(autouse=True, scope="module")
def _sandbox() -> None:
    sandbox_or_skip()


def test_a_program_sees_its_own_tmp_and_the_system_only() -> None:
    code = (
        "import json, os\n"
        "print(json.dumps({'cwd': os.getcwd(), 'uid': os.getuid(), 'root': sorted(os.listdir('/')),"
        " 'tmp': os.listdir('/tmp'), 'env': dict(os.environ), 'procs': sorted(os.listdir('/proc'))}))\n"
    )
    [result], _ = run_programs([code])
    seen = json.loads(result.stdout)
    assert result.exit_code == 0, result.stderr
    assert seen["cwd"] == "/tmp" and seen["tmp"] == ["main.py"]
    assert seen["uid"] != 0
    assert set(seen["root"]) <= {
        "usr",
        "bin",
        "sbin",
        "lib",
        "lib32",
        "lib64",
        "libx32",
        "etc",
        "dev",
        "proc",
        "tmp",
        "root",
        "home",
        "opt",
    }
    assert set(seen["env"]) == {"PATH", "HOME", "TMPDIR", "LANG", "PYTHONIOENCODING"}
    assert seen["env"]["HOME"] == "/tmp"
    assert [p for p in seen["procs"] if p.isdigit()] == ["1"]  # itself, the PID 1 of its namespace


def test_an_api_key_in_synthgen_s_environment_is_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-123")
    code = (
        "import os, glob\n"
        "print(os.environ.get('OPENAI_API_KEY'))\n"
        "found = []\n"
        "for path in glob.glob('/proc/*/environ'):\n"
        "    try: found.append(open(path, 'rb').read())\n"
        "    except OSError: pass\n"
        "print(any(b'sk-test-secret' in data for data in found))\n"
    )
    [result], _ = run_programs([code])
    assert result.stdout.split() == ["None", "False"], result.stderr
    assert "sk-test-secret" not in result.stdout + result.stderr


def test_a_loopback_server_of_the_host_cannot_be_reached() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    code = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)\nprint('connected')\n"
    try:
        [result], _ = run_programs([code])
    finally:
        server.close()
    assert "connected" not in result.stdout
    assert result.exit_code == 1 and "OSError" in result.stderr


def test_writes_outside_tmp_fail_and_the_home_is_not_there(tmp_path: Path) -> None:
    home = Path.home()
    visible = _home_entries_the_interpreter_needs(home)
    code = (
        "import os\n"
        f"for path in ['/etc/x', '/usr/x', {str(tmp_path / 'x')!r}, {str(home / 'x')!r}]:\n"
        "    try:\n"
        "        open(path, 'w').write('x'); print('wrote', path)\n"
        "    except OSError as exc: print('denied', type(exc).__name__)\n"
        f"print(sorted(os.listdir({str(home)!r})) if os.path.isdir({str(home)!r}) else [])\n"
    )
    [result], _ = run_programs([code])
    assert "wrote" not in result.stdout, result.stdout
    assert result.stdout.count("denied") == 4
    assert result.stdout.splitlines()[-1] == str(visible)
    assert not (tmp_path / "x").exists()


def _home_entries_the_interpreter_needs(home: Path) -> list[str]:
    """What of the home a sample may see: the first step towards the interpreter's prefix,
    when the interpreter lives there (pyenv), else nothing."""
    prefix = Path(sys.base_prefix).resolve()
    return [prefix.relative_to(home).parts[0]] if prefix.is_relative_to(home) else []


def test_deleting_files_of_the_current_directory_touches_only_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep = tmp_path / "keep.txt"
    keep.write_text("mine")
    monkeypatch.chdir(tmp_path)
    code = "import os, shutil\nfor name in os.listdir('.'): os.remove(name)\nprint(os.listdir('.'))\n"
    [result], _ = run_programs([code])
    assert result.stdout.strip() == "[]"
    assert keep.read_text() == "mine"


# What a sample tries to gain privileges (the only process of its PID namespace is itself:
# its init became the sample after dropping them).
PRIVILEGED = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def call(result):
    if result != 0:
        raise OSError(ctypes.get_errno(), 'refused')
for attempt in (lambda: os.setuid(0),
                lambda: call(libc.mount(b'none', b'/tmp', b'tmpfs', 0, None)),
                lambda: call(libc.mount(None, b'/usr', None, 32 | 4096, None)),  # remount read-write
                lambda: os.chroot('/tmp')):
    try:
        attempt()
        print('allowed')
    except OSError:
        print('denied')
"""


def test_the_sample_cannot_become_root_mount_or_chroot() -> None:
    [result], _ = run_programs([PRIVILEGED])
    assert result.stdout.split() == ["denied"] * 4, result


def test_an_infinite_loop_is_stopped_at_the_timeout() -> None:
    [result], _ = run_programs(["while True: pass\n"], SandboxLimits(timeout=0.5))
    assert result.timed_out and result.exit_code == 128 + 9


def test_ten_gigabytes_are_refused() -> None:
    [result], _ = run_programs(["x = bytearray(10 * 1024 ** 3)\nprint('allocated')\n"])
    assert "allocated" not in result.stdout
    assert "MemoryError" in result.stderr


def test_printing_a_gigabyte_is_stopped_at_the_output_limit() -> None:
    code = "import sys\nchunk = 'x' * 2 ** 20\nfor _ in range(1024): sys.stdout.write(chunk)\n"
    [result], _ = run_programs([code], SandboxLimits(timeout=5, output_kb=256))
    assert result.output_limited and not result.timed_out
    assert len(result.stdout) == 256 * 1024
    assert 256 * 1024 < result.output_bytes < 2**30


def test_a_fork_bomb_is_contained_and_nothing_of_it_remains() -> None:
    bomb = "import os\nwhile True:\n    try: os.fork()\n    except OSError: pass\n"
    [result], uid = run_programs(
        [bomb], SandboxLimits(timeout=0.5, processes=8), workers=1, after=sandbox_uid
    )
    assert result.timed_out
    if uid is not None:
        assert processes_of(uid) == []


def test_a_background_process_does_not_outlive_its_run() -> None:
    mark = f"{300 + os.getpid() % 1000}.{time.time_ns() % 10**6}"  # this run's, not another's
    code = (
        "import subprocess, os\n"
        f"p = subprocess.Popen(['sleep', '{mark}'], start_new_session=True)\n"
        "if os.fork() == 0:\n"
        f"    os.setsid(); os.execvp('sleep', ['sleep', '{mark}1'])\n"
        "print('spawned')\n"
    )
    [result], uid = run_programs([code], workers=1, after=sandbox_uid)
    assert result.exit_code == 0 and "spawned" in result.stdout
    if uid is not None:
        assert processes_of(uid) == []
    leftover = subprocess.run(["pgrep", "-f", f"sleep {mark}"], capture_output=True, text=True)
    assert leftover.stdout == ""


def test_a_hanging_run_holds_one_worker_only() -> None:
    """Two workers: the quick programs finish while the other worker waits for a timeout."""

    async def scenario() -> list[str]:
        pool = SandboxPool(2, SandboxLimits(timeout=3))
        await pool.start()
        finished: list[str] = []
        try:
            # Hangs asleep: a busy loop would take one of the machine's two cores for the 3 s.
            hang = pool.run(SandboxJob({}, ["python", "-c", "import time; time.sleep(600)"]), priority=0)
            hang.add_done_callback(lambda _: finished.append("hang"))
            quick = [pool.run(SandboxJob({}, ["python", "-c", "print(1)"]), priority=i + 1) for i in range(5)]
            for future in quick:
                future.add_done_callback(lambda _: finished.append("quick"))
            await asyncio.gather(hang, *quick)
        finally:
            await pool.aclose()
        return finished

    assert asyncio.run(scenario()) == ["quick"] * 5 + ["hang"]


def test_jobs_wait_in_priority_order() -> None:
    async def scenario() -> list[int]:
        pool = SandboxPool(1, FAST)
        await pool.start()
        order: list[int] = []
        try:
            futures = []
            for priority in (5, 3, 4, 1, 2):
                future = pool.run(SandboxJob({}, ["python", "-c", "pass"]), priority=priority)
                future.add_done_callback(lambda _, p=priority: order.append(p))
                futures.append(future)
            await asyncio.gather(*futures)
        finally:
            await pool.aclose()
        return order

    assert asyncio.run(scenario()) == [5, 1, 2, 3, 4]  # the first was running already


def test_a_worker_that_dies_is_replaced_and_its_job_reported() -> None:
    async def scenario() -> tuple[str | None, int | None]:
        pool = SandboxPool(1, SandboxLimits(timeout=5))
        await pool.start()
        try:
            running = pool.run(SandboxJob({}, ["python", "-c", "import time; time.sleep(5)"]))
            while not pool.stats.running:  # the job is on its way to the worker: no clock involved
                await asyncio.sleep(0)
            pool._workers[0].process.kill()
            broken = await running
            after = await pool.run(SandboxJob({}, ["python", "-c", "print(7)"]))
        finally:
            await pool.aclose()
        return broken.error, after.exit_code

    error, exit_code = asyncio.run(scenario())
    assert error is not None and "worker" in error
    assert exit_code == 0


def _in_user_namespace_without_network(allow: bool) -> str:
    def body() -> str:
        try:
            return json.dumps(probe(FAST, allow_network_unsandboxed=allow))
        except SandboxUnavailable as exc:
            return f"refused: {exc}"

    return without_network_namespaces(body)


@pytest.mark.skipif(not is_root(), reason="maps a user namespace's ids, which needs root")
def test_without_a_network_namespace_it_refuses_unless_allowed() -> None:
    refused = _in_user_namespace_without_network(allow=False)
    assert refused.startswith("refused: --sandbox process:")
    assert "network namespace" in refused and "--allow-network-unsandboxed" in refused
    allowed = json.loads(_in_user_namespace_without_network(allow=True))
    assert allowed["network"] == "shared"


@pytest.mark.skipif(not (is_root() and Path("/usr/bin/setpriv").exists()), reason="needs root and setpriv")
def test_without_root_it_uses_a_user_namespace() -> None:
    """The worker run as an unprivileged user (nobody): samples get a nested user namespace."""
    import shutil
    import tempfile

    import synthgen

    with tempfile.TemporaryDirectory(prefix="synthgen-sandbox-test-") as folder:
        copy = Path(folder) / "src"
        shutil.copytree(Path(synthgen.__file__).parent, copy / "synthgen")
        for path in [Path(folder), *Path(folder).rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        _run_as_nobody(copy)


def _run_as_nobody(copy: Path) -> None:
    import shutil

    worker = f"import sys; sys.path.insert(0, {str(copy)!r}); from synthgen.verify.sandbox.worker import main; main()"
    python = shutil.which("python3", path="/usr/bin:/bin") or sys.executable
    command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", python, "-I", "-c", worker]
    settings = FAST.worker_settings(False)
    bomb = "import os\nwhile True:\n    try: os.fork()\n    except OSError: pass\n"
    jobs = [
        {"id": 0, "files": {}, "argv": ["python", "-c", "import os; print(os.getuid(), os.listdir('/tmp'))"]},
        {"id": 1, "files": {}, "argv": ["python", "-c", "open('/usr/x', 'w')"]},
        {"id": 2, "files": {"b.py": bomb}, "argv": ["python", "b.py"]},
        {"id": 3, "files": {"p.py": PRIVILEGED}, "argv": ["python", "p.py"]},
    ]
    lines = [json.dumps(settings)] + [json.dumps(job) for job in jobs]
    done = subprocess.run(command, input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=60)
    if not done.stdout:
        pytest.skip(f"no interpreter the user nobody can run: {done.stderr.strip()[-200:]}")
    hello, *results = [json.loads(line) for line in done.stdout.splitlines()]
    if not hello["ready"]:
        pytest.skip(f"no unprivileged user namespaces here: {hello['error']}")
    assert hello["identity"] == "a user namespace"
    assert results[0]["stdout"].split() == ["1000", "[]"]
    assert "Read-only file system" in results[1]["stderr"]
    assert results[2]["timed_out"]
    assert results[3]["stdout"].split() == ["denied"] * 4, results[3]
