"""The chart of a bench run: first beacon per network profile and variant, cold and warm.

Drawn from the run's JSON only (`python -m bench.report RESULTS --docs` -> docs/performance.png):
bars are medians, whiskers the middle half of the samples (25th to 75th percentile); above each
shim bar its ratio to HubSpot's chain of the same run. The floors stand between HubSpot's chain
and the shim, so each profile's bars read as a ladder: the file, Brython's runtime, the shim.
"""
import statistics

from bench import network
from bench.variants import LABELS

ORDER = ("hubspot", "floor", "runtime", "shim", "baseline", "reference")
COLORS = {"hubspot": "tab:orange", "shim": "tab:blue", "reference": "tab:green",
          "baseline": "tab:gray", "runtime": "tab:purple", "floor": "tab:cyan"}


def chart(res, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = [k for k in ("cold", "warm") if res.get(k)]
    fig, axes = plt.subplots(1, len(kinds), figsize=(6.5 * len(kinds), 4.4), squeeze=False)
    for ax, kind in zip(axes[0], kinds):
        profiles = list(res[kind])
        impls = [i for i in ORDER if any(i in res[kind][p] for p in profiles)]
        width = 0.8 / len(impls)
        for n, impl in enumerate(impls):
            xs, meds, lows, highs = [], [], [], []
            for x, profile in enumerate(profiles):
                stat = res[kind][profile].get(impl, {}).get("first_beacon_ms")
                if stat:
                    low, high = quartiles(stat)
                    xs.append(x - 0.4 + width * (n + 0.5))
                    meds.append(stat["median"])
                    lows.append(stat["median"] - low)
                    highs.append(high - stat["median"])
            ax.bar(xs, meds, width, color=COLORS.get(impl, "tab:brown"), label=LABELS.get(impl, impl),
                   yerr=[lows, highs], error_kw={"elinewidth": 0.8, "capsize": 2, "ecolor": "0.3"})
            if impl == "shim":
                for x, profile, med, high in zip(xs, profiles, meds, highs):
                    hub = res[kind][profile].get("hubspot", {}).get("first_beacon_ms")
                    if hub:
                        ax.annotate("%.2f×" % (med / hub["median"]), (x, med + high), xytext=(0, 3),
                                    textcoords="offset points", ha="center", fontsize=7, color="tab:blue")
        ax.set_xticks(range(len(profiles)), [network.label(p).replace(" (", "\n(") for p in profiles], fontsize=8)
        ax.set_ylabel("first beacon, ms after navigation\n(median; whiskers: 25th-75th percentile)")
        ax.set_title("%s load%s" % (kind, ", 4th visit (HTTP + code cache)" if kind == "warm" else ", new context"),
                     fontsize=10)
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=8)
    meta = res["meta"]
    fig.suptitle("First beacon by network profile (headless Chromium %s, 2 vCPUs; %s, %s, load %.1f-%.1f)" % (
        meta["chromium"].split(".")[0], meta["date"][:10], meta.get("commit", "?"),
        meta["load_before"][0], meta["load_after"][0]), fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=90, metadata={"Software": None})
    plt.close(fig)


def quartiles(stat):
    """(25th, 75th) percentile of a measure's samples; the median twice for fewer than 2."""
    samples = stat.get("samples") or [stat["median"]]
    if len(samples) < 2:
        return stat["median"], stat["median"]
    q = statistics.quantiles(samples, n=4)
    return q[0], q[2]
