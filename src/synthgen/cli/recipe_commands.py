"""Commands that run a recipe on the engine: generate and respond."""

from __future__ import annotations

from synthgen.cli.app import finish_run
from synthgen.cli.options import CONFIG_HELP, command
from synthgen.config import RespondSettings, Settings
from synthgen.exit_codes import HELP as EXIT_CODES


@command(
    Settings,
    config_help=CONFIG_HELP,
    epilog="""Examples:

  synthgen generate --teacher mock --num 200 -o data/alpaca.jsonl

  OPENAI_API_KEY=sk-... synthgen generate --base-url https://api.openai.com/v1 --model gpt-4o-mini \\
      --num 5000 -o data/gpt.jsonl

  synthgen generate --base-url http://localhost:8000/v1 --model Qwen/Qwen2.5-7B-Instruct \\
      --mode instructions -o data/instructions.jsonl   # instructions only: respond answers them

"""
    + EXIT_CODES,
)
def generate(settings: Settings) -> None:
    """Generate instruction/input/output examples from seed tasks with a teacher model."""
    from synthgen.commands.generate import run_generate

    finish_run(settings, run_generate(settings))


@command(
    RespondSettings,
    config_help=CONFIG_HELP,
    epilog="""Examples:

  synthgen respond data/instructions.jsonl -o data/answers.jsonl --teacher mock --samples 4

  synthgen respond seeds/math_word_problems.jsonl -o data/math.jsonl --model deepseek-r1 \\
      --base-url http://localhost:8000/v1 --samples 4 --verify math --keep all

  OPENAI_API_KEY=sk-... synthgen respond data/instructions.jsonl -o data/batched.jsonl --batch \\
      --base-url https://api.openai.com/v1 --model gpt-4o-mini   # exits 75: run it again to collect

"""
    + EXIT_CODES,
)
def respond(settings: RespondSettings) -> None:
    """Have the teacher answer every row of a dataset (response and reasoning distillation)."""
    from synthgen.commands.respond import run_respond

    finish_run(settings, run_respond(settings))
