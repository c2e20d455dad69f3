"""The one table of exit codes. The CLI (:mod:`synthgen.cli`) exits with these; the run report
records them. This module imports nothing of synthgen: every layer may use it.

0    done (target reached, or nothing to do)
1    teacher or internal failure (auth, unknown model, unreachable endpoint, a bug)
2    bad input: flags, config file, seed/dataset file, output path, lock held
3    partial: a budget, the failure limit or an exhausted teacher stopped the run
130  interrupted by SIGINT (Ctrl-C); 143 by SIGTERM. Kept rows are written.
"""

from __future__ import annotations

import signal

OK, FAILURE, USAGE, PARTIAL = 0, 1, 2, 3
SIGNAL_EXIT = {int(signal.SIGINT): 130, int(signal.SIGTERM): 143}

HELP = """Exit codes: 0 done; 1 teacher or internal failure; 2 bad input, usage or lock held;
3 partial (a budget or the failure limit stopped the run; kept data is written);
130 / 143 interrupted by SIGINT / SIGTERM (kept data is written)."""
