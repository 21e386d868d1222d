"""CPU profiles (`python -m bench --profile`): where start-up and pushes spend their time.

Start-up: a blank page of the variant's folder queues the bench's commands, the CDP profiler
starts, then the variant's entry script is inserted; the profile stops once the page is ready
(bench/measure.py READY). Push: 3,000 setPath + identify pushes. Each profile is written as
profile-<phase>-<variant>.cpuprofile (open it in DevTools) and summarised by self time.
"""
import json
import time

from bench.measure import READY
from bench.serving import page_url


def profile(browser, base, variant, out_dir, context_args=None):
    """{"startup": top_self(...), "push": top_self(...)} of `variant`; profiles in out_dir."""
    context = browser.new_context(**(context_args or {}))
    result = {}
    try:
        page = context.new_page()
        page.goto(page_url(base, variant.name).replace("page.html", "blank.html"))
        page.evaluate("""() => { window._hsq = [['setPath', '/bench?x=1'],
                                              ['identify', {email: 'a@b.co'}], ['trackPageView']]; }""")
        cdp = context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 100})
        cdp.send("Profiler.start")
        page.evaluate("""(src) => { const s = document.createElement('script'); s.async = true; s.src = src;
                                    s.id = 'hs-script-loader';
                                    s.setAttribute('data-portal-id', '123');
                                    s.setAttribute('data-tracking-url', location.origin + '/t');
                                    document.head.appendChild(s); }""", variant.entry)
        deadline = time.monotonic() + 15
        while not page.evaluate("() => " + READY):
            if time.monotonic() > deadline:
                raise RuntimeError("profile: %s not ready" % variant.name)
            page.wait_for_timeout(10)
        result["startup"] = stop(cdp, out_dir / ("profile-startup-%s.cpuprofile" % variant.name))
        cdp.send("Profiler.start")
        page.evaluate("""() => { for (let i = 0; i < 3000; i++) { _hsq.push(['setPath', '/p' + (i % 7)]);
                                   _hsq.push(['identify', {email: 'b@c.co'}]); } }""")
        result["push"] = stop(cdp, out_dir / ("profile-push-%s.cpuprofile" % variant.name))
    finally:
        context.close()
    return result


def stop(cdp, path):
    prof = cdp.send("Profiler.stop")["profile"]
    path.write_text(json.dumps(prof))
    return top_self(prof)


def top_self(prof, n=15):
    nodes = {node["id"]: node for node in prof["nodes"]}
    deltas = prof.get("timeDeltas") or []
    self_us = {}
    for sample, dt in zip(prof["samples"][1:], deltas[1:]):
        self_us[sample] = self_us.get(sample, 0) + dt
    by_fn = {}
    for node_id, us in self_us.items():
        cf = nodes[node_id]["callFrame"]
        name = cf["functionName"] or "(anonymous)"
        where = cf["url"].rsplit("/", 1)[-1]
        key = "%s %s:%d" % (name, where, cf["lineNumber"] + 1) if where else name
        by_fn[key] = by_fn.get(key, 0) + us
    total = sum(by_fn.values()) or 1
    top = sorted(by_fn.items(), key=lambda kv: -kv[1])[:n]
    return {"total_ms": total / 1000, "top": [{"function": k, "self_ms": v / 1000, "pct": 100 * v / total}
                                             for k, v in top]}


def print_profiles(res, variants=("shim",)):
    for name in variants:
        for phase in ("startup", "push"):
            prof = res["profile"].get(name, {}).get(phase)
            if not prof:
                continue
            print("\nCPU profile, %s %s: %.1f ms sampled; top self time:" % (name, phase, prof["total_ms"]))
            for row in prof["top"][:12]:
                print("  %6.2f ms %5.1f %%  %s" % (row["self_ms"], row["pct"], row["function"]))
