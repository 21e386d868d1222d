"""buildtools/prune.js: what the coverage cut left unreachable goes from the runtime's text.

Each test runs the pass on a small staged runtime (the shape buildtools/aot.js makes: a
__BRYTHON__ and the `$hsq_rt` steps), whose own set-up throws if a method table names a
function that is gone, as Brython's finalize_type does.
"""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import build  # noqa: E402

STUB = "function(self){$hsq_cut()}"
HEAD = """var __BRYTHON__={builtins:{None:{}},NULL:{},builtin_types:{},created_types:{}}
function $hsq_cut(){throw new Error('cut')}
var $hsq_rt=[function(){var $B=__BRYTHON__
$B.get_from_dict=function(c,n,d){return Object.hasOwn(c.dict,n)?c.dict[n]:d}
function init(name,base){var c={tp_name:name,tp_funcs:{},dict:{},tp_base:base};$B.builtin_types[name]=c;return c}
var base=init('base'),thing=init('thing',base),other=init('other',base)
var base_funcs=base.tp_funcs,thing_funcs=thing.tp_funcs
"""
# finalize_type, in short: the MRO, then one dict entry per table name (a missing function throws)
TAIL = """
for(var c of [base,thing,other]){c.tp_mro=c.tp_base?[c,c.tp_base]:[c]
for(var n of c.tp_methods||[]){if(c.tp_funcs[n]===undefined){throw new Error('no method '+n)}c.dict[n]=c.tp_funcs[n]}
for(var n of c.tp_getset||[]){if(!c.tp_funcs[n+'_get']&&!c.tp_funcs[n+'_set']){throw new Error('no getset '+n)}c.dict[n]=[c.tp_funcs[n+'_get'],c.tp_funcs[n+'_set']]}}
}]
"""


def prune(body, app="", glue=""):
    runtime = HEAD + body + TAIL
    return build.run_aot({"node_modules": str(build.NODE_MODULES),
                          "prune_test": {"runtime": runtime, "app": app, "glue": glue}})


class TestUnnamedStubs:
    """Rule 2: a stub assigned to a name nothing else mentions goes"""

    def test_a_stub_nothing_names_goes(self):
        out = prune("$B.lonely=%s\nvar mod={gone:%s,kept:%s}\n$B.reader=function(){return mod.kept}\n"
                    % (STUB, STUB, STUB))
        assert "lonely" not in out["js"] and "gone" not in out["js"]
        assert "kept:function(self){$hsq_cut()}" in out["js"] and out["stubs"] == 2

    def test_a_table_of_literals_nothing_reads_goes(self):
        out = prune("$B.titles={'a':[1,-2],b:'c'}\n$B.casefold=[1,2]\n$B.reader=function(){return $B.casefold}\n")
        assert "titles" not in out["js"] and "$B.casefold=[1,2]" in out["js"]

    def test_only_set_up_code_is_pruned(self):
        """a function the runtime calls later keeps its statements, whatever they name"""
        out = prune("$B.make=function(x){x.$flag=true\nx.lonely=%s\nreturn x}\n" % STUB)
        assert "x.$flag=true" in out["js"] and "x.lonely=function" in out["js"] and out["stubs"] == 0

    def test_a_stub_the_runtime_or_the_app_names_stays(self):
        out = prune("$B.used=%s\n$B.caller=function(){return $B.used}\n$B.called_by_app=%s\n" % (STUB, STUB),
                    app="$B.called_by_app(x)")
        assert "$B.used=function" in out["js"] and "$B.called_by_app=function" in out["js"]
        assert out["stubs"] == 0

    @pytest.mark.parametrize("name", ["__dyn__", "attr_get", "attr_set", "tp_repr", "nb_add"])
    def test_a_name_code_builds_at_run_time_is_never_judged_by_its_text(self, name):
        """`'__' + op`, `attr + '_get'`, `cls[slot]`: such names are looked up without being written"""
        out = prune("$B.%s=%s\n" % (name, STUB))
        assert "$B.%s=function" % name in out["js"] and out["stubs"] == 0


