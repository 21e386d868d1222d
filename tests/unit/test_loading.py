"""shim.core.loading: the pre-load queue run in slices (begin_load, step, finish).

A fake budget stands in for the browser's clock: `over()` answers after a set number of
units of work, so each test decides where the slices end.
"""

from shim.core.commands import PageFunction
from shim.core.effects import CallListener, SendBeacon
from tests.unit.helpers import beacons, make_env, make_tracker, params

QUEUE = [
    ["trackEvent", "early"],
    ["setPath", "/a"],
    ["trackPageView"],
    ["identify", {"email": "a@b.co"}],
    ["setTrackingDomain", "t.example.com"],
    ["trackCustomBehavioralEvent", {"name": "pe123_x"}],
    ["setPath", "/b"],
    "junk",
    ["trackEvent", "late"],
]


class Budget:
    """over() is true after `units` calls, then again every `units` calls."""

    def __init__(self, units):
        self.units = units
        self.calls = 0

    def over(self):
        self.calls += 1
        return self.calls % self.units == 0


def begin(queue, tracker=None, mark=None):
    tracker = tracker or make_tracker()
    run = tracker.begin_load(mark=mark)
    for entry in queue:
        run.add(entry)
    return tracker, run


def drain(run, units, env=None):
    """Step until idle; the effects of each step."""
    budget = Budget(units)
    steps = []
    while not run.idle():
        steps.append(run.step(env or make_env(), budget.over))
        assert len(steps) < 1000
    return steps


def flat(steps):
    return [effect for step in steps for effect in step]


def described(effects):
    return [(type(e).__name__, getattr(e, "url", None) or getattr(e, "reason", None)
             or getattr(e, "kind", None)) for e in effects]


class TestOrderAcrossSlices:
    """Any slicing gives the effects of the one-shot load, in the same order."""

    def test_every_slice_size_gives_the_one_shot_loads_effects(self):
        whole = make_tracker().load(QUEUE, make_env())
        for units in (1, 2, 3, 5, 100):
            tracker, run = begin(QUEUE)
            effects = flat(drain(run, units)) + run.finish()
            assert described(effects) == described(whole), units

    def test_one_unit_per_slice_still_makes_progress(self):
        tracker, run = begin(QUEUE)
        steps = drain(run, 1)
        # 9 entries, the prelude's 3 (host, portal, view) and the set-up: one unit each.
        assert len(steps) == len(QUEUE) + 4

    def test_the_automatic_view_ends_its_slice(self):
        tracker, run = begin(QUEUE, mark=2)         # the script ran after two entries
        assert beacons(run.step(make_env(), lambda: False)) == []   # the config pass, the set-up
        first = run.step(make_env(), lambda: False)
        # The event queued before the script, then the automatic view: every setPath and
        # the config pass ran first, whatever their place in the queue.
        assert [(params(b)["k"], params(b).get("n")) for b in beacons(first)] == [
            ("3", "early"), ("1", None)]
        assert {params(b)["po"] for b in beacons(first)} == {"/b"}
        assert beacons(first)[1].url.startswith("https://t.example.com/")
        rest = run.step(make_env(), lambda: False)
        assert [params(b).get("n") for b in beacons(rest)] == [None, "pe123_x", "late"]
        assert run.idle()


class TestPrelude:
    """HubSpot's prelude goes in where the script executed (loading.py, Rule 2)."""

    def sent(self, queue, mark, **kwargs):
        tracker, run = begin(queue, make_tracker(**kwargs), mark=mark)
        effects = flat(drain(run, 100)) + run.finish()
        return [(params(b)["k"], params(b).get("n"), params(b)["a"]) for b in beacons(effects)]

    def test_events_queued_before_the_script_go_out_before_the_automatic_view(self):
        queue = [["trackEvent", "before"], ["trackEvent", "after"]]
        assert self.sent(queue, None) == [("3", "before", "123"), ("3", "after", "123"),
                                          ("1", None, "123")]
        assert self.sent(queue, 1) == [("3", "before", "123"), ("1", None, "123"),
                                       ("3", "after", "123")]
        assert self.sent(queue, 0)[0] == ("1", None, "123")

    def test_the_scripts_portal_wins_over_a_portal_queued_before_it(self):
        queue = [["setPortalId", 999]]
        assert self.sent(queue, None) == [("1", None, "123")]
        assert self.sent(queue, 0) == [("1", None, "999")]            # pushed after the script
        assert self.sent(queue, None, portal_id=None) == [("1", None, "999")]

    def test_a_function_ends_its_step_so_what_it_pushes_runs_next(self):
        called = PageFunction(lambda *args: None)
        tracker, run = begin([called, ["trackEvent", "x"]])
        run.step(make_env(), lambda: False)         # the set-up (Rule 6)
        first = run.step(make_env(), lambda: False)
        assert [type(e).__name__ for e in first][-1] == "CallPageFunction"
        assert beacons(first) == []


