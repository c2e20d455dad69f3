"""Where things are: the bundled prompt templates and seed files (installed or in a checkout),
and the response cache's default place."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_dir(kind: str) -> Path:
    """Directory of bundled ``prompts`` or ``seeds``.

    A wheel ships them inside the package (``synthgen/_data/<kind>``, see pyproject's
    force-include); an editable install or a source checkout reads the repository's copy.
    """
    packaged = Path(str(resources.files("synthgen"))) / "_data" / kind
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / kind


def default_prompt_path(mode: str = "tasks") -> Path:
    """The bundled template of ``generate --mode tasks`` or ``--mode instructions``."""
    name = "self_instruct_instructions.txt" if mode == "instructions" else "self_instruct.txt"
    return data_dir("prompts") / name


def default_seeds_path() -> Path:
    return data_dir("seeds") / "seed_tasks.jsonl"


def default_evolve_prompt_dir() -> Path:
    """The bundled prompts of ``synthgen evolve``, one ``<operation>.txt`` each."""
    return data_dir("prompts") / "evolve"


def default_cache_path() -> Path:
    """The response cache of ``--cache-path``'s default: in the user's cache folder."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("synthgen")) / "responses.sqlite3"
