"""The browser adapter: the only package that touches `browser` and `javascript`.

It reads the page's facts into plain values, hands them to the core (shim.core.tracker),
carries out the effects the core returns, and gives the page's own `_hsq` Array its own
`push`. No tracking decision lives here. One concern per module, in build order:

  values   JS <-> Python: entries in (to_py, read_entry), results out (to_js)
  page     the page's facts: script tag, location, cookies, client, randomness
  effects  EffectRunner: beacons, cookies, listeners, clicks; the hsqShim record
  links    LinkDecorator: enableAutomaticLinker's links, rewritten as they are followed
  start    install, the sliced load (Starter, TaskHop), the pushes, HistoryWatcher

Rule 1: every function the page can reach catches everything: the shim never throws
        into the page.
Rule 2: JS values are converted once, at the boundary (values.to_py), into str/int/
        float/bool/None/list/dict/PageFunction; the core never sees a JS proxy.
Rule 3: Python None never reaches JS (it would be a truthy object there): results go
        out as javascript.UNDEFINED.
Rule 4: never read a *method* off a shared prototype (values._to_string says why), and
        read hot JS functions once, at import: each JS attribute read costs microseconds.
"""
