"""Settings of the commands that publish a dataset: ``card`` (its dataset card) and ``push`` (to
the Hugging Face Hub), with the Hub's identifiers they check."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator

from synthgen.config.markers import Flag
from synthgen.config.shared import SettingsModel

# A Hub language code: ISO 639-1 or 639-3, maybe with a script or region (zh-Hant, pt-BR).
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
# A Hub license identifier (apache-2.0, cc-by-4.0, mit, other, unknown, ...).
LICENSE_ID = re.compile(r"^[a-z0-9][a-z0-9.+-]*$")
# A Hub repository id, as huggingface_hub's validator accepts it: user/name, letters, digits,
# "-", "_" and "." (no "--" or "..", not starting or ending with "-" or ".").
REPO_ID = re.compile(
    r"^(?!.*(--|\.\.))[A-Za-z0-9][A-Za-z0-9_.-]{0,95}(?<![.-])/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}(?<![.-])$"
)


class CardSettings(SettingsModel):
    """Options of ``synthgen card``."""

    input: Annotated[Path, Flag(argument=True, metavar="INPUT")] = Field(
        description="Dataset file; its run report is read when it exists."
    )
    output: Annotated[Path | None, Flag("-o")] = Field(
        None, description="Where to write the card; FILE.card.md when not given."
    )
    language: Annotated[list[str], Flag(metavar="CODE")] = Field(
        default_factory=lambda: ["en"],
        description="Language codes of the data (ISO 639-1/639-3: en, fr, zh-Hant).",
    )
    license: Annotated[str | None, Flag(metavar="ID")] = Field(
        None,
        description="The data's license as the Hub names it (apache-2.0, cc-by-4.0, mit, other); check the teacher's terms.",
    )
    pretty_name: Annotated[str | None, Flag(metavar="TEXT", shown="the file's name")] = Field(
        None, description="The dataset's display name."
    )
    source_dataset: Annotated[list[str], Flag(metavar="REPO")] = Field(
        default_factory=list, description="A Hub dataset the data was made from (user/name)."
    )

    @field_validator("language")
    @classmethod
    def _language_codes(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not LANGUAGE_CODE.match(code):
                raise ValueError(f"{code!r} is not a language code: use ISO 639-1 or 639-3 (en, fr, zh-Hant)")
        return codes

    @field_validator("license")
    @classmethod
    def _license_id(cls, value: str | None) -> str | None:
        if value is not None and not LICENSE_ID.match(value):
            raise ValueError(
                f"{value!r} is not a license identifier (apache-2.0, cc-by-4.0, mit, other, ...)"
            )
        return value

    @field_validator("source_dataset")
    @classmethod
    def _repo_ids(cls, repos: list[str]) -> list[str]:
        for repo in repos:
            if not REPO_ID.match(repo):
                raise ValueError(f"{repo!r} is not a Hub dataset id (user/name)")
        return repos


class PushSettings(SettingsModel):
    """Options of ``synthgen push``."""

    input: Annotated[Path, Flag(argument=True, metavar="OUT")] = Field(
        description="Dataset file to publish; its card (OUT.card.md or README.md beside it) and run report go with it."
    )
    repo: Annotated[str, Flag(metavar="USER/NAME")] = Field(
        description="Hub dataset repository to commit to."
    )
    private: bool = Field(
        False, description="Create the repository private (an existing one keeps its visibility)."
    )
    revision: Annotated[str | None, Flag(metavar="BRANCH", shown="main")] = Field(
        None, description="Branch to commit to (made from main when it does not exist)."
    )

    @field_validator("repo")
    @classmethod
    def _repo_id(cls, repo: str) -> str:
        if not REPO_ID.match(repo):
            raise ValueError(
                f"{repo!r} is not a Hub repository id: expected user/name (letters, digits, - _ .)"
            )
        return repo
