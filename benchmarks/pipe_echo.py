"""A screen that keeps every answer's text as 20 short rows and does nothing else: the worker's
messaging cost alone (used by worker_pipe.py in the worker process)."""

from __future__ import annotations

from synthgen.engine.recipe import Answer, Verdict


class EchoScreen:
    def screen(self, answer: Answer, limit: int) -> Verdict:
        text = answer.text
        rows = [(text[i * 20 : i * 20 + 200], "", "") for i in range(20)]  # ~4 KB kept per answer
        return Verdict(kept=rows[:limit], candidates=20)


class EchoFactory:
    def __call__(self) -> EchoScreen:
        return EchoScreen()
