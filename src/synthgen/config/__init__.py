"""Every option of every command, with its default, in one place.

Precedence (highest first): command-line flag > TOML config file (``--config``) > default here.
The API key is never an option: it is read from the environment variable named by
``api_key_env`` when the teacher is built, and never stored in a config object.

The models live in :mod:`synthgen.config.shared` (options several commands share),
:mod:`synthgen.config.recipes`, :mod:`synthgen.config.judging`, :mod:`synthgen.config.tools` and
:mod:`synthgen.config.publish` (one model per command); :mod:`synthgen.config.markers` says how a
field is declared; :mod:`synthgen.config.loading` merges a TOML file and the flags into one of them.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from synthgen.config.batch import BatchesSettings, BatchOptions
    from synthgen.config.judging import (
        InlineJudgeOptions,
        JudgeCallOptions,
        JudgeOptionsMixin,
        JudgeSettings,
        PairsSettings,
    )
    from synthgen.config.loading import build_settings, format_validation_error, load_config_file
    from synthgen.config.publish import CardSettings, PushSettings
    from synthgen.config.recipes import EVOLVE_OPERATIONS, EvolveSettings, RespondSettings, Settings
    from synthgen.config.shared import (
        DEFAULT_BLOCKLIST,
        FilterOptions,
        Price,
        RunOutputOptions,
        SettingsModel,
        TeacherOptions,
        TeacherRunOptions,
    )
    from synthgen.config.tools import (
        CheckSettings,
        ConvertSettings,
        DedupSettings,
        FilterSettings,
        MergeSettings,
        MockServerSettings,
        StatsSettings,
    )

__all__ = [
    "DEFAULT_BLOCKLIST",
    "EVOLVE_OPERATIONS",
    "BatchOptions",
    "BatchesSettings",
    "CardSettings",
    "CheckSettings",
    "ConvertSettings",
    "DedupSettings",
    "EvolveSettings",
    "FilterOptions",
    "FilterSettings",
    "InlineJudgeOptions",
    "JudgeCallOptions",
    "JudgeOptionsMixin",
    "JudgeSettings",
    "MergeSettings",
    "MockServerSettings",
    "PairsSettings",
    "Price",
    "PushSettings",
    "RespondSettings",
    "RunOutputOptions",
    "Settings",
    "SettingsModel",
    "StatsSettings",
    "TeacherOptions",
    "TeacherRunOptions",
    "build_settings",
    "format_validation_error",
    "load_config_file",
]

# Each name is loaded from its module on first use: a process that needs one model (the
# screening worker needs FilterOptions) does not build every command's settings (~0.1 s).
_WHERE = {
    "build_settings": "loading",
    "format_validation_error": "loading",
    "load_config_file": "loading",
    "EVOLVE_OPERATIONS": "recipes",
    "EvolveSettings": "recipes",
    "InlineJudgeOptions": "judging",
    "JudgeCallOptions": "judging",
    "JudgeOptionsMixin": "judging",
    "JudgeSettings": "judging",
    "PairsSettings": "judging",
    "RespondSettings": "recipes",
    "Settings": "recipes",
    "DEFAULT_BLOCKLIST": "shared",
    "FilterOptions": "shared",
    "Price": "shared",
    "RunOutputOptions": "shared",
    "SettingsModel": "shared",
    "TeacherOptions": "shared",
    "BatchesSettings": "batch",
    "BatchOptions": "batch",
    "TeacherRunOptions": "shared",
    "CardSettings": "publish",
    "CheckSettings": "tools",
    "ConvertSettings": "tools",
    "DedupSettings": "tools",
    "FilterSettings": "tools",
    "MergeSettings": "tools",
    "MockServerSettings": "tools",
    "PushSettings": "publish",
    "StatsSettings": "tools",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f"synthgen.config.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'synthgen.config' has no attribute {name!r}")
