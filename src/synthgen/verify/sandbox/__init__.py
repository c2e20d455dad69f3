"""The sandbox: runs model-written programs so that they cannot harm the machine running synthgen.

One interface: :class:`SandboxPool` (``await pool.start()``, ``await pool.run(job, priority)``,
``await pool.aclose()``) runs a :class:`SandboxJob` (files + a command) under
:class:`SandboxLimits` and returns a :class:`SandboxResult`; :func:`probe` says, before any
request, whether this machine can give the protections, and :class:`SandboxUnavailable` (exit
code 2) which one it cannot. Only the ``process`` backend exists (see below for Docker).

Threat model
------------
*Attacker*: the code in a teacher's answer, and the tests it runs with; assume it is written
to do harm (a jailbroken or poisoned model), not merely buggy.

*Protected*: the user's files (home, project, outputs: nothing outside the run's own
``/tmp`` is writable, and home directories, ``/work``, ``/var`` and the host ``/tmp`` are not
even visible), secrets (no API key in the sample's environment, nor in the worker's; no
other process's ``/proc`` entries are visible), the network (no interface but a down
loopback: no exfiltration, no calls to the teacher server, cloud metadata or anything on
localhost), the machine's responsiveness (CPU time, memory per process, process count,
open files, file size, disk, output volume, wall-clock time are all bounded), and other
runs (each run is a fresh tree of processes with a fresh file system and nothing of an
earlier run).

*How* (Linux; ``box.py`` for the process tree, ``view.py`` for the file system):

=========================  ==============================================================
unprivileged identity      root: a uid/gid of its own per worker (1,500,000,000 + n), so
                           that RLIMIT_NPROC binds (it never binds root) and no file is
                           its own; not root: a nested user namespace without capabilities
new namespaces             mount, PID, network, IPC, UTS for every run
file system view           a tmpfs root with read-only binds of /usr, /bin, /lib* and the
                           interpreter's prefix, a private /tmp (size-limited, its cwd and
                           HOME), /dev/null & co., its own /proc; pivot_root, old root
                           detached: no path leads back to the host's tree
rlimits                    CPU seconds, address space, processes, open files, file size,
                           no core files
wall clock                 the worker kills the namespace's PID 1 at the timeout; the
                           kernel then kills every process of the run (daemons, orphans,
                           a fork bomb) and the worker waits until they are gone
output                     stdout, stderr and the report channel are read as they come and
                           kept up to the limit; past it the run is stopped (never waiting
                           for end-of-output, which a leftover process could hold open)
environment                PATH, HOME, TMPDIR, LANG only; the workers start with a
                           scrubbed environment too
privileges                 dropped last, in the sample's own process, then the parent-death
                           signal (the uid change clears it) and no-new-privileges, then
                           exec; nosuid everywhere
=========================  ==============================================================

*Refused, not degraded*: if the machine cannot create these namespaces (no root and no
unprivileged user namespaces), the run stops before any request with exit code 2. Without
a network namespace only, ``--allow-network-unsandboxed`` runs samples with the host's
network, on the user's explicit word.

*Not protected against* (use a VM, gVisor or Firecracker for code you expect to attack the
kernel): kernel exploits (namespaces share the host kernel); reading world-readable system
files under /usr; information in its own /proc (kernel version, CPU, load); timing side
channels; CPU: a run uses up to its process limit of cores until its timeout; memory: the
address-space limit is per process, so a run can hold up to processes x memory (no memory
cgroup is set up). The verdict is only as good as the tests: a sample that targets the
harness itself (exits early with status 0, writes to the report channel, reads the
expected outputs) can fake a pass; the harness counts a run as passed only when it reports
every test done.

*Docker*: a ``--sandbox docker`` backend (no network, read-only image, memory and CPU
limits) would sit behind this same interface, but there is no Docker daemon on the machine
this was built and tested on, so it is not implemented.
"""

from synthgen.verify.sandbox.pool import (
    PoolStats,
    SandboxJob,
    SandboxLimits,
    SandboxPool,
    SandboxResult,
    SandboxUnavailable,
    probe,
)

__all__ = [
    "PoolStats",
    "SandboxJob",
    "SandboxLimits",
    "SandboxPool",
    "SandboxResult",
    "SandboxUnavailable",
    "probe",
]
