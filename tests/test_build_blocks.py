"""buildtools/blocks.js: the branches of runtime functions as units of the coverage cut.

Each test hands a small runtime text to buildtools/aot.js (`units_test`): the branch units it
finds, that text with every branch cut, and its instrumented form.
"""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import build  # noqa: E402

LONG = "g('a long enough statement to be a unit of its own')"


def units(js):
    return build.run_aot({"node_modules": str(build.NODE_MODULES), "units_test": {"js": js}})


def texts(js):
    return [u["text"] for u in units(js)["units"]]


class TestWhichBranches:
    def test_branches_and_cases_of_a_runtime_function(self):
        js = ("$B.f = function(x){if(x > 1){%s}else{%s}\nswitch(x){case 1: %s; break\ncase 2: break}}"
              % (LONG, LONG, LONG))
        out = units(js)["units"]
        assert [u["kind"] for u in out] == ["block", "block", "case"]
        assert {u["name"] for u in out} == {"$B.f"}        # KEEP in buildtools/coverage.py matches it

    def test_set_up_code_keeps_its_branches(self):
        """a segment's own statements run once: their untaken branches are other environments'"""
        js = "var $hsq_rt=[function(){(function($B){if($B.x){%s}\n$B.f=function(){if(1){%s}}})(__BRYTHON__)}]" % (LONG, LONG)
        assert texts(js) == ["{%s}" % LONG]                # only the one inside $B.f

    @pytest.mark.parametrize("test", ["typeof MessageChannel == 'function'", "window.x", "$B.isNode",
                                      "fetch", "navigator.sendBeacon"])
    def test_a_condition_on_the_environment_is_never_a_unit(self, test):
        assert texts("$B.f = function(x){if(%s){%s}}" % (test, LONG)) == []

    @pytest.mark.parametrize("test", ["typeof x == 'number'", "Array.isArray(x)", "y.z", "x === undefined"])
    def test_a_condition_on_values_is(self, test):
        assert texts("$B.f = function(x){var y = 1; if(%s){%s}}" % (test, LONG)) == ["{%s}" % LONG]

    def test_sides_of_conditional_and_logical_expressions(self):
        js = "$B.f = function(x, g){return x > 1 ? g('the long enough side') : g('and the other one') || g('right of the or')}"
        assert texts(js) == ["g('the long enough side')", "g('and the other one') || g('right of the or')",
                             "g('right of the or')"]

    def test_a_catch_clause_is_never_a_unit(self):
        assert texts("$B.f = function(x){try{x()}catch(err){%s}}" % LONG) == []

    def test_short_branches_are_not_worth_a_unit(self):
        assert texts("$B.f = function(x){if(x){return 1}}") == []


class TestCutAndCount:
    def test_a_cut_branch_throws_and_keeps_its_var_names(self):
        js = "$B.f = function(x){if(x){var y = 2, z = 3; function h(){}\n%s}\nreturn y}" % LONG
        assert units(js)["cut"].endswith("$B.f = function(x){if(x){var y,z,h;$hsq_cut()}\nreturn y}")

    def test_a_lone_statement_and_a_case(self):
        js = "$B.f = function(x){if(x) %s\nelse return 1\nswitch(x){case 1: %s; break}}" % (LONG, LONG)
        out = units(js)
        assert out["cut"].endswith("$B.f = function(x){if(x) {$hsq_cut()}\nelse return 1\nswitch(x){case 1: $hsq_cut()}}")
        assert "if(x) {__hsqC[1]=1;%s\n}" % LONG in out["instrumented"]
        assert "case 1: __hsqC[2]=1;%s" % LONG in out["instrumented"]

    def test_a_cut_expression_throws_in_place(self):
        out = units("$B.f = function(x){return x ? g('the long enough side') : 0}")
        assert out["cut"].endswith("$B.f = function(x){return x ? $hsq_cut() : 0}")
        assert "x ? (__hsqC[1]=1,g('the long enough side')) : 0" in out["instrumented"]

    def test_instrumented_code_runs_and_counts(self):
        js = "var $B={};$B.f = function(x){if(x > 1){%s}else{%s}};function g(){}" % (LONG, LONG)
        inst = units(js)["instrumented"]
        script = "var globalThis=this;" + inst + ";$B.f(2);console.log(JSON.stringify([...__hsqC]))"
        out = subprocess.run([build.find_node(), "-e", script], capture_output=True, text=True, check=True).stdout
        assert out.strip() == "[1,1,1,0]"                 # $B.f, g (the branch calls it), the if branch, the else


def test_a_cut_function_keeps_no_parameters():
    """the stub reads none: `function(a, b = g()){...}` becomes `function(){$hsq_cut()}`"""
    out = units("$B.f = function(a, b = g()){return a + b}\n$B.g = (x) => (x + 1)\n"
                "$B.h = {m(a){return a}, async n(b){return b}}")["cut_functions"]
    assert out.endswith("$B.f = function(){$hsq_cut()}\n$B.g = ()=>$hsq_cut()\n"
                        "$B.h = {m(){$hsq_cut()}, async n(){$hsq_cut()}}")
