"""How the CLI presents itself: option help built from the settings models (with the defaults
they really apply), and usage errors as JSON lines when ``--log-format json`` is asked for.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, Literal, get_args, get_origin

import typer
from pydantic import BaseModel
from typer.core import TyperCommand

from synthgen.logjson import json_log_line


def option_help(model: type[BaseModel], field: str, extra: str = "", shown: str | None = None) -> str:
    """Help text with the default the settings model really applies (defaults live there).

    ``shown`` (or the field's ``shown_default``) replaces a default that is only decided at
    run time (the bundled seeds, OpenAI's URL...); a field without one shows none.
    """
    info = model.model_fields[field]
    default = info.get_default(call_default_factory=True)
    notes = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    shown = shown or notes.get("shown_default")  # type: ignore[assignment]
    if shown is None:
        shown = _default_text(default)
    text = f"{info.description or ''}{extra}"
    return f"{text} [default: {shown}]" if shown is not None else text


def _default_text(default: Any) -> str | None:
    """A default as help shows it; None for no default and for a flag that is off."""
    if default is None or default is False or default == []:
        return None
    if default is True:
        return "on"
    return ", ".join(map(str, default)) if isinstance(default, list) else str(default)


def option(
    model: type[BaseModel],
    field: str,
    *flags: str,
    extra: str = "",
    shown: str | None = None,
    metavar: str | None = None,
) -> Any:
    """A typer option whose value is None unless given (so the config file can fill it).

    A field limited to a few values shows them (``<text|json>``); the value is checked by
    the settings model, whose error is one line naming the flag.
    """
    help_text = option_help(model, field, extra, shown)
    metavar = metavar or _choices(model.model_fields[field].annotation)
    return typer.Option(None, *flags, help=help_text, show_default=False, metavar=metavar)


def _choices(annotation: Any) -> str | None:
    """``<a|b>`` for a ``Literal["a", "b"]`` field (optional or not), else None."""
    if get_origin(annotation) is Literal:
        return "<" + "|".join(map(str, get_args(annotation))) + ">"
    for member in get_args(annotation):  # Literal[...] | None
        if get_origin(member) is Literal:
            return _choices(member)
    return None


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
    """A typer command whose usage errors are JSON lines when ``--log-format json`` is given."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        as_json = wants_json_logs(args)
        try:
            return super().parse_args(ctx, args)
        except Exception as exc:  # typer's usage errors (bad value, unknown option...)
            if not (as_json and hasattr(exc, "format_message")):
                raise
            echo_error(exc.format_message(), as_json=True)
            raise typer.Exit(getattr(exc, "exit_code", 2)) from None
