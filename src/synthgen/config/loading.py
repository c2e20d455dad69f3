"""Config files and flags into a validated settings model; validation errors as one line each."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import (
    BaseModel,
    ValidationError,
)

from synthgen.config.markers import long_flag, old_names
from synthgen.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


_M = TypeVar("_M", bound=BaseModel)


def load_config_file(path: Path) -> dict[str, Any]:
    """Read a TOML config file into a flat dict of option names (``-`` becomes ``_``)."""
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: config file not found") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}:{line}: not UTF-8 (byte 0x{raw[exc.start]:02x}): a TOML config file must be UTF-8 text"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    if isinstance(data.get("generate"), dict):  # allow a [generate] table too
        data = {**{k: v for k, v in data.items() if k != "generate"}, **data["generate"]}
    return {key.replace("-", "_"): value for key, value in data.items()}


def build_settings(
    model: type[_M],
    overrides: dict[str, Any],
    config_path: Path | None = None,
    warn: Callable[[str], None] | None = None,
) -> _M:
    """Merge config file and flags (flags win) into a validated settings object. An option's
    old name in the config file still sets it (the new name wins), with a ``warn``ing."""
    merged: dict[str, Any] = load_config_file(config_path) if config_path else {}
    for old, name in old_names(model).items():
        if old in merged:
            value = merged.pop(old)
            merged.setdefault(name, value)
            if warn is not None:
                new = name.replace("_", "-")
                warn(
                    f"{config_path}: {old.replace('_', '-')} is now {new} (the old name goes in a later release)"
                )
    flags = {k: v for k, v in overrides.items() if v is not None}
    merged.update(flags)
    try:
        return model.model_validate(merged, context={"flags": set(flags)})
    except ValidationError as exc:
        source = str(config_path) if config_path else "options"
        raise ConfigError(format_validation_error(exc, source, model)) from exc


def format_validation_error(exc: ValidationError, source: str, model: type[BaseModel] | None = None) -> str:
    """One line per problem: ``--flag: message`` for flags, ``source: key: message`` for a file."""
    lines = []
    for err in exc.errors():
        if not err["loc"] and err["type"] == "value_error":
            lines.append(str(err["ctx"]["error"]))  # a check across options names its flags
            continue
        field = ".".join(str(p) for p in err["loc"]) or "(root)"
        msg = "unknown option" if err["type"] == "extra_forbidden" else err["msg"]
        # A flag is named as typed (--num); a config-file key with its file.
        if source != "options":
            lines.append(f"{source}: {field.replace('_', '-')}: {msg}")
        elif model is not None and field in model.model_fields:
            lines.append(f"{long_flag(model, field)}: {msg}")
        else:
            lines.append(f"--{field.replace('_', '-')}: {msg}")
    return "\n".join(lines)
