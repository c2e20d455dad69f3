"""Commands whose typer parameters are generated from a settings model: one option per field.

``@command(Settings, epilog=...)`` over ``def generate(settings: Settings)`` registers
``synthgen generate`` with a flag for every field of ``Settings`` (its name with ``-``, its
help, default and choices from the field, see :mod:`synthgen.config.markers`). Every value
arrives as ``None`` unless given, so the config file and the model's defaults fill the rest
(flag > config file > default), and the settings object is built, validated and handed to the
function in one place, where errors become one line and an exit code.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

import typer
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from synthgen.cli.app import ErrorOutput, app, user_errors
from synthgen.cli.help import Command, option_help
from synthgen.config import build_settings
from synthgen.config.markers import ConfigOnly, Flag, long_flag, marker

_M = TypeVar("_M", bound=BaseModel)

# The order of the help's sections: the command's own options first (the --config file and
# -h too), then those it shares with other commands.
SECTIONS = (
    "Options", "Teacher", "Filters", "Judging inline", "Code verification", "Output",
    "Requests, cache and budgets", "Batch API", "Sharding",
)  # fmt: skip

CONFIG_HELP = "TOML file with any of these options (flags win)."


def command(
    model: type[_M],
    *,
    name: str | None = None,
    epilog: str | None = None,
    config_help: str | None = None,
    notes: dict[str, str] | None = None,
) -> Callable[[Callable[[_M], None]], Callable[[_M], None]]:
    """Register the decorated ``f(settings)`` as a command taking ``model``'s fields as flags.

    ``config_help``: the command takes ``--config FILE`` (with this help). ``notes``: a
    sentence added to a field's help for this command only.
    """

    def register(body: Callable[[_M], None]) -> Callable[[_M], None]:
        params = _parameters(model, config_help, notes or {})
        aliases = _aliases(model)

        def run(**values: Any) -> None:
            config = values.pop("config", None)
            for hidden, field in aliases.items():
                old = values.pop(hidden)
                if old is not None and values[field] is None:
                    new, spelled = long_flag(model, field), "/".join(_flag(model, field).aliases)
                    _warn(f"{spelled} is now {new} (the old name goes in a later release)")
                    values[field] = old
            _call(model, body, values, config)

        run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        run.__name__ = body.__name__
        run.__doc__ = body.__doc__
        app.command(name, cls=Command, epilog=epilog)(run)
        return body

    return register


def _call(model: type[_M], body: Callable[[_M], None], values: dict[str, Any], config: Path | None) -> None:
    """Settings from flags and config file, logging set up, then the command's own work."""
    errors = ErrorOutput(as_json=values.get("log_format") == "json")
    with user_errors(errors):
        settings = build_settings(model, values, config, warn=_warn)
        log_format = getattr(settings, "log_format", None)
        if log_format is not None:
            errors.as_json = log_format == "json"  # the config file may ask for it
            from synthgen.engine.progress import setup_logging

            setup_logging(log_format)  # before the inputs are read: they may warn
        body(settings)


def _warn(message: str) -> None:
    typer.echo(f"synthgen: warning: {message}", err=True)


def _parameters(
    model: type[BaseModel], config_help: str | None, notes: dict[str, str]
) -> list[inspect.Parameter]:
    """The command's parameters: its positional argument, --config, then the fields by section."""
    offered = getattr(model, "command_line", None) or model.model_fields
    fields = [name for name in offered if marker(model, name, ConfigOnly) is None]
    arguments = [name for name in fields if _flag(model, name).argument]
    options = sorted((n for n in fields if n not in arguments), key=lambda n: _rank(section(model, n)))
    params = [_argument(model, name) for name in arguments]
    if config_help is not None:
        config = typer.Option(None, "--config", "-c", help=config_help, metavar="FILE")
        params.append(_keyword("config", Path | None, config))
    params += [_option(model, name, notes.get(name)) for name in options]
    for hidden, field in _aliases(model).items():
        flags = list(_flag(model, field).aliases)
        if _switch(model.model_fields[field]):
            flags = [f"{flag}/--no-{flag[2:]}" for flag in flags]
        old = typer.Option(None, *flags, hidden=True)
        params.append(_keyword(hidden, _typer_type(model.model_fields[field].annotation), old))
    return params


def _argument(model: type[BaseModel], name: str) -> inspect.Parameter:
    info = model.model_fields[name]
    flag = _flag(model, name)
    required = info.is_required()  # else: may be left out (e.g. merge's SHARD... list)
    default = ... if required else None
    argument = typer.Argument(default, help=info.description, metavar=flag.metavar, show_default=False)
    return _keyword(name, _typer_type(info.annotation, required=required), argument)


def _option(model: type[BaseModel], name: str, note: str | None) -> inspect.Parameter:
    info = model.model_fields[name]
    flag = _flag(model, name)
    decls = [long_flag(model, name)] + ([flag.short] if flag.short else [])
    if _switch(info):
        decls[0] = f"{decls[0]}/--no-{decls[0][2:]}"  # on by default: --no-cache turns it off
    is_list = get_origin(info.annotation) is list
    metavar = flag.metavar or _choices(info.annotation) or ("VALUE" if is_list else None)
    if is_list:
        metavar = f"{metavar} (repeatable)"
    default = ... if info.is_required() else None
    option = typer.Option(
        default,
        *decls,
        help=option_help(model, name, extra=f" {note}" if note else ""),
        show_default=False,
        metavar=metavar,
        rich_help_panel=section(model, name),
    )
    return _keyword(name, _typer_type(info.annotation, required=info.is_required()), option)


def _switch(info: FieldInfo) -> bool:
    """On by default: its flag has a ``--no-`` form."""
    return info.annotation is bool and info.get_default() is True


def _keyword(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


def _flag(model: type[BaseModel], name: str) -> Flag:
    return marker(model, name, Flag) or Flag()


def _aliases(model: type[BaseModel]) -> dict[str, str]:
    """Hidden parameter name -> the field its old spelling sets."""
    return {f"_old_{name}": name for name in model.model_fields if _flag(model, name).aliases}


def section(model: type[BaseModel], name: str) -> str:
    """The help section of a field: that of the settings class it comes from (a mixin such as
    the teacher's), else "Options" (the command's own)."""
    return _section(model, name) or "Options"


def _section(klass: type, name: str) -> str | None:
    for base in klass.__bases__:
        if issubclass(base, BaseModel) and name in base.model_fields:
            return _section(base, name) or klass.__dict__.get("help_section")
    return klass.__dict__.get("help_section")


def _rank(section: str) -> int:
    return SECTIONS.index(section) if section in SECTIONS else len(SECTIONS)


def _typer_type(annotation: Any, *, required: bool = False) -> Any:
    """The type typer parses a field's flag as (choices are checked by the model, whose error
    names the flag); ``None`` unless given, for an option."""
    scalar = _scalar(annotation)
    return scalar if required else scalar | None


def _scalar(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin is Literal:
        return str
    if origin is list:
        return list[_scalar(get_args(annotation)[0])]  # type: ignore[misc]
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        return _scalar(members[0])
    return annotation


def _choices(annotation: Any) -> str | None:
    """``<a|b>`` for a ``Literal["a", "b"]`` field (optional or not), else None."""
    if get_origin(annotation) is Literal:
        return "<" + "|".join(map(str, get_args(annotation))) + ">"
    for member in get_args(annotation):  # Literal[...] | None
        if get_origin(member) is Literal:
            return _choices(member)
    return None
