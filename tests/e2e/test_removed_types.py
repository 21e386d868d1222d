"""Builtin types removed from the runtime fail loudly, in Chromium; so does a failed start-up.

Checks: bytes, bytearray, memoryview, complex and open() (buildtools/runtime.py REMOVED_TYPES)
are not in the bundle: creating one, or the arithmetic and methods that would make one, raises a
Python RuntimeError with the coverage cut's message (which tests/e2e/test_commands.py looks
for), never a JS TypeError and never a silent wrong value; the rest of the runtime still
runs. A small fixture package is built with the real runtime, not the shim, and without the
coverage cut (its code would reach cut functions): only the removals apply.
"""

import pytest

from buildtools import runtime
from tests.e2e.support import build_fixture_package, run_fixture_bundle

pytestmark = pytest.mark.e2e

ADAPTER = '''
from browser import window


def attempt(f):
    try:
        f()
        return "no error"
    except RuntimeError as e:
        return str(e)


def install():
    tries = [attempt(lambda: bytearray()), attempt(lambda: bytes(3)), attempt(lambda: b"ab"),
             attempt(lambda: "x".encode("utf-8")), attempt(lambda: memoryview(None)),
             attempt(lambda: complex(1, 2)), attempt(lambda: (-8) ** 0.5), attempt(lambda: open("x"))]
    fine = [str(2 ** 0.5)[:4], "-".join(["a", str(len({"k": 1}))]), str(isinstance("x", bytes))]
    window.fixtureResult = tries + fine
'''
ATTEMPTS = ["bytearray()", "bytes(3)", "b'ab'", "str.encode", "memoryview()", "complex()", "(-8) ** 0.5",
            "open()"]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return build_fixture_package(tmp_path_factory, {"adapter": ADAPTER})


def test_removed_types_raise_the_cut_error(page, bundle):
    assert set(runtime.REMOVED_TYPES) == {"py_bytes", "memoryview", "py_complex", "py_io"}
    errors = run_fixture_bundle(page, bundle)
    result = page.evaluate("() => Array.from(window.fixtureResult)")
    tries, fine = result[:len(ATTEMPTS)], result[len(ATTEMPTS):]
    for what, message in zip(ATTEMPTS, tries):
        assert "cut from this bundle" in message, (what, message)
    assert tries[0].endswith("(removed from it: bytes, bytearray)")
    assert tries[4].endswith("(removed from it: memoryview)") and tries[6].endswith("(removed from it: complex)")
    assert tries[7].endswith("(removed from it: open())")
    assert fine == ["1.41", "a-1", "False"]
    assert errors == []


FAILING_ADAPTER = '''
from browser import window


def install():
    window.fixtureResult = "started"
    raise ValueError("boom in start-up")
'''


def test_a_failed_start_up_says_what_failed_on_the_console_and_throws_nothing(page, tmp_path_factory):
    """A Python error escaping the start-up steps: the bundle's runner reports it through
    $B.handle_error as one console line, the error's class and message (buildtools/runtime.py:
    the bundle has no traceback to show), and the page gets no uncaught error."""
    bundle = build_fixture_package(tmp_path_factory, {"adapter": FAILING_ADAPTER})
    lines = []
    page.on("console", lambda message: message.type == "error" and lines.append(message.text))
    errors = run_fixture_bundle(page, bundle)
    page.wait_for_timeout(200)
    assert any(line.startswith("hsq-shim: ValueError: boom in start-up") for line in lines), lines
    assert errors == []
