"""The runtime's fast paths give what Python gives, in Chromium.

buildtools/runtime.py FAST_PATCHES shortcut Brython's generic protocol on the push path
(attribute reads, `is`, `in` on a dict, dict iteration, len(), truth, t[i], method calls), and
buildtools/lookups.js fastLookups rewrites `type(x)` and late-assigned module names. Each must
return exactly what the generic path returns, and leave every case it does not take to it.
CASES below runs the same code under CPython (in this test) and in a bundle built with the
real runtime (no coverage cut, unminified): the two lists of reprs must be equal. The cases
sit on both sides of each shortcut: a plain instance attribute and one behind a property or
__getattr__, a set and an unset __slots__ member, a dict and a dict subclass with its own
__contains__, iteration that changes the dict's size, out-of-range indices.
"""

import pytest

from tests.e2e.support import build_fixture_package, run_fixture_bundle

pytestmark = pytest.mark.e2e

CASES = '''
class Plain:
    kind = "class attribute"

    def __init__(self):
        self.x = 1

    def add(self, a):
        return self.x + a


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self):
        self.a = 1


class WithProperty:
    x = 0

    @property
    def p(self):
        return "property"


class Dynamic:
    def __getattr__(self, name):
        return "dynamic " + name


class AlwaysIn(dict):
    def __contains__(self, key):
        return True


class SubDict(dict):
    pass


def attempt(f, *errors):
    try:
        return f()
    except errors as e:
        return type(e).__name__


def cases():
    out = []
    p = Plain()
    out += [p.x, p.kind, p.add(2), attempt(lambda: p.missing, AttributeError)]
    p.kind = "own"
    out += [p.kind, Plain.kind, getattr(p, "missing", "default")]
    s = Slotted()
    out += [s.a, getattr(s, "b", "unset"), attempt(lambda: s.b, AttributeError)]
    s.b = 2
    out += [s.b]
    w = WithProperty()
    w.x = 5
    d = Dynamic()
    d.z = 3
    out += [w.p, w.x, d.z, d.anything]

    a = [1]
    nan = float("nan")
    out += [a is a, a is [1], type(a) is list, type(a) is tuple, nan is nan, None is None]

    m = {"k": 1, 2: "two", (1, 2): 0}
    out += ["k" in m, "z" in m, 2 in m, (1, 2) in m, 3 in m, attempt(lambda: [] in m, TypeError)]
    out += ["z" in AlwaysIn(), "z" in SubDict(), "x" in SubDict(x=1)]
    out += [list(m), list(m.keys()), [k for k in {"b": 1, "a": 2}], list(SubDict(y=1, x=2)), list({})]

    def grow():
        g = {"a": 1}
        for k in g:
            g["new " + k] = 1
        return "no error"

    out += [attempt(grow, RuntimeError)]

    out += [len([1, 2]), len((1,)), len(""), len("abc"), len("\\U0001F600a"), len({"a": 1}), len(m.keys())]
    out += [bool([]), bool([0]), bool(()), bool((0,)), "yes" if [0] else "no", "yes" if () else "no"]

    t = (1, 2, 3)
    l = [4, 5]
    out += [t[0], t[-1], l[1], l[-2], attempt(lambda: t[3], IndexError), attempt(lambda: t[-4], IndexError),
            attempt(lambda: l[2], IndexError), attempt(lambda: l[-3], IndexError), "abc"[-1], t[1:]]

    out += [type("s").__name__, type(type(1)).__name__, type(Plain()).__name__, type(p) is Plain]
    out += [LATER, later_name()]
    return [repr(x) for x in out]


def later_name():
    return LATER + " too"


LATER = "assigned after the functions that use it"
'''

ADAPTER = '''
from browser import window

from shim.cases import cases


def install():
    window.fixtureResult = cases()
    a = window.Array.of(1, "x", 2.5)
    window.fixtureJs = [repr(x) for x in (a[0], a[1], a[2], a[-3], a[-1], len(a))]
    # JS objects handed back to JS as they are; Python values still converted.
    o = window.JSON.parse('{"k": 1, "s": "x"}')
    proto = window.Object.create(window.Object.prototype)
    window.Object.defineProperty(proto, "length", {"value": 0})
    body = window.document.body
    window.fixtureObjects = [repr(x) for x in (
        list(window.Object.keys(o)), window.Reflect.get(o, "s"), window.Array.of(o)[0] is o,
        window.Array.of(body)[0] is body, window.JSON.stringify(["a", [1, True]]),
        type(o).__name__, type(window.Object.create(proto)).__name__, len(window.Array.of()))]
'''


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return build_fixture_package(tmp_path_factory, {"cases": CASES, "adapter": ADAPTER})


def python_result():
    namespace = {}
    exec(compile(CASES, "cases.py", "exec"), namespace)
    return namespace["cases"]()


def test_fast_paths_return_what_python_returns(page, bundle):
    errors = run_fixture_bundle(page, bundle)
    result = page.evaluate("() => Array.from(window.fixtureResult)")
    expected = python_result()
    assert len(result) == len(expected) > 60
    for i, (got, want) in enumerate(zip(result, expected)):
        assert got == want, (i, got, want)
    assert page.evaluate("() => Array.from(window.fixtureJs)") == ["1", "'x'", "2.5", "1", "2.5", "3"]
    assert page.evaluate("() => Array.from(window.fixtureObjects)") == [
        "['k', 's']", "'x'", "True", "True", "'[\"a\",[1,true]]'",
        "'JSObject'", "'SizedJavascriptObject'", "0"]
    assert errors == []
