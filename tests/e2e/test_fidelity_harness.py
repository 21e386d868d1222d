"""The differential harness (python -m fidelity) in Chromium, without HubSpot's files: the
built shim stands on both sides.

- the shim against itself comes out identical (masking, pairing and settling are sound:
  two runs with their own random visitors, clocks and timings compare equal);
- a shim that sends something else (a build with one more parameter, or a
  configuration that keeps a double page view) comes out DIFFERENT: the harness can fail.
"""

from pathlib import Path

import pytest

from fidelity.browser import Browser
from fidelity.known import DIFFERENT, IDENTICAL
from fidelity.run import Runner
from fidelity.scenarios import BY_NAME
from fidelity.sides import ShimSide

pytestmark = pytest.mark.e2e
SHIM = Path(__file__).resolve().parents[2] / "static" / "hsq-shim.js"
PORTAL = "123"
# A handful that touch the load, consent with a decision and a reload, cookies, SPA
# steps and bad entries.
SAME = ["load-custom-event-queued", "policy-opt-in-accept", "cookies-returning-in-session",
        "url-hs-email", "bad-non-arrays"]


class ExtraParameter(ShimSide):
    """The shim with a different build: every beacon carries ct=variant."""

    def __init__(self):
        super().__init__(SHIM, PORTAL)
        prelude = b"(window._hsq = window._hsq || []).push(['setContentType', 'variant']);\n"
        self.body = prelude + self.body


class GuardOff(ShimSide):
    """The shim with another configuration: its duplicate guard off."""

    def init_scripts(self, scenario):
        return ["window.hsqShimConfig = {duplicateGuard: false};"]


@pytest.fixture
def runner(browser):
    return lambda shim: Runner(Browser(browser), ShimSide(SHIM, PORTAL), shim)


def texts(result):
    return [d.text() for d in result.left] + [d.text() for d, _ in result.excused]


@pytest.mark.parametrize("name", SAME)
def test_the_shim_against_itself_is_identical(runner, name):
    result = runner(ShimSide(SHIM, PORTAL)).compare(BY_NAME[name])
    assert result.hubspot.beacons, "the scenario sent nothing"
    assert (result.status, texts(result)) == (IDENTICAL, [])


def test_a_different_build_is_different(runner):
    result = runner(ExtraParameter()).compare(BY_NAME["load-plain"])
    assert result.status == DIFFERENT
    assert texts(result) == ["beacon 1 (page view): ct=variant only in the shim"]


def test_a_different_configuration_is_different(runner):
    result = runner(GuardOff(SHIM, PORTAL)).compare(BY_NAME["load-view-queued"])
    assert result.status == DIFFERENT
    assert texts(result) == ["beacon 2 (page view) only in the shim"]
