"""Settings of ``respond --verify code``: where a row's tests are, and how samples are run."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, field_validator

from synthgen.config.markers import Fingerprint, Flag
from synthgen.config.shared import SettingsModel

# Only when not the default: outputs made before code verification existed still resume.
_CODE = Fingerprint(omit_default=True)


class CodeVerifyOptions(SettingsModel):
    """``--verify code``: each answer's code runs against its row's tests in a sandbox."""

    help_section: ClassVar[str] = "Code verification"

    tests_field: Annotated[str, _CODE] = Field(
        "tests",
        description="Field holding a row's tests: assert code, check(candidate), or input/output pairs.",
    )
    entry_point_field: Annotated[str, _CODE] = Field(
        "entry_point", description="Field naming the function that check(candidate) is called with."
    )
    entry_point: Annotated[str | None, _CODE, Flag(metavar="NAME")] = Field(
        None, description="That function's name for every row (instead of --entry-point-field)."
    )
    exact_output: Annotated[bool, _CODE] = Field(
        False, description="Compare a program's stdout exactly (default: whitespace-separated tokens)."
    )
    verify_timeout: Annotated[float, _CODE, Flag(metavar="SECONDS")] = Field(
        10.0,
        gt=0,
        le=3600,
        description="Wall-clock limit of one sample's run; everything it started is killed.",
    )
    verify_workers: Annotated[int | None, Flag(shown="CPU cores")] = Field(
        None, ge=1, le=256, description="Samples run at once (sandbox worker processes)."
    )
    sandbox: Literal["process"] = Field(
        "process", description="How samples are isolated: Linux namespaces, own uid, rlimits (see README)."
    )
    allow_network_unsandboxed: bool = Field(
        False, description="Run samples even where no network namespace can be made (they reach the network)."
    )

    @field_validator("entry_point")
    @classmethod
    def _name(cls, name: str | None) -> str | None:
        if name is not None and not name.isidentifier():
            raise ValueError(f"{name!r} is not a Python function name")
        return name
