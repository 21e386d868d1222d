"""Runs scenarios on both sides, masks and compares them: one Result per scenario.

Rule 1: HubSpot runs first, then the shim, each in a fresh browser context.
Rule 2: the clock mask covers the whole harness run (from Runner's start to each
        comparison, a minute either side): a time a scenario computed when it was
        loaded (a fresh cross-domain link) reads <now> as the beacons' own times do.
Rule 3: a scenario whose address holds `{fingerprint}` gets HubSpot's fingerprint of this
        browser (its `bfp`), learnt from HubSpot's first beacon in this run, or from a
        plain page run for that purpose.
"""

import time

from fidelity.browser import SCREEN
from fidelity.compare import Masked, compare
from fidelity.known import classify
from fidelity.mask import Masker, tokens_in
from fidelity.scenario import TIMES, Scenario
from shim.testing.beacons import Beacon

CLOCK_SLACK_MS = 60000
FINGERPRINT = "{fingerprint}"


class Result:
    """A scenario's verdict: status (identical, deliberate, version, DIFFERENT), the
    differences left (DIFFERENT), the excused ones with their Known, both masked runs."""

    def __init__(self, scenario, hubspot, shim, status, left, excused):
        self.scenario = scenario
        self.hubspot, self.shim = hubspot, shim
        self.status, self.left, self.excused = status, left, excused


def scenario_text(scenario):
    """Everything the scenario wrote, for the tokens it declares (never masked)."""
    parts = [scenario.path, scenario.head] + list(scenario.before) + list(scenario.privacy)
    parts += list(scenario.after_script) + list(scenario.cookies.values())
    parts += [step.code for step in scenario.steps]
    return parts


def first_fingerprint(urls):
    for url in urls:
        value = Beacon(url).get("bfp")
        if value:
            return value
    return None


class Runner:
    def __init__(self, browser, hubspot, shim):
        self.browser, self.hubspot, self.shim = browser, hubspot, shim
        self.started = int(time.time() * 1000) - CLOCK_SLACK_MS
        self.fingerprint = None

    def learn_fingerprint(self):
        if self.fingerprint is None:
            outcome = self.browser.run(self.hubspot, Scenario("fingerprint", "bfp", path="/"))
            self.fingerprint = first_fingerprint(outcome.beacons) or ""
        return self.fingerprint

    def prepared(self, scenario):
        if FINGERPRINT not in scenario.path:
            return scenario
        copy = Scenario.__new__(Scenario)
        copy.__dict__.update(scenario.__dict__)
        copy.path = scenario.path.replace(FINGERPRINT, self.learn_fingerprint())
        return copy

    def masked(self, outcome, scenario, fingerprint):
        window = (self.started, int(time.time() * 1000) + CLOCK_SLACK_MS)
        masker = Masker(window, tokens_in(*scenario_text(scenario)),
                        (SCREEN["width"], SCREEN["height"]), TIMES, fingerprint)
        return Masked(outcome, masker)

    def compare(self, scenario):
        scenario = self.prepared(scenario)
        ours = self.browser.run(self.hubspot, scenario)
        theirs = self.browser.run(self.shim, scenario)
        fingerprint = first_fingerprint(ours.beacons) or self.fingerprint
        if fingerprint and self.fingerprint is None:
            self.fingerprint = fingerprint
        hubspot = self.masked(ours, scenario, fingerprint)
        shim = self.masked(theirs, scenario, fingerprint)
        status, left, excused = classify(scenario, hubspot, shim, compare(hubspot, shim))
        return Result(scenario, hubspot, shim, status, left, excused)