class TestConsentListenersAtSetUp:
    """The set-up calls the page's consent listeners (`_hsp`) in a step of its own, and
    what they push waits in the queue (loading.py, Rule 6): HubSpot's banner calls them
    before its tracker reads the queue, so their events go out after the automatic view."""

    def test_the_set_up_step_calls_the_consent_listener_and_its_pushes_wait(self):
        listener = ["addPrivacyConsentListener", PageFunction(lambda consent: None)]
        tracker = make_tracker()
        run = tracker.begin_load(privacy_entries=[listener], mark=None)
        run.add(["trackEvent", "queued"])
        assert run.pushes_wait()
        set_up = run.step(make_env(), lambda: False)
        assert [type(e).__name__ for e in set_up].count("CallListener") == 1
        assert beacons(set_up) == []                    # the step ends with the set-up
        assert not run.pushes_wait()                    # later steps' page code pushes at once

    def test_what_the_listener_pushed_goes_out_after_the_automatic_view(self):
        listener = ["addPrivacyConsentListener", PageFunction(lambda consent: None)]
        tracker = make_tracker()
        run = tracker.begin_load(privacy_entries=[listener], mark=None)
        run.step(make_env(), lambda: False)
        run.add_late(["trackEvent", "from-the-listener"])  # the adapter reads the Array
        effects = flat(drain(run, 100)) + run.finish()
        assert [(params(b)["k"], params(b).get("n")) for b in beacons(effects)] == [
            ("1", None), ("3", "from-the-listener")]


class TestLateEntries:
    """Entries the page pushes while slices run go behind everything queued."""

    def test_a_late_entry_runs_after_the_rest_pass_even_if_its_pass_came_earlier(self):
        tracker, run = begin([["trackEvent", "a"], ["setPath", "/queued"]])
        run.step(make_env(), lambda: True)                          # the set-up only
        run.add_late(["setPath", "/late"])                          # a priority command
        run.add_late(["trackEvent", "b"])
        sent = beacons(flat(drain(run, 1)))
        assert [(params(b).get("n"), params(b)["po"]) for b in sent] == [
            ("a", "/queued"), (None, "/queued"), ("b", "/late")]

    def test_late_entries_keep_the_order_the_page_pushed_them_in(self):
        tracker, run = begin([["trackEvent", "q1"], ["trackEvent", "q2"]])
        run.step(make_env(), lambda: True)
        for name in ("p1", "p2", "p3"):
            run.add_late(["trackEvent", name])
        sent = beacons(flat(drain(run, 2)))
        assert [params(b).get("n") for b in sent] == ["q1", "q2", None, "p1", "p2", "p3"]

    def test_an_entry_added_when_idle_runs_before_finish(self):
        tracker, run = begin([])
        drain(run, 5)
        run.add_late(["trackEvent", "after"])
        assert not run.idle()
        sent = beacons(flat(drain(run, 5)))
        assert [params(b)["n"] for b in sent] == ["after"]


class TestFinish:
    def test_a_queued_listener_hears_of_the_visitor_as_it_registers(self):
        listener = PageFunction(lambda *args: None)
        tracker, run = begin([["addIdentityListener", listener], ["trackEvent", "x"]])
        steps = flat(drain(run, 1))
        calls = [e for e in steps if type(e) is CallListener]
        assert [c.function for c in calls] == [listener.function]
        assert len(calls[0].args[0]) > 0                            # the __hstc value
        assert [e for e in run.finish() if type(e) is CallListener] == []

    def test_pushes_after_finish_run_at_once(self):
        tracker, run = begin([])
        drain(run, 3)
        run.finish()
        result, effects = tracker.push(["trackEvent", "now"], make_env())
        assert [params(b)["n"] for b in beacons(effects)] == ["now"]
        assert run.finish() == []                                   # once only

    def test_the_one_shot_load_sends_one_automatic_view(self):
        effects = make_tracker().load([], make_env())
        assert [type(e) for e in effects if type(e) is SendBeacon] == [SendBeacon]
