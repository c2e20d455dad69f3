"""What a settings field says besides its type, default and description.

An option is declared once, as a field of a settings model::

    concurrency: Annotated[int, Flag("-j")] = Field(32, ge=1, description="Max requests in flight.")
    similarity_threshold: Annotated[float, FINGERPRINT] = Field(0.7, description="...")

The command line is generated from the fields (``--concurrency``, its help, its default, its
choices); the TOML config keys are the field names; a field marked :class:`Fingerprint`
belongs to the resume fingerprint (a resumed run must have the same value). A subclass that
only changes a field's default or description keeps the markers of the base's declaration.

A model that offers an inherited option its own way (an old spelling of its own, the
fingerprint key its existing outputs were made with) re-marks it in ``field_markers``, a
class variable: field name -> the markers it has in that model, in place of the
declaration's (``pairs`` re-marks the judge's options this way).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

_Marker = TypeVar("_Marker")


@dataclass(frozen=True)
class Flag:
    """How a field appears on the command line; its long flag is its name with ``-`` for ``_``."""

    short: str | None = None  # "-m"
    name: str | None = None  # the long flag when it is not the field's name ("--json")
    metavar: str | None = None  # what the value is ("URL"); Literal fields list their choices
    shown: str | Callable[[], str] | None = None  # the default as help shows it, when decided at run time
    aliases: tuple[str, ...] = ()  # old spellings, accepted but not listed in help
    argument: bool = False  # positional (INPUT)


@dataclass(frozen=True)
class ConfigOnly:
    """A field set only in the config file (a table such as ``[prices."MODEL"]``), never a flag."""


@dataclass(frozen=True)
class Fingerprint:
    """The field decides what a run writes: a resumed run must have the same value.

    ``resolved``: what counts is what the command resolves the value to (a file's digest, the
    teacher kind); the command passes it to :meth:`fingerprint` (under ``key``). ``when``: only when that
    field of the model is set (a model without it: always). ``omit_default``: only when not the
    default, so that outputs made before the option existed still resume.
    """

    resolved: bool = False
    when: str | None = None
    omit_default: bool = False
    key: str | None = None  # its name in the fingerprint, when not the field's


FINGERPRINT = Fingerprint()
CONFIG_ONLY = ConfigOnly()


def marker(model: type[BaseModel], name: str, kind: type[_Marker]) -> _Marker | None:
    """The ``kind`` marker of field ``name``: the model's re-marking of it (``field_markers``),
    else its own declaration's, else the nearest base declaration's."""
    for klass in model.__mro__:
        remarked = klass.__dict__.get("field_markers", {})
        if name in remarked:
            return next((m for m in remarked[name] if isinstance(m, kind)), None)
        fields = getattr(klass, "__pydantic_fields__", None)
        if not fields or name not in fields:
            continue
        found = [m for m in fields[name].metadata if isinstance(m, kind)]
        if found:
            return found[0]
    return None


def long_flag(model: type[BaseModel], name: str) -> str:
    """The flag that sets field ``name`` (``--base-url``; ``--json`` for ``json_report``)."""
    flag = marker(model, name, Flag)
    return (flag and flag.name) or "--" + name.replace("_", "-")


def fingerprint(settings: BaseModel, resolved: dict[str, Any]) -> dict[str, Any]:
    """The marked fields' values, with ``resolved`` for those marked ``resolved`` (and extra
    keys a command adds, such as the digest of an evolve prompt directory)."""
    model = type(settings)
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        mark = marker(model, name, Fingerprint)
        if mark is None or (mark.when and getattr(settings, mark.when, True) is None):
            continue
        key = mark.key or name
        if mark.resolved:
            if key not in resolved:
                raise TypeError(f"fingerprint of {model.__name__}: {key} must be given resolved")
            continue
        value = getattr(settings, name)
        if mark.omit_default and value == info.get_default(call_default_factory=True):
            continue
        data[key] = value
    return {**data, **resolved}


def old_names(model: type[BaseModel]) -> dict[str, str]:
    """Old spelling -> field, for the config file's keys: each flag alias without its dashes
    (``--prompt`` -> ``prompt``), as the file's keys are the flags' names."""
    names = {}
    for name in model.model_fields:
        flag = marker(model, name, Flag)
        for alias in flag.aliases if flag else ():
            names[alias.lstrip("-").replace("-", "_")] = name
    return names


def digest(content: dict[str, Any]) -> str:
    """The short hash of a fingerprint that a run's report records as ``config_hash``."""
    blob = json.dumps(content, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]
