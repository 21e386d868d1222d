"""buildtools/compact.js: smaller generated module code, the same values at run time.

The passes run on a module named 'm' (build.run_aot's pass_test); the last test runs the
helper the bundle ships against the long form it replaces.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import build  # noqa: E402


def run_pass(name, js):
    return build.run_aot({"node_modules": str(build.NODE_MODULES), "pass_test": {"name": name, "js": js}})["js"]


INFOS = ("'m', 'get', 'Box.get', __file__, _b_.None, _b_.None, _b_.None, ['self', 'key'], null, null, "
         "2, 0, 3, [], 0, 0, 0, false, [], frame")


class TestClassFacts:
    def test_first_line_and_static_attributes_go(self):
        out = run_pass("dropClassFacts", "locals.__doc__ = _b_.None\nlocals.__firstlineno__ = 8\n"
                                         "locals.__static_attributes__ = $5(['name', 'args'])\nlocals.x = 1\n")
        assert out.split() == ["locals.__doc__", "=", "_b_.None", "locals.x", "=", "1"]

    def test_static_attributes_of_another_shape_fail(self):
        with pytest.raises(build.BuildError, match="__static_attributes__ of an unexpected shape"):
            run_pass("dropClassFacts", "locals.__static_attributes__ = names\n")


class TestModuleName:
    def test_the_name_becomes_one_constant_where_it_is_a_value(self):
        out = run_pass("moduleNameConstant", 'var frame = ["m", locals, "m", locals]\nf({m: 1, "m": "m"}, o["m"], o.m, "mm")')
        assert out == ('var $M = "m";\nvar frame = [$M, locals, $M, locals]\n'
                       'f({m: 1, "m": $M}, o[$M], o.m, "mm")')

    def test_a_module_that_never_names_itself_is_left_alone(self):
        assert run_pass("moduleNameConstant", "f('other')") == "f('other')"

    def test_code_naming_the_constant_fails(self):
        with pytest.raises(build.BuildError, match="already names \\$M"):
            run_pass("moduleNameConstant", "var $M = 1")


class TestFunctionInfos:
    FRAME = "var frame = ['f', locals, 'm', locals_m, f]\n"

    def test_the_common_case_becomes_qualname_and_arguments(self):
        out = run_pass("compactInfos", self.FRAME + "$F(get, [%s], frame, 1)" % INFOS)
        assert out == self.FRAME + "$G(get, \"Box.get\", ['self', 'key'], frame, 1)"

    @pytest.mark.parametrize("change", [
        ("_b_.None, _b_.None, _b_.None, ['self'", "[16], _b_.None, _b_.None, ['self'"),    # a default
        ("null, null, 2", "'args', null, 2"),                                            # *args
        ("2, 0, 3, []", "2, 0, 35, []"),                                                 # a generator
        ("'Box.get'", "'Box.other'"),                                                    # name != qualname's tail
        ("'m', 'get'", "'n', 'get'"),                                                    # another module
        ("[], frame", "[], outer"),                                                      # infos of another frame
    ])
    def test_any_other_case_keeps_the_long_form(self, change):
        js = self.FRAME + "$F(get, [%s], frame, 1)" % INFOS.replace(*change)
        assert run_pass("compactInfos", js) == js

    def test_a_frame_array_of_another_shape_fails(self):
        """$G reads the module and its file from frame[2] and frame[3]"""
        with pytest.raises(build.BuildError, match="frame array of an unexpected shape"):
            run_pass("compactInfos", "var frame = ['f', locals, 'other', locals_m, f]")

    def test_the_helper_builds_the_same_infos_as_the_long_form(self):
        helpers = build.run_aot({"node_modules": str(build.NODE_MODULES), "helpers_test": True})["js"]
        script = helpers + """
var seen = [];
var $B = {builtins: {None: 'None'}, function: 'function',
          set_func_attrs: function (f, frame, module) { seen.push(module) }};
var locals_m = {__file__: 'VFS.m.py'}, __file__ = locals_m.__file__, _b_ = $B.builtins;
var frame = ['Box', {}, 'm', locals_m];
function get() {}
function get2() {}
$F(get, [%s], frame, 1);
$G(get2, 'Box.get', ['self', 'key'], frame, 1);
console.log(JSON.stringify([get.$function_infos.slice(0, 19), get2.$function_infos.slice(0, 19),
                            get.$function_infos[19] === get2.$function_infos[19], get2.$is_method, seen]));
""" % INFOS
        out = json.loads(subprocess.run([build.find_node(), "-e", script], capture_output=True, text=True,
                                        check=True).stdout)
        assert out[0] == out[1] and out[2] is True and out[3] is True and out[4] == ["m", "m"]


class TestFrameLines:
    """Rule 4: the line numbers left in frames become 0 (enter_frame is `$6`, make_js_iterator
    `$18` in generated code)."""

    def test_def_and_loop_lines_become_zero(self):
        js = "$6(frame, __file__, 47)\nframe.$lineno = 12\nfor (var x of $18(it, frame, 12)) {}\n$7(a, b, 47)\n"
        out = run_pass("zeroFrameLines", js)
        assert out.split("\n")[:3] == ["$6(frame, __file__, 0)", "frame.$lineno = 0",
                                        "for (var x of $18(it, frame, 0)) {}"]
        assert "$7(a, b, 47)" in out                    # any other call keeps its numbers

    def test_a_line_that_is_not_a_number_fails(self):
        with pytest.raises(build.BuildError, match="without a literal line"):
            run_pass("zeroFrameLines", "$6(frame, __file__, n)\n")


def test_a_build_uses_the_short_forms(tmp_path):
    """A class with two methods, built unminified: no class facts, $G for each method (and the
    helper itself), the module name once."""
    files = {"shim/__init__.py": "", "shim/values.py": (
        "class Box:\n    def __init__(self, x):\n        self.x = x\n\n    def get(self):\n        return self.x\n")}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    info = {}
    bundle = build.build_bytes(["shim", "shim.values"], tmp_path, boot="from shim.values import Box\n", minify=False,
                               info=info).decode("ascii")
    app = bundle.split("var $hsq_app=", 1)[1]
    assert "__firstlineno__ =" not in app and "__static_attributes__ =" not in app
    assert app.count('$G(') == 3 and '"Box.__init__"' in app and "function $G(" in app
    assert 'var $M = "shim.values";' in app and "'shim.values'" not in app
    assert info["lean"]["infos_compacted"] == 2 and info["lean"]["class_facts"] == 2
    assert info["lean"]["frame_lines"] >= 3 and "$6(frame, __file__, 0)" in app
