"""JS <-> Python at the boundary: a queue entry in, a command's result out.

Rule 1: to_py never throws for a value the page built: deep, wide or cyclic values are cut
        (MAX_DEPTH, MAX_ITEMS, MAX_VALUES), and read_entry turns a throwing getter or Proxy
        trap into Unreadable, which the core records.
Rule 2: what comes out is str/int/float/bool/None/list/dict/PageFunction/Unreadable only.
"""

import javascript
from browser import window

from shim.core.commands import PageFunction, Unreadable

UNDEFINED = javascript.UNDEFINED
NULL = javascript.NULL
MAX_DEPTH = 6                               # deeper JS values arrive as None
MAX_ITEMS = 200                             # longer arrays / objects are cut
MAX_VALUES = 256                            # values read per entry: a cyclic object ends

# Read once: each JS attribute read costs microseconds under Brython (hot path: push).
_object_keys = window.Object.keys
_reflect_get = window.Reflect.get
JS_ARRAY = javascript.Array                 # type() of every JS Array, any realm
JS_FUNCTION = type(_object_keys)            # type() of every JS function


def to_py(value, depth, budget):
    """A JS value as plain Python: to_py(value, 0, [MAX_VALUES]). `budget` ([n]) bounds the
    values read per entry, so a wide cyclic object costs at most MAX_VALUES reads instead of
    width ** depth. No defaults on purpose: a call with exactly its parameters takes
    Brython's fast argument path (a default costs the generic parser on every call).

    Written for the per-entry cost at load (#18): the kind comes from one type() (no JS
    call for arrays and functions), and loops are `while` (a range() is a generic type
    call in Brython)."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool:
        return value
    if value is None or value is NULL or value is UNDEFINED or depth > MAX_DEPTH:
        return None
    budget[0] -= 1
    if budget[0] < 0:
        return None
    if kind is JS_ARRAY:                    # the common case first
        n = len(value)
        if n > MAX_ITEMS:
            n = MAX_ITEMS
        out = []
        i = 0
        while i < n:
            out.append(to_py(value[i], depth + 1, budget))
            i += 1
        return out
    if kind is JS_FUNCTION:                 # typeof "function", async ones too (Q8)
        return PageFunction(value)
    # Any other object: its own enumerable keys (a hostile prototype adds nothing).
    keys = _object_keys(value)
    n = len(keys)
    if n == 1 and keys[0] == "$hsq_unreadable":
        # The runtime's stand-in for a value whose conversion threw (buildtools/runtime.py).
        return Unreadable(str(_reflect_get(value, keys[0]))[:200])
    if n > MAX_ITEMS:
        n = MAX_ITEMS
    out = {}
    i = 0
    while i < n:
        key = keys[i]
        # Brython keeps str dict keys in a JS object, where "__proto__" would set the
        # dict's prototype instead of a key: drop it (it means nothing to HubSpot).
        if key != "__proto__":
            out[key] = to_py(_reflect_get(value, key), depth + 1, budget)
        i += 1
    return out


def read_entry(value):
    """to_py for one queue entry; an entry whose getters or Proxy traps throw becomes
    Unreadable (the core records it) instead of stopping the entries after it."""
    try:
        return to_py(value, 0, [MAX_VALUES])
    except Exception as error:
        return Unreadable(str(error)[:200])


def call_page(function, argument):
    """A page function's result as plain Python (a legacy event's function `value`, which
    HubSpot calls); None when it throws or gives something unreadable."""
    try:
        result = read_entry(function(argument))
    except Exception:
        return None
    return None if type(result) is Unreadable else result


def to_js(value):
    return UNDEFINED if value is None else value
