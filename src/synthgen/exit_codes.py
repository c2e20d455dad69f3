"""The one table of exit codes. The CLI (:mod:`synthgen.cli`) exits with these; the run report
records them. This module imports nothing of synthgen: every layer may use it.

0    done (target reached, or nothing to do)
1    teacher or internal failure (auth, unknown model, unreachable endpoint, a bug)
2    bad input: flags, config file, seed/dataset file, output path, lock held
3    partial: a budget, the failure limit or an exhausted teacher stopped the run
75   pending (--batch): requests wait in a batch at the provider; rerun the same command to
     collect them (75 is sysexits.h's EX_TEMPFAIL, "try again later", which cron wrappers know)
130  interrupted by SIGINT (Ctrl-C); 143 by SIGTERM. Kept rows are written.
"""

from __future__ import annotations

import signal

OK, FAILURE, USAGE, PARTIAL, PENDING = 0, 1, 2, 3, 75
SIGNAL_EXIT = {int(signal.SIGINT): 130, int(signal.SIGTERM): 143}

HELP = """Exit codes: 0 done; 1 teacher or internal failure; 2 bad input, usage or lock held;
3 partial (a budget or the failure limit stopped the run; kept data is written);
75 pending (--batch: a batch is still running; rerun the same command to collect it);
130 / 143 interrupted by SIGINT / SIGTERM (kept data is written)."""