class TestMethodTables:
    """Rule 3: a method table loses the names whose functions are all stubs"""

    def test_a_stub_method_goes_with_its_name(self):
        out = prune("thing_funcs.ran=function(self){return 1}\nthing_funcs.unused=%s\n"
                    "thing.tp_methods=['ran','unused']\n" % STUB)
        assert "thing.tp_methods=['ran']" in out["js"] and "unused" not in out["js"]
        assert out["names"] == 1 and out["tables"] == 1

    def test_a_getset_goes_when_both_halves_are_stubs(self):
        out = prune("thing_funcs.half_get=function(self){return 1}\nthing_funcs.half_set=%s\n"
                    "thing_funcs.both_get=%s\nthing_funcs.both_set=%s\nthing.tp_getset=['half','both']\n"
                    % (STUB, STUB, STUB))
        assert "thing.tp_getset=['half']" in out["js"] and "both_" not in out["js"]
        assert "thing_funcs.half_set=function" in out["js"]

    def test_a_name_a_base_provides_stays(self):
        """pruned, the lookup would find the base's method instead of raising"""
        out = prune("base_funcs.provided=function(self){return 1}\nbase.tp_methods=['provided']\n"
                    "thing_funcs.provided=%s\nthing.tp_methods=['provided']\n" % STUB)
        assert "thing.tp_methods=['provided']" in out["js"] and out["names"] == 0

    def test_a_name_pruned_in_the_base_too_goes_from_both(self):
        out = prune("base_funcs.old=%s\nbase.tp_methods=['old']\nthing_funcs.old=%s\nthing.tp_methods=['old']\n"
                    % (STUB, STUB))
        assert "base.tp_methods=[]" in out["js"] and "thing.tp_methods=[]" in out["js"] and out["names"] == 2

    def test_a_name_the_runtime_asks_for_stays(self):
        """`where_is(cls, '__init_subclass__') === object`: presence is read without a call"""
        out = prune("thing_funcs.asked=%s\nthing.tp_methods=['asked']\n"
                    "$B.where=function(c){return $B.get_from_dict(c,'asked',null)}\n" % STUB)
        assert "thing.tp_methods=['asked']" in out["js"] and out["names"] == 0

    def test_a_name_the_app_uses_stays(self):
        out = prune("thing_funcs.get=%s\nthing.tp_methods=['get']\n" % STUB, app='$2(d, "get")')
        assert "thing.tp_methods=['get']" in out["js"] and out["names"] == 0

    def test_only_the_strings_of_the_app_name_attributes(self):
        """generated code reads every attribute by a string; a JS name of the app (a Python
        variable `get` is `locals.get`) looks nothing up"""
        out = prune("thing_funcs.get=%s\nthing.tp_methods=['get']\n" % STUB, app="locals.get = 1")
        assert "thing.tp_methods=[]" in out["js"] and out["names"] == 1

    def test_a_table_two_types_share_stays(self):
        out = prune("thing_funcs.unused=%s\nother.tp_funcs.unused=thing_funcs.unused\n"
                    "var shared=['unused']\nthing.tp_methods=other.tp_methods=shared\n" % STUB)
        assert "'unused'" in out["js"] and out["names"] == 0

    def test_a_stub_another_type_keeps_stays(self):
        """the function object is also another type's method, under a name not pruned there"""
        out = prune("base_funcs.copy=function(self){return 1}\nbase.tp_methods=['copy']\n"
                    "thing_funcs.copy=%s\nother.tp_funcs.copy=thing_funcs.copy\n"
                    "thing.tp_methods=['copy']\nother.tp_methods=['copy']\n" % STUB)
        assert out["names"] == 0 and "thing_funcs.copy=function" in out["js"]


def test_the_real_build_prunes():
    """The shipped runtime: hundreds of stubs and table names, dozens of types go (the build's info)."""
    info = {}
    build.build_bytes(info=info, minify=False)
    pruned = info["cut"]["pruned"]
    assert pruned["stubs"] > 300 and pruned["names"] > 150 and pruned["tables"] > 50
    assert len(pruned["types"]) > 30 and "ConnectionError" in pruned["types"] and "Exception" not in pruned["types"]


class TestUnusedTypes:
    """buildtools/unused_types.js: a builtin type nothing names goes with its own set-up"""

    TABLE = ("var _b_=$B.builtins\nfunction init_type(ns,name,data){ns[name]={tp_name:name,tp_base:data[0]};$B.builtin_types[name]=ns[name]}\n"
             "init_type(_b_,\"Base\",[null])\ninit_type(_b_,\"Sub\",[_b_.Base])\ninit_type($B,\"used\",[null])\n"
             "var sub_funcs=_b_.Sub.tp_funcs={}\nsub_funcs.f=function(self){return 1}\n_b_.Sub.tp_repr=function(s){return 'x'}\n"
             "$B.reader=function(x){return x.ob_type===$B.used}\n")

    def remove(self, extra="", app=""):
        return build.run_aot({"node_modules": str(build.NODE_MODULES),
                              "types_test": {"runtime": HEAD + self.TABLE + extra + TAIL, "app": app, "glue": ""}})

    def test_a_type_and_its_base_nothing_else_names_go_with_their_set_up(self):
        out = self.remove()
        assert out["types"] == ["Base", "Sub"]
        assert '"Base"' not in out["js"] and "sub_funcs" not in out["js"] and "tp_repr" not in out["js"]
        assert 'init_type($B,"used"' in out["js"]

    def test_a_type_named_by_runtime_code_stays(self):
        out = self.remove("$B.make=function(){return {ob_type:_b_.Sub}}\n")
        assert out["types"] == []                         # Sub is named, so is its base

    def test_a_type_the_app_names_stays(self):
        assert self.remove(app="_b_.Sub")["types"] == []       # and Sub's entry names Base

    def test_a_string_naming_the_type_keeps_it(self):
        assert self.remove("$B.by_name=function(n){return n=='Base'}\n")["types"] == ["Sub"]

    def test_set_up_with_side_effects_names_the_type(self):
        """`_b_.Sub.x = register(...)` does more than build the type: it stays"""
        assert "Sub" not in self.remove("_b_.Sub.x=$B.reader(_b_.Sub)\n")["types"]


def test_types_the_shim_does_not_use_get_their_dict_on_first_use():
    """buildtools/finalize.py: at start-up only HOT_TYPES get their dict; the others wait for a
    first use (the link check then uses them all, in Node: the runtime must still load)."""
    from buildtools import finalize
    info = {}
    build.build_bytes(info=info, minify=False)
    lazy = set(info["lazy_types"])
    assert len(lazy) > 50 and not lazy & set(finalize.HOT_TYPES)
    assert {"enumerate", "frozenset", "property"} <= lazy
