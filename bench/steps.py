"""Steps of a benchmark that need the site's models, each run in a process of its own.

A benchmark's own process never starts Django: it prepares the environment its servers use
(settings, database) and runs ``python -m <module> <step> [arguments]`` in it, to seed data or
check what was saved. A step answers with a dict, printed as one line of JSON.
"""

import json
import sys
from collections.abc import Callable

from bench.servers import run_python


def step_run(module: str, env: dict, step: str, *args: str) -> dict:
    """Run ``step`` of ``module`` in ``env``; its answer."""
    return json.loads(run_python(env, "-m", module, step, *args).splitlines()[-1])


def command_line(benchmark: Callable[[], bool] | None = None, steps: dict[str, Callable[..., dict]] | None = None):
    """A module's command line: a step and its arguments, or else the benchmark (exit status 1: a target missed)."""
    steps = steps or {}
    if sys.argv[1:2] and sys.argv[1] in steps:
        import django

        django.setup()
        print(json.dumps(steps[sys.argv[1]](*sys.argv[2:])))
    elif benchmark is not None:
        sys.exit(0 if benchmark() else 1)
    else:
        sys.exit(f"Steps: {', '.join(steps)}; run by the benchmark.")
