"""The plugin as a user gets it: inner pytest sessions in a subprocess, in a fresh
project directory, with the real entry-point plugin, the real `page` fixture and Chromium.

(Not the `pytester` fixture: `pytest_plugins = ["pytester"]` is refused in a conftest
below the rootdir. The results are pytest's own public `RunResult`, so the checks read
the same: `assert_outcomes`, `stdout.fnmatch_lines`.)
"""

import inspect
import os
import subprocess
import sys
import textwrap
import time

import pytest

from shim.testing.chromium import SYSTEM_CHROMIUM, chromium_executable
from tests.conftest import CHROMIUM_FLAGS, ROOT


def inner_conftest():
    """The project's Chromium launch (flags, the OS Chromium as fallback) for inner runs."""
    return "\n".join([
        "import os",
        "import pytest",
        "SYSTEM_CHROMIUM = %r" % SYSTEM_CHROMIUM,
        "CHROMIUM_FLAGS = %r" % CHROMIUM_FLAGS,
        "",
        inspect.getsource(chromium_executable),
        "",
        "@pytest.fixture(scope='session')",
        "def browser_type_launch_args(browser_type_launch_args, playwright):",
        "    args = {**browser_type_launch_args, 'args': CHROMIUM_FLAGS}",
        "    executable = chromium_executable(playwright)",
        "    if executable:",
        "        args['executable_path'] = executable",
        "    return args",
        "",
    ])


class UserProject:
    """A user's project directory: only a conftest for launching Chromium; the plugin
    itself comes from the installed package's entry point."""

    def __init__(self, path):
        self.path = path
        (path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
        (path / "conftest.py").write_text(inner_conftest())

    def write(self, **files):
        for name, text in files.items():
            (self.path / (name + ".py")).write_text(textwrap.dedent(text))

    def run(self, *args, timeout=120):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        # This checkout's `shim` (an editable install may point at another worktree);
        # the entry point that loads it is still the installed package's.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        start = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=str(self.path),
                              env=env, capture_output=True, text=True, timeout=timeout)
        result = pytest.RunResult(done.returncode, done.stdout.splitlines(),
                                  done.stderr.splitlines(), time.monotonic() - start)
        print(done.stdout, done.stderr, sep="\n")      # shown when the outer test fails
        return result


@pytest.fixture
def user_project(tmp_path):
    return UserProject(tmp_path)
