"""Long pre-load queues and many pushes, end to end in Chromium (issue #18).

Checks: 1,000 queued entries are run in short tasks (no main-thread task of the load takes
over LONG_TASK_MS of CPU time); pushes the page makes while those tasks are still running go
behind the queue, in the order pushed, and `_hsq.push` stays the Array's own push until the
queue is empty; 50,000 pushes after load leave the JS heap and the read-back record bounded.
"""

import pytest

from tests.e2e.support import MainThreadTrace, capture, errors_of, wait_until_ready

pytestmark = pytest.mark.e2e
SCALE_PAGE = "/tests/e2e/pages/scale.html"
# Slices have a 10 ms budget, so a quiet machine shows no task over 50 ms (the bench's scale
# section measures that in wall time). The test reads each task's CPU time from a Chromium
# trace instead: preemption on a shared machine (parallel test workers, a benchmark)
# stretches a slice's wall time but not its CPU time. The bound is generous (tracing costs
# time too); the one-task load took 355-610 ms for this queue when quiet.
LONG_TASK_MS = 200


def sent_events(page):
    """The `n` of every trackEvent beacon, in the order the shim sent them."""
    return page.evaluate("""() => hsqShim.beacons.filter(b => b.params.k === '3')
                                                 .map(b => b.params.n)""")


class TestLongQueue:
    def test_a_thousand_queued_entries_make_no_long_task(self, page):
        capture(page)
        errors = errors_of(page)
        with MainThreadTrace(page) as trace:
            page.goto(SCALE_PAGE + "?n=1000")
            wait_until_ready(page)
        load_event = trace.marks["loadEventStart"]
        # The load runs from the load event to ready: the tasks that end after it began.
        tasks = [(cpu, wall) for start, wall, cpu in trace.tasks if start + wall >= load_event]
        assert len(tasks) >= 2, "the trace shows no task of the load"
        cpu, wall = max(tasks)
        over_20 = [(round(c), round(w)) for c, w in tasks if c > 20]
        assert cpu <= LONG_TASK_MS, ("a task of the load took %.0f ms of CPU time (%.0f ms wall); "
                                     "its tasks over 20 ms (CPU, wall): %s" % (cpu, wall, over_20))
        assert page.evaluate("() => hsqShim.beacons[0].params.po") == "/p/999"
        assert page.evaluate("() => hsqShim.beacons[0].params.i") == "email=u998%40example.com"
        assert sent_events(page) == ["queued-last"]
        assert errors == []

    def test_pushes_made_while_the_queue_runs_go_behind_it_in_order(self, page):
        capture(page)
        errors = errors_of(page)
        page.goto(SCALE_PAGE + "?n=1000&during=1")
        wait_until_ready(page)
        during = page.evaluate("() => pushedDuring")
        assert len(during) >= 2, "the page found no task between the load's slices"
        assert all(p["arrayPush"] for p in during)
        events = sent_events(page)
        assert events == ["queued-last"] + ["during-%d" % p["k"] for p in during]
        # One automatic view, with the queue's last setPath: no later push ran ahead of it.
        views = page.evaluate("() => hsqShim.beacons.filter(b => b.params.k === '1')"
                              ".map(b => b.params.po)")
        assert views == ["/p/999"]
        assert page.evaluate("() => _hsq.length") == 0
        # Once ready, a push runs at once again.
        page.evaluate("() => _hsq.push(['trackEvent', 'after'])")
        assert sent_events(page)[-1] == "after"
        assert errors == []


class TestMemory:
    def test_fifty_thousand_pushes_leave_the_heap_and_the_record_bounded(self, page):
        capture(page)
        errors = errors_of(page)
        page.goto(SCALE_PAGE + "?n=10")
        wait_until_ready(page)
        cdp = page.context.new_cdp_session(page)

        def heap_after(pushes):
            # Mostly state changes, a refused entry every 10th (the ignored record) and an
            # event beacon every 500th (the beacon record).
            page.evaluate("""(n) => {
              for (let i = 0; i < n; i++) {
                if (i % 500 === 0) _hsq.push(['trackEvent', 'e' + i]);
                else if (i % 10 === 0) _hsq.push(['noSuchCommand', i]);
                else if (i % 2) _hsq.push(['setPath', '/m/' + (i % 97)]);
                else _hsq.push(['identify', {email: 'm' + (i % 89) + '@example.com'}]);
              }
            }""", pushes)
            cdp.send("HeapProfiler.collectGarbage")
            cdp.send("HeapProfiler.collectGarbage")
            return cdp.send("Runtime.getHeapUsage")["usedSize"]

        first = heap_after(10000)
        record_first = page.evaluate("() => [hsqShim.beacons.length, hsqShim.ignored.length]")
        last = heap_after(40000)
        record_last = page.evaluate("() => [hsqShim.beacons.length, hsqShim.ignored.length]")
        # 40,000 more pushes: the heap grows by well under 1 MB (25 B a push), the record
        # not at all past its cap.
        assert last - first < 1_000_000, (first, last)
        assert record_first[1] == record_last[1] == 500
        assert record_last[0] <= 500 and record_last[0] > record_first[0]
        assert errors == []
