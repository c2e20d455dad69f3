"""What a sample sees of the file system: a fresh tmpfs root holding read-only binds of the
system directories and of the interpreter, a private writable ``/tmp`` (its working and home
directory), a minimal ``/dev``, its own ``/proc``, and nothing else (no home directories, no
``/work``, no ``/var``, no host ``/tmp``).

Built by the sandbox's init process in a new mount namespace, as its root (real root, or
root of a user namespace), before the sample starts. The approach is bubblewrap's: mount a
scratch tmpfs, pivot into it with the old root below, bind what the sample may read into a
new root, pivot again and detach the old root, so that no path leads back to the host's
tree. Nothing is created on the host: every mount dies with the namespace.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from synthgen.verify.sandbox import linux

# Top-level system directories shown read-only (or their symlinks, on merged-/usr systems).
SYSTEM_DIRS = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
ETC_FILES = ("ld.so.cache", "localtime")  # what the loader and time functions read (copied)
ETC_MAX_BYTES = 2 << 20
DEVICES = ("null", "zero", "urandom")  # bound one by one (each mount costs at set-up and teardown)
SCRATCH = "/tmp"  # any existing directory: hidden by the scratch tmpfs in this namespace only
_KEEP_FLAGS = linux.MS_NOEXEC  # a host mount's flag that a read-only bind must keep (user namespaces)


@dataclass(frozen=True)
class ViewSpec:
    """``extra_dirs``: host directories shown read-only at the same path (the interpreter's
    prefix when it lives outside ``/usr``); ``owner``: uid and gid of ``/tmp`` and its files;
    ``disk_bytes``: size of the writable ``/tmp``."""

    extra_dirs: tuple[str, ...]
    owner: tuple[int, int]
    disk_bytes: int
    user_name: str = "sandbox"


def build_view(spec: ViewSpec, files: dict[str, str]) -> None:
    """Make this mount namespace's root the sample's view; ``files`` go to ``/tmp``."""
    linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)
    linux.mount("tmpfs", SCRATCH, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, "mode=755,size=1m")
    os.mkdir(f"{SCRATCH}/old")
    os.mkdir(f"{SCRATCH}/new")
    linux.pivot_root(SCRATCH, f"{SCRATCH}/old")
    os.chdir("/")
    linux.mount("tmpfs", "/new", "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, "mode=755,size=4m")
    for name in SYSTEM_DIRS:
        _show(f"/old/{name}", f"/new/{name}")
    for path in spec.extra_dirs:
        if not any(path == f"/{d}" or path.startswith(f"/{d}/") for d in SYSTEM_DIRS):
            _bind_read_only(f"/old{path}", f"/new{path}")
    _etc(spec)
    _dev()
    os.mkdir("/new/proc")
    linux.mount("proc", "/new/proc", "proc", linux.MS_NOSUID | linux.MS_NODEV | linux.MS_NOEXEC)
    uid, gid = spec.owner
    os.mkdir("/new/tmp")
    options = f"mode=700,uid={uid},gid={gid},size={spec.disk_bytes}"
    linux.mount("tmpfs", "/new/tmp", "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, options)
    os.chdir("/new")
    linux.pivot_root(".", ".")  # the old root (scratch and host) is stacked on / ...
    linux.umount_detach(".")  # ... and detached: no way back to the host's tree
    os.chdir("/")
    _write_files(files, uid, gid)
    flags = linux.MS_REMOUNT | linux.MS_RDONLY | linux.MS_NOSUID | linux.MS_NODEV
    linux.mount(None, "/", None, flags)


def _show(source: str, target: str) -> None:
    if os.path.islink(source):
        os.symlink(os.readlink(source), target)
    elif os.path.isdir(source):
        _bind_read_only(source, target)


def _bind_read_only(source: str, target: str) -> None:
    os.makedirs(target, mode=0o755, exist_ok=True)
    linux.mount(source, target, None, linux.MS_BIND | linux.MS_REC)
    kept = os.statvfs(source).f_flag & _KEEP_FLAGS
    flags = linux.MS_BIND | linux.MS_REMOUNT | linux.MS_RDONLY | linux.MS_NOSUID | linux.MS_NODEV | kept
    linux.mount(None, target, None, flags)


def _bind_file(source: str, target: str) -> None:
    with open(target, "w"):
        pass  # the mount point
    linux.mount(source, target, None, linux.MS_BIND)


def _etc(spec: ViewSpec) -> None:
    os.mkdir("/new/etc")
    for name in ETC_FILES:
        try:
            with open(f"/old/etc/{name}", "rb") as source:
                data = source.read(ETC_MAX_BYTES + 1)
        except OSError:
            continue  # not on this system: the loader and time functions do without
        if len(data) <= ETC_MAX_BYTES:
            with open(f"/new/etc/{name}", "wb") as copy:
                copy.write(data)
    uid, gid = spec.owner
    with open("/new/etc/passwd", "w") as passwd:
        passwd.write(f"root:x:0:0::/:/bin/false\n{spec.user_name}:x:{uid}:{gid}::/tmp:/bin/false\n")
    with open("/new/etc/group", "w") as group:
        group.write(f"root:x:0:\n{spec.user_name}:x:{gid}:\n")


def _dev() -> None:
    os.mkdir("/new/dev")
    for name in DEVICES:
        _bind_file(f"/old/dev/{name}", f"/new/dev/{name}")
    os.symlink("urandom", "/new/dev/random")
    os.symlink("/proc/self/fd", "/new/dev/fd")
    for number, name in enumerate(("stdin", "stdout", "stderr")):
        os.symlink(f"/proc/self/fd/{number}", f"/new/dev/{name}")


def _write_files(files: dict[str, str], uid: int, gid: int) -> None:
    for name, text in files.items():
        path = f"/tmp/{name}"
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chown(path, uid, gid)
