"""The order in which entries queued before load are run (HubSpot's four passes).

Rule 1: pass (a) runs the configuration entries in queue order; pass (b) is the
        tracker's own set-up (the caller's job); pass (c) runs the priority entries
        in queue order; pass (d) runs everything else first-in, first-out. Each
        command's pass is its row in commands.HSQ; `_hsp` has two (commands.HSP, P5).
Rule 2: the automatic first page view is HubSpot's prelude entry ['trackPageView'],
        appended when the script executes (spec Q10): in pass (d) it follows what the
        page queued before the script, and every setPath / identify of the priority pass
        has run before it (loading.py places it).
"""

from shim.core.commands import CONFIG, PRIORITY, Command


def pass_of(item, table):
    """CONFIG, PRIORITY or None (the rest) for one parsed entry (Command or Ignored)."""
    return table[item.name] if type(item) is Command and item.name in table else None


def passes(parsed, table):
    """Parsed entries (Command or Ignored) -> (config, priority, rest), each in queue order.

    `table` maps a command name to its pass. Ignored entries go to `rest`, so they are
    reported where they stood.
    """
    config = []
    priority = []
    rest = []
    for i in range(len(parsed)):
        item = parsed[i]
        step = pass_of(item, table)
        if step == CONFIG:
            config.append(item)
        elif step == PRIORITY:
            priority.append(item)
        else:
            rest.append(item)
    return config, priority, rest
