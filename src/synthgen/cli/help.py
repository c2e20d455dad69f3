"""How the CLI presents itself: option help built from the settings models (with the defaults
they really apply), and usage errors as JSON lines when ``--log-format json`` is asked for.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import typer
from pydantic import BaseModel
from pydantic_core import PydanticUndefined
from typer.core import TyperCommand

from synthgen.config.markers import Flag, marker
from synthgen.exit_codes import USAGE
from synthgen.logjson import json_log_line


def option_help(model: type[BaseModel], field: str, extra: str = "") -> str:
    """Help text with the default the settings model really applies (defaults live there).

    A field's ``Flag(shown=...)`` replaces a default that is only decided at run time (the
    bundled seeds, OpenAI's URL...); a field without a default shows none.
    """
    info = model.model_fields[field]
    flag = marker(model, field, Flag)
    shown = flag.shown if flag else None
    if callable(shown):
        shown = shown()
    if shown is None:
        shown = _default_text(info.get_default(call_default_factory=True))
    text = f"{info.description or ''}{extra}"
    return f"{text} [default: {shown}]" if shown is not None else text


def _default_text(default: Any) -> str | None:
    """A default as help shows it; None for no default and for a flag that is off."""
    if default is None or default is False or default == [] or default is PydanticUndefined:
        return None
    if default is True:
        return "on"
    return ", ".join(map(str, default)) if isinstance(default, list) else str(default)


def wants_json_logs(args: Sequence[str]) -> bool:
    """Whether the command line asks for ``--log-format json`` (read before parsing)."""
    args = list(args)
    if "--log-format=json" in args:
        return True
    return any(a == "--log-format" and b == "json" for a, b in itertools.pairwise(args))


def echo_error(message: str, *, as_json: bool) -> None:
    """Each line of ``message`` as ``synthgen: error: ...``, or as a JSON log line."""
    for line in message.splitlines() or ["error"]:
        if as_json:
            typer.echo(json_log_line(level="error", msg=line), err=True)
        else:
            typer.echo(f"synthgen: error: {line}", err=True)


class Command(TyperCommand):
    """A typer command whose options are listed by section, whose epilog's examples are shown
    as written, and whose usage errors are JSON lines when ``--log-format json`` is given."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {"Arguments": []}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            title = "Arguments" if param.param_type_name == "argument" else None
            title = title or getattr(param, "rich_help_panel", None) or "Options"
            sections.setdefault(title, []).append(record)
        # one column for the help texts of every section (write_dl sizes it per call)
        width = min(30, max((len(term) for rows in sections.values() for term, _ in rows), default=0))
        for title, records in sections.items():
            if records:
                with formatter.section(title):
                    formatter.write_dl([(term.ljust(width), text) for term, text in records])

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        """Indented paragraphs (examples) as written; the others wrapped like the help."""
        if not self.epilog:
            return
        for paragraph in self.epilog.strip("\n").split("\n\n"):
            formatter.write_paragraph()
            with formatter.indentation():
                if paragraph[:1].isspace():
                    for line in paragraph.splitlines():
                        formatter.write(f"{'':>{formatter.current_indent}}{line}\n")
                else:
                    formatter.write_text(" ".join(paragraph.split()))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        as_json = wants_json_logs(args)
        try:
            return super().parse_args(ctx, args)
        except Exception as exc:  # typer's usage errors (bad value, unknown option...)
            if not (as_json and hasattr(exc, "format_message")):
                raise
            echo_error(exc.format_message(), as_json=True)
            raise typer.Exit(getattr(exc, "exit_code", USAGE)) from None
