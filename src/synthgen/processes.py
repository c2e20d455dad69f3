"""Starting worker processes: what the screening worker and the dedup workers share."""

from __future__ import annotations

import contextlib
import sys
import types
from collections.abc import Iterator


@contextlib.contextmanager
def main_not_rerun() -> Iterator[None]:
    """Keep the spawned worker from running this process's main script again.

    multiprocessing's spawn re-runs the parent's ``__main__`` in the child (as
    ``__mp_main__``) when it was started as a script with a path, which the ``synthgen``
    console script is: the worker then imported the whole CLI (~0.09 s of CPU). Under
    ``python -m synthgen`` spawn already skips it (a package's ``__main__``). The worker's
    target and arguments live in synthgen's modules, so it needs nothing from the script;
    while the child is started, ``__main__`` is a bare module with no path to re-run.
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        yield  # started with -m (or embedded): nothing is re-run
        return
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main
