"""build.py and buildtools/: runtime patches, module order, determinism, --check.

Fast and browser-free. Building needs Node and buildtools/node_modules (`npm ci --prefix buildtools`): without them those
tests fail with build.py's own message. They build a tiny fixture package in tmp_path,
never the real shim.
"""
import ast
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import build  # noqa: E402
from buildtools import runtime  # noqa: E402

FIXTURE = {
    "shim/__init__.py": '"""Fixture package."""\nVERSION = "1"\n',
    "shim/values.py": (
        '"""Values."""\n\n\nclass Value:\n    """A value."""\n    __slots__ = ("x",)\n\n'
        '    def __init__(self, x):\n        """Keep x."""\n        self.x = x\n'
    ),
    "shim/adapter.py": (
        '"""Adapter."""\nfrom browser import window\nfrom shim.values import Value\n'
        'from shim import VERSION\n\n\ndef install():\n    window.fixtureOk = Value(VERSION).x\n'
    ),
}
FIXTURE_MODULES = ["shim", "shim.values", "shim.adapter"]

def write_package(root, files):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def app_part(bundle_text):
    """The generated module code of a bundle: what follows the runtime."""
    return bundle_text.split("var $hsq_app=", 1)[1]


def build_with_values(root, values_source):
    """The fixture package with `shim/values.py` replaced, built unminified:
    (the app part, the build's info)."""
    files = dict(FIXTURE)
    files["shim/values.py"] = values_source
    write_package(root, files)
    info = {}
    bundle = build.build_bytes(FIXTURE_MODULES, root, minify=False, info=info).decode("ascii")
    return app_part(bundle), info


@pytest.fixture(scope="module")
def brython_js():
    return runtime.read_brython_js()


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory):
    """The fixture package and its bundle, built once for the module."""
    src = write_package(tmp_path_factory.mktemp("src"), FIXTURE)
    out = tmp_path_factory.mktemp("out") / "bundle.js"
    build.build(out, FIXTURE_MODULES, src, quiet=True)
    return src, out


class TestModuleList:
    """build.BROWSER_MODULES and the import-order check"""

    def test_importing_build_has_no_side_effects(self, tmp_path):
        """Importing build.py defines the list and builds nothing."""
        assert build.BROWSER_MODULES[0] == "shim" and build.BROWSER_MODULES[-1] == "shim.adapter.start"
        assert callable(build.build) and callable(build.check)

    def test_real_list_respects_imports(self):
        """Every shim import is listed, before its importer."""
        build.load_sources(build.BROWSER_MODULES, build.SRC_ROOT)

    def test_fixture_order_accepted(self, tmp_path):
        write_package(tmp_path, FIXTURE)
        assert set(build.load_sources(FIXTURE_MODULES, tmp_path)) == set(FIXTURE_MODULES)

    def test_import_listed_later_fails(self, tmp_path):
        write_package(tmp_path, FIXTURE)
        with pytest.raises(build.BuildError, match="shim.adapter imports shim.values, which comes later"):
            build.load_sources(["shim", "shim.adapter", "shim.values"], tmp_path)

    def test_parent_package_must_come_first(self, tmp_path):
        write_package(tmp_path, FIXTURE)
        with pytest.raises(build.BuildError, match="comes later"):
            build.load_sources(["shim.values", "shim", "shim.adapter"], tmp_path)

    def test_unlisted_package_module_fails(self, tmp_path):
        write_package(tmp_path, FIXTURE)
        with pytest.raises(build.BuildError, match="shim.values, which is missing from the module list"):
            build.load_sources(["shim", "shim.adapter"], tmp_path)

    def test_stdlib_import_fails(self, tmp_path):
        write_package(tmp_path, {**FIXTURE, "shim/values.py": "import json\n"})
        with pytest.raises(build.BuildError, match="imports 'json'"):
            build.load_sources(FIXTURE_MODULES, tmp_path)

    def test_function_level_import_does_not_constrain_order(self, tmp_path):
        files = {**FIXTURE, "shim/values.py": "def late():\n    from shim import adapter\n    return adapter\n"}
        write_package(tmp_path, files)
        build.load_sources(FIXTURE_MODULES, tmp_path)

    def test_relative_imports_are_resolved(self, tmp_path):
        files = {**FIXTURE, "shim/adapter.py": "from . import values\nfrom .values import Value\n"}
        write_package(tmp_path, files)
        with pytest.raises(build.BuildError, match="comes later"):
            build.load_sources(["shim", "shim.adapter", "shim.values"], tmp_path)


class TestStripDocstrings:
    """build.strip_docstrings()"""

    def test_docstrings_gone_line_numbers_kept(self):
        src = FIXTURE["shim/values.py"]
        out = build.strip_docstrings(src)
        assert '"""' not in out
        assert out.count("\n") == src.count("\n")
        assert out.splitlines().index("        self.x = x") == src.splitlines().index("        self.x = x")

    def test_code_unchanged(self):
        src = 'def f():\n    """Doc\n    more."""\n    return "not a docstring"\n'
        out = build.strip_docstrings(src)
        assert "not a docstring" in out and "Doc" not in out
        assert ast.dump(ast.parse(out).body[0].body[-1]) == ast.dump(ast.parse(src).body[0].body[-1])

    def test_same_line_code_falls_back_to_unparse(self):
        out = build.strip_docstrings('"""doc"""; x = 1\n')
        assert "doc" not in out and "x = 1" in out


class TestRuntimePatches:
    """buildtools.runtime.trim(): each patch asserts its target"""

    def test_real_runtime_trimmed(self, brython_js):
        text, extractions = runtime.trim(brython_js)
        assert [e["name"] for e in extractions] == ["python_tokenizer", "ast_to_js"]
        for e in extractions:
            assert text.count(e["placeholder"]) == 1
        assert "function ast_dump(" in extractions[1]["segment"]
        for gone in ("DOMContentLoaded", "customElements.define(", 'eval("async function* f(){}")',
                     "startup_observer.observe(document.documentElement", "var $B=__BRYTHON__",
                     "globalThis.brython=", "globalThis.__BRYTHON__", runtime.CHAIN_START,
                     "var docs={ArithmeticError:", "__BRYTHON__.ast_classes={", "Intl."):
            assert gone not in text, gone
        assert len(text) < 0.6 * len(brython_js)
        # the finalize_type loop over every builtin type is split into several start-up steps,
        # each type's dict left for its first use unless it is hot (buildtools/finalize.py)
        assert text.count("$B.hsq_finalize_lazy(t[i])") == runtime.FINALIZE_CHUNKS >= 2

    @pytest.mark.parametrize("marker", [runtime.CHAIN_START, runtime.CHAIN_END])
    def test_missing_chain_marker_fails(self, brython_js, marker):
        with pytest.raises(runtime.PatchError, match="marker"):
            runtime.trim(brython_js.replace(marker, "// moved"))

    @pytest.mark.parametrize("index", range(len(runtime.TEXT_PATCHES + runtime.FAST_PATCHES)))
    def test_missing_patch_target_fails(self, brython_js, index):
        name, old, _, _ = (runtime.TEXT_PATCHES + runtime.FAST_PATCHES)[index]
        with pytest.raises(runtime.PatchError, match="found 0 times"):
            runtime.trim(brython_js.replace(old, "/*changed upstream*/"))

    def test_duplicated_patch_target_fails(self, brython_js):
        old = runtime.TEXT_PATCHES[-1][1]
        with pytest.raises(runtime.PatchError, match="found 2 times"):
            runtime.trim(brython_js.replace(old, old + old))

    @pytest.mark.parametrize("index", range(len(runtime.SEGMENT_RULES)))
    def test_missing_segment_fails(self, brython_js, index):
        name, signature, _ = runtime.SEGMENT_RULES[index]
        assert brython_js.count(signature) == 1
        with pytest.raises(runtime.PatchError, match=name):
            runtime.trim(brython_js.replace(signature, "(function($B){/*renamed*/"))

    def test_type_table_without_docstrings_and_unused_types(self, brython_js):
        """Builtin types keep their table entry without tp_doc; UNUSED_TYPES lose theirs."""
        text, _ = runtime.trim(brython_js)
        start = text.index(runtime.TYPE_TABLE_START)
        table = text[start:text.index(runtime.TYPE_TABLE_END)]
        assert "`" not in table and "The base class of the class hierarchy" not in text
        assert 'init_type(_b_,"object",["object",' in table and 'init_type($B,"cell",' in table
        for name in runtime.UNUSED_TYPES:
            assert '"%s"' % name not in text, name
        assert table.count("init_type(") >= 140

    @pytest.mark.parametrize("marker", [runtime.TYPE_TABLE_START, runtime.TYPE_TABLE_END])
    def test_type_table_marker_missing_fails(self, brython_js, marker):
        with pytest.raises(runtime.PatchError, match="type table marker"):
            runtime.trim(brython_js.replace(marker, "/*moved*/"))

    def test_type_table_entry_of_a_new_shape_fails(self, brython_js):
        old = 'init_type(_b_,"slice",["slice",40,'
        with pytest.raises(runtime.PatchError, match="type table entry not understood"):
            runtime.trim(brython_js.replace(old, 'init_type(_b_,"slice",{tp_name:"slice"},["slice",40,'))

    def test_unused_type_named_elsewhere_fails(self, brython_js):
        """A Brython upgrade that starts using a dropped type fails the build."""
        altered = brython_js.replace("$B.builtin_funcs=[", "$B.testBufType.x=1\n$B.builtin_funcs=[", 1)
        with pytest.raises(runtime.PatchError, match="testBufType is listed as unused, but the runtime names it"):
            runtime.trim(altered)

    def test_unused_type_missing_from_the_table_fails(self, brython_js):
        with pytest.raises(runtime.PatchError, match="not in the type table.*no_such_type"):
            runtime.trim_type_table(runtime.cut_compiler_chain(brython_js), runtime.UNUSED_TYPES + ["no_such_type"])

    def test_type_based_on_an_unused_type_fails(self, brython_js):
        unused = [n for n in runtime.UNUSED_TYPES if n != "MethodDescriptor2"]
        with pytest.raises(runtime.PatchError, match="MethodDescriptor2 is based on MethodDescriptorBase"):
            runtime.trim_type_table(runtime.cut_compiler_chain(brython_js), unused)

    def test_removed_types_keep_a_raising_shell(self, brython_js):
        """REMOVED_TYPES: the type's set-up is gone; creating one and each $B function raise."""
        text, _ = runtime.trim(brython_js)
        for gone in ("var from_unicode={},to_unicode={}", "function conv_complex(",
                     "$B.memory_iterator.tp_iter=function(self)", "big5hkscs", "function make_lines("):
            assert gone not in text, gone
        for types, functions, builtins in runtime.REMOVED_TYPES.values():
            for t in types:
                assert "_b_.%s.tp_new=_b_.%s.$factory=removed\n" % (t, t) in text
            for f in functions:
                assert "$B.%s=removed\n" % f in text
            for b in builtins:
                assert "_b_.%s=removed\n" % b in text
        assert text.count(runtime.REMOVED_MESSAGE + " (removed from it: ") == len(runtime.REMOVED_TYPES)

    def test_removed_segment_with_a_new_function_fails(self, brython_js):
        """A Brython upgrade that adds a $B function to a removed segment fails the build."""
        signature = dict((n, s) for n, s, _ in runtime.SEGMENT_RULES)["py_complex"]
        altered = brython_js.replace(signature, signature + "$B.complex_new_helper=1\n")
        with pytest.raises(runtime.PatchError, match=r"py_complex.*defines.*complex_new_helper"):
            runtime.trim(altered)

    def test_removed_segment_without_its_type_fails(self, brython_js):
        """The segment the signature finds must set up the types it is said to hold."""
        altered = brython_js.replace("var complex=_b_.complex", "var complex=_b_.cmplx").replace(
            "_b_.complex.", "_b_.cmplx.")
        with pytest.raises(runtime.PatchError, match=r"py_complex.*does not set up _b_.complex"):
            runtime.trim(altered)

    def test_not_brython_fails(self):
        with pytest.raises(runtime.PatchError, match="brython.js"):
            runtime.trim("console.log(1)")

    def test_build_fails_on_altered_runtime(self, tmp_path, brython_js):
        write_package(tmp_path, FIXTURE)
        with pytest.raises(runtime.PatchError):
            build.build_bytes(FIXTURE_MODULES, tmp_path, runtime_text=brython_js.replace(runtime.CHAIN_END, ""))

    def test_unknown_ast_to_js_function_fails(self, tmp_path, brython_js):
        """A new $B function in the code generator must be classified before shipping."""
        write_package(tmp_path, FIXTURE)
        altered = brython_js.replace("$B.js_from_root=function(", "$B.brand_new=1\n$B.js_from_root=function(")
        with pytest.raises(build.BuildError, match="brand_new"):
            build.build_bytes(FIXTURE_MODULES, tmp_path, runtime_text=altered, minify=False)

    def test_staging_refuses_a_declaration_shared_between_segments(self, tmp_path, brython_js):
        """Deferred runtime segments run as functions: a top-level name another segment uses
        would become local, so the build fails instead."""
        write_package(tmp_path, FIXTURE)
        altered = brython_js + runtime.SEPARATOR + "var hsq_shared=1" + runtime.SEPARATOR + "hsq_shared\n"
        with pytest.raises(build.BuildError, match="declares hsq_shared"):
            build.build_bytes(FIXTURE_MODULES, tmp_path, runtime_text=altered, minify=False)

    def test_link_check_catches_missing_runtime_name(self, tmp_path, monkeypatch):
        """Dropping a run-time function the generated code uses fails the build."""
        keep, drop = runtime.EXTRACT["ast_to_js"]
        monkeypatch.setitem(runtime.EXTRACT, "ast_to_js",
                            ([n for n in keep if n != "resolve_in_scopes"], drop + ["resolve_in_scopes"]))
        monkeypatch.setattr(runtime, "COMPILER_ONLY", runtime.COMPILER_ONLY + ["resolve_in_scopes"])
        files = {**FIXTURE, "shim/values.py": "def f():\n    return undefined_name\n"}
        write_package(tmp_path, files)
        with pytest.raises(build.BuildError, match=r"link check.*\$B\.resolve_in_scopes"):
            build.build_bytes(FIXTURE_MODULES, tmp_path, minify=False)

    def test_runtime_use_of_cut_function_fails(self, tmp_path, monkeypatch):
        """str.isdigit needs $B.in_unicode_category: cutting it fails the build."""
        keep, drop = runtime.EXTRACT["python_tokenizer"]
        monkeypatch.setitem(runtime.EXTRACT, "python_tokenizer",
                            ([n for n in keep if n != "in_unicode_category"], drop + ["in_unicode_category"]))
        write_package(tmp_path, FIXTURE)
        with pytest.raises(build.BuildError, match=r"no longer defines: \$B\.in_unicode_category"):
            build.build_bytes(FIXTURE_MODULES, tmp_path, minify=False)


class TestBundle:
    """build.build() output"""

    def test_shape(self, fixture_build):
        _, out = fixture_build
        text = out.read_text(encoding="ascii")            # pure ASCII: safe on pages in any charset
        # V8's compile hint first (its first line or nothing), then `;`: neutralises the
        # runtime's "use strict"
        assert text.startswith("//# allFunctionsCalledOnLoad\n;")
        assert "__hsqShimLoaded" in text.split("\n", 3)[2]
        assert 'eval("async' not in text
        assert "DOMContentLoaded" not in text and "VFS.shim.adapter.py" in text
        assert "Fixture package" not in text and "Keep x." not in text   # docstrings stripped
        # staged start-up: runtime and app steps run later, in short tasks (issue #8)
        assert "var $hsq_rt=[" in text and "var $hsq_app=" in text and "MessageChannel" in text
        assert "document.currentScript" in text.split("var $hsq_rt=[", 1)[0]   # read before deferring

    def test_bench_floors_find_the_scheduler(self, fixture_build, tmp_path):
        """`python -m bench --floor` rewrites the start-up scheduler of a built file: each floor's
        anchor is there once, and the rewritten file still parses."""
        import subprocess
        from bench.run import FLOORS, floor_file
        _, out = fixture_build
        text = out.read_text(encoding="ascii")
        for variant, (anchor, _) in FLOORS.items():
            assert text.count(anchor) == 1, variant
            floored = tmp_path / (variant + ".js")
            floored.write_bytes(floor_file(out, variant))
            assert "__ptq.gif?floor=1" in floored.read_text(encoding="ascii")
            subprocess.run([build.find_node(), "--check", str(floored)], check=True)

    def test_position_data_dropped(self, fixture_build):
        """PEP 657 positions (column markers for tracebacks) are not shipped: see dropPositions."""
        _, out = fixture_build
        app = app_part(out.read_text(encoding="ascii"))
        assert ".positions=[" not in app
        assert "call_with_position" not in app and "getattr_pep657" not in app

    def test_line_numbers_and_scope_names_dropped(self, fixture_build):
        """No per-statement $B.set_lineno (dropLineNumbers); scope objects mangled like any local."""
        _, out = fixture_build
        app = app_part(out.read_text(encoding="ascii"))
        assert "set_lineno" not in app and "locals_" not in app
        assert "enter_frame" in app and '"install"' in app     # tracebacks keep function names

    def test_line_numbers_dropped_in_conditions(self, tmp_path):
        """`if`/`while` conditions start with `set_lineno(...) &&`: the prefix goes, the test stays."""
        app, info = build_with_values(tmp_path, (
            "def count(n):\n    i = 0\n    while i < n and (i != 7 or n > 9):\n        i += 1\n"
            "        if i == 3:\n            continue\n        elif (i > 5) and (n > 0):\n            pass\n"
            "    return i\n\n\nclass Value:\n    def __init__(self, x):\n        self.x = x\n"))
        assert "set_lineno" not in app and info["lean"]["set_lineno"] >= 8
        assert "while( ($1($12('__lt__'" in app          # $B.$bool, $B.rich_comp: shared aliases

    def test_function_setup_and_runtime_calls_shared(self, fixture_build):
        """shareBoilerplate: each function's set-up is one $F(...) call; frequent runtime calls
        (the frame protocol among them) go through the app's aliases, not $B.<name>(...)."""
        _, out = fixture_build
        app = app_part(out.read_text(encoding="ascii"))
        assert app.count(".set_func_attrs(") == 1 and ".$function_infos=[" not in app   # only in $F
        assert '$F(' in app and 'function $F(' in app
        for name in ("enter_frame", "trace_return_and_leave", "set_exc_and_leave", "$call", "args_parser"):
            assert "." + name + "(" not in app, name
        assert ".enter_frame;" in app and ".set_exc_and_leave;" in app   # the aliases, read once

    def test_position_indices_dropped(self, tmp_path):
        """dropPositionIndices: no per-site position index is stored or passed (all are 0)."""
        app, info = build_with_values(tmp_path, (
            "def join(text, parts):\n    out = ''\n    for ch in text:\n        out = out + ch + parts[0]\n"
            "    parts.append(out)\n    a, b = parts[0], out\n    return a + b\n\n\n"
            "class Value:\n    def __init__(self, x):\n        self.x = x\n        self.y = {}\n"
            "        self.y['k'] = x[1:]\n"))
        assert "[$B.INUM]" not in app and "frame.inum" not in app
        assert info["lean"]["position_indices"] >= 8
        assert "$7('__add__', locals.a, locals.b, 0)" in app           # $B.rich_op, index 0
        assert "$B.unpacker(v" in app and ", 2, false, 0)" in app
        assert "$4(locals.parts, 'append', 0, locals.out)" in app     # $B.call_attr

    def test_method_class_only_where_super_needs_it(self, tmp_path):
        """dropMethodClass: `locals.__class__ = $B.get_method_class(...)` stays only in a method
        that can use it (zero-argument super(), __class__)."""
        app, info = build_with_values(tmp_path, (
            "class Base:\n    def __init__(self, x):\n        self.x = x\n\n    def get(self):\n"
            "        return self.x\n\n\nclass Value(Base):\n    def __init__(self, x):\n"
            "        super().__init__(x)\n\n    def kind(self):\n        return __class__\n"))
        assert info["lean"]["method_class_dropped"] == 2 and info["lean"]["method_class_kept"] == 2
        assert app.count("locals.__class__ = $15(") == 2       # $B.get_method_class, through its alias

    def test_type_calls_and_late_module_names_looked_up_directly(self, tmp_path):
        """fastLookups: one-argument type() is $B.get_class (through its alias); a module name
        assigned below the function that reads it is read off the module when it is there."""
        app, info = build_with_values(tmp_path, (
            "def kind(x):\n    return type(x) is str or type(type(x)) is type\n\n\n"
            "def later():\n    return LATER + len('x')\n\n\nLATER = 1\n\n\n"
            "class Value:\n    def __init__(self, x):\n        self.x = x\n"))
        assert info["lean"]["type_calls"] == 3 and info["lean"]["forward_names"] == 1
        assert info["lean"]["identities"] == 2 and info["lean"]["bool_tests"] == 0
        assert "_b_.type," not in app and "($22($22(locals.x)) === _b_.type)" in app
        assert "(Object.hasOwn(locals_shim_values,'LATER')?locals_shim_values.LATER:" in app

    def test_function_infos_without_local_names_and_def_line(self, tmp_path):
        """dropUnreadInfos: every function's infos carry 0 for its local names and the line of
        its `def` (read only through `__code__` and zero-argument super(), both cut)."""
        app, info = build_with_values(tmp_path, (
            "def pair(a, b):\n    total = a + b\n    return [a, total]\n\n\n"
            "class Value:\n    def __init__(self, x):\n        self.x = x\n"))
        assert info["lean"]["infos_dropped"] == info["lean"]["functions"] > 0
        flat = " ".join(app.replace('"', "'").split())
        # the common case in short (buildtools/compact.js: $G rebuilds these infos, 0 for both)
        assert re.search(r"\$G\(pair\w*, 'pair', \['a','b'\], frame\)", flat)
        assert "'total'" not in flat

    @pytest.mark.parametrize("name, js, message", [
        ("fastLookups", "$B.resolve_in_scopes(n, [a, b, _b_], 0)", "resolve_in_scopes of an unexpected shape"),
        ("dropPositionIndices", "$B.rich_op('__add__', a, b, n)", "without a literal position index"),
        ("dropPositionIndices", "$B.unpacker(v, 2, flag, 5)", "call not understood"),
        ("dropPositionIndices", "frame.inum = 3", "position index stored in an unexpected way"),
        ("dropPositionIndices", "it[$B.INUM] = k", "position index stored in an unexpected way"),
        ("shareBoilerplate", "f.$function_infos = ['m', 'f']\n$B.set_func_attrs(f, frame, 'm')\n"
                             "f.ob_type = $B.function\n", "expected f.ob_type"),
        ("shareBoilerplate", "f.$function_infos = ['m', 'f']\n$B.set_func_attrs(f, frame, 'other')\n"
                             "f.ob_type = $B.function\nf.__annotate__ = _b_.None\n", "expected \\$B.set_func_attrs"),
        ("shareBoilerplate", "g($B.set_func_attrs(f, frame, 'm'))", "set_func_attrs in an unexpected place"),
        ("shareBoilerplate", "var $0 = 1", "already names \\$0"),
        ("dropMethodClass", "function m(){g($B.get_method_class(f, ns, 'C', ['C']))}", "get_method_class in an unexpected"),
        ("dropUnreadInfos", "$F(f, ['m', 'f', 'f'], frame)", "expected \\$F\\(f, \\[20 function infos\\]"),
        ("dropUnreadInfos", "$F(f, [" + "0, " * 11 + "n, " + "0, " * 8 + "], frame)", "11 \\(lineno\\) and 16"),
    ])
    def test_post_passes_refuse_what_they_do_not_understand(self, name, js, message):
        """Brython output of a new shape fails the build instead of being half rewritten."""
        with pytest.raises(build.BuildError, match=message):
            build.run_aot({"node_modules": str(build.NODE_MODULES), "pass_test": {"name": name, "js": js}})

    def test_imports_are_lookups_on_modules_already_set_up(self, tmp_path):
        """directImports: `from M import N` reads N off $B.imported[M] (build.py orders the modules
        so M has run), `import javascript` binds the runtime's module; no generic import call left."""
        app, info = build_with_values(tmp_path, (
            "import javascript\nfrom browser import window\n\n\n"
            "class Value:\n    def __init__(self, x):\n        self.x = x\n"))
        assert info["lean"]["imports_direct"] >= 3 and info["lean"]["imports_generic"] == 0
        assert "$import_from" not in app and "$B.import(" not in app
        assert "locals_shim_values.javascript = $B.imported.javascript" in app
        assert '.window = $I("browser", "window")' in app and "function $I(m,n)" in app

    def test_an_import_left_to_the_cut_import_system_fails_the_build(self, tmp_path):
        """An aliased import keeps Brython's generic call, whose import system the cut removed:
        the build says so instead of shipping a bundle that fails at start-up."""
        with pytest.raises(build.BuildError, match="directImports does not rewrite .* cut from the runtime"):
            build_with_values(tmp_path, "from browser import window as w\n")

    FUNC_ATTRS = ("$B.func_attrs = {}\nfor (var a of ['__module__','__name__','__qualname__','__file__','__defaults__',"
                  "'__kwdefaults__','__doc__','arg_names','args_vararg','args_kwarg','positional_length','lineno',"
                  "'flags','free_vars','kwonlyargs_length','posonlyargs_length','varnames','__annotations__',"
                  "'__type_params__','__globals__','method_class']) {$B.func_attrs[a] = 0}\n")

    @pytest.mark.parametrize("reader", [
        "$B.check_infos = function(f){$B.make_function_infos(f, ...f.$function_infos)}",
        "$B.f = function(f){return f.$function_infos[$B.func_attrs.varnames]}",
        "$B.f = function(f){return g(f.$function_infos)}",
        "$B.f = function(f){var infos = f.$function_infos; return infos[$B.func_attrs.lineno]}",
        "$B.f = function(f){var infos = f.$function_infos; return infos[11]}",
        "$B.f = function(f, k){return f.$function_infos[$B.func_attrs[k]]}",
    ])
    def test_a_runtime_that_can_read_dropped_function_infos_fails_the_build(self, reader):
        """checkUnreadInfos: code left in the runtime that could read a function's local names or
        `def` line (which dropUnreadInfos leaves out) stops the build."""
        with pytest.raises(build.BuildError, match="may read the local names or the line of a function, so the build keeps them"):
            build.run_aot({"node_modules": str(build.NODE_MODULES), "pass_test": {
                "name": "checkUnreadInfos", "js": self.FUNC_ATTRS.replace("for (var a of", "for (let a of") + reader}})

    @pytest.mark.parametrize("reader", [
        "$B.check_infos = function(f){$hsq_cut()}",
        "$B.f = function(f){var infos = f.$function_infos; return infos[$B.func_attrs.arg_names]}",
        "$B.f = function(f){return f.$function_infos[$B.func_attrs.__name__]}",
    ])
    def test_a_runtime_that_reads_only_kept_function_infos_builds(self, reader):
        js = self.FUNC_ATTRS.replace("{$B.func_attrs[a] = 0}", "{$B.func_attrs[func_attr]=i++}").replace(
            "var a of", "var func_attr of") + reader
        out = build.run_aot({"node_modules": str(build.NODE_MODULES), "pass_test": {"name": "checkUnreadInfos", "js": js}})
        assert out["js"] == js

    def test_post_passes_rewrite_the_known_shapes(self):
        js = ("f.$is_method = true\nf.$function_infos = ['m', 'f', 'C.f']\n$B.set_func_attrs(f, frame, 'm')\n"
              "f.ob_type = $B.function\nf.__annotate__ = _b_.None\nreturn $B.trace_return_and_leave(frame, $B.$call(g))")
        out = build.run_aot({"node_modules": str(build.NODE_MODULES),
                             "pass_test": {"name": "shareBoilerplate", "js": "function w(){" + js + "}"}})["js"]
        assert out == "function w(){$F(f, ['m', 'f', 'C.f'], frame, 1)\nreturn $3(frame, $0(g))}"
        out = build.run_aot({"node_modules": str(build.NODE_MODULES), "pass_test": {
            "name": "dropPositionIndices", "js": "for(;;){it[$B.INUM] = 3}\n$B.frame_obj.frame.inum = 5\n"
                                                 "$B.call_attr(o, 'x', 7, ...a)\n$B.unpacker(v, 2, true, 1, 9)"}})["js"]
        assert out == "for(;;){}\n\n$B.call_attr(o, 'x', 0, ...a)\n$B.unpacker(v, 2, true, 1, 0)"
        out = build.run_aot({"node_modules": str(build.NODE_MODULES), "pass_test": {
            "name": "fastLookups", "js": "$B.$call(_b_.type, $B.$call(_b_.type, x))\n$B.$call(_b_.type, ...a)\n"
                                         "$B.$call(_b_.type, x, {$kw: [k]})\n$B.$call(_b_.type, {$kw: [k]})\n"
                                         "$B.resolve_in_scopes('N', [locals_f, locals_m, _b_], 0)\n"
                                         "$B.resolve_in_scopes('N', [locals_c, locals_f, locals_m, _b_], 0)"}})["js"]
        assert out == ("$B.get_class($B.get_class(x))\n$B.$call(_b_.type, ...a)\n"
                       "$B.$call(_b_.type, x, {$kw: [k]})\n$B.$call(_b_.type, {$kw: [k]})\n"
                       "(Object.hasOwn(locals_m,'N')?locals_m.N:$B.resolve_in_scopes('N', [locals_f, locals_m, _b_], 0))\n"
                       "$B.resolve_in_scopes('N', [locals_c, locals_f, locals_m, _b_], 0)")
        out = build.run_aot({"node_modules": str(build.NODE_MODULES), "pass_test": {
            "name": "fastLookups", "js": "if($B.$bool($B.$is(x, _b_.None)) || !$B.$is($B.$call(_b_.type, y), _b_.str)){}\n"
                                         "$B.$is(x, locals_m.NULL)\n$B.$bool(a === b)\n$B.$bool(x)\n$B.$bool(a < b)"}})["js"]
        assert out == ("if(((x === _b_.None)) || !($B.get_class(y) === _b_.str)){}\n"
                       "$B.$is(x, locals_m.NULL)\n(a === b)\n$B.$bool(x)\n$B.$bool(a < b)")

    def test_rebuild_is_byte_identical(self, fixture_build):
        """Same input, same bytes; check() agrees."""
        src, out = fixture_build
        ok, message = build.check(out, FIXTURE_MODULES, src)
        assert ok, message

    def test_check_detects_stale_file(self, fixture_build, tmp_path):
        src, out = fixture_build
        stale = tmp_path / "stale.js"
        stale.write_bytes(out.read_bytes().replace(b"fixtureOk", b"fixtureOK"))
        ok, message = build.check(stale, FIXTURE_MODULES, src)
        assert not ok and "stale" in message

    def test_check_detects_missing_file(self, fixture_build, tmp_path):
        src, _ = fixture_build
        ok, message = build.check(tmp_path / "nope.js", FIXTURE_MODULES, src)
        assert not ok and "missing" in message


class TestCoverageCut:
    """--coverage instruments the runtime; cut-functions.json stubs functions no test ran"""

    def test_instrumented_build_and_cut(self, tmp_path):
        write_package(tmp_path, FIXTURE)
        info = {}
        text = build.build_bytes(FIXTURE_MODULES, tmp_path, info=info, coverage=True).decode("ascii")
        keys, node_hits = info["coverage_keys"], info["coverage_node_hits"]
        assert len(keys) > 1000 and "__hsqC[0]=1" in text and "/__hsqcov" in text
        assert 0 < len(node_hits) < len(keys)             # the link check ran part of the runtime
        names = info["coverage_names"]                    # what buildtools/coverage.py KEEP matches
        assert len(names) == len(keys) and "$B.handle_error" in names and "_b_.KeyError.tp_str" in names
        # cut every function the Node set-up did not run: the runtime still loads (link check)
        ran = {keys[i] for i in node_hits}
        cut = sorted(set(keys) - ran)
        info = {}
        lean = build.build_bytes(FIXTURE_MODULES, tmp_path, info=info, minify=False, cut_keys=cut)
        assert info["cut"]["functions"] > 500 and b"{$hsq_cut()}" in lean
        assert len(lean) < 0.8 * len(build.build_bytes(FIXTURE_MODULES, tmp_path, minify=False, cut_keys=[]))

    def test_cut_file_for_another_brython_fails(self, tmp_path, monkeypatch):
        cut_file = tmp_path / "cut.json"
        cut_file.write_text('{"brython": "0.0.1", "cut": []}')
        monkeypatch.setattr(build, "CUT_FILE", cut_file)
        with pytest.raises(build.BuildError, match="Brython 0.0.1"):
            build.load_cut_keys()

    @pytest.mark.parametrize("full, expected", [(False, ["b"]), (True, ["b", "d"])])
    def test_a_run_only_uncuts_unless_full(self, tmp_path, full, expected):
        """cut = old cut - ran (keys no longer in the runtime dropped); --full: all - ran"""
        from buildtools import coverage
        out = tmp_path / "cut.json"
        out.write_text('{"brython": "%s", "cut": ["a", "b", "c"]}' % runtime.BRYTHON_VERSION)
        keys = tmp_path / "build.keys.json"
        keys.write_text('["a", "b", "d"]')
        (tmp_path / "build.names.json").write_text('["$B.f", "g", "h.tp_repr"]')
        hits = tmp_path / "hits.txt"
        hits.write_text("[0]\n\n")
        args = ["--out", str(out)] + (["--full"] if full else []) + [str(keys), str(hits)]
        assert coverage.main(["merge"] + args) == 0
        assert json.loads(out.read_text())["cut"] == expected

    def test_error_paths_are_never_cut(self, tmp_path):
        """KEEP: what formats or reports an error stays, even where no test ran it (an
        exception's __str__ is what the adapter records; a stub there would throw instead)."""
        from buildtools import coverage
        out = tmp_path / "cut.json"
        keys = tmp_path / "build.keys.json"
        keys.write_text('["a", "b", "c", "d", "e"]')
        (tmp_path / "build.names.json").write_text(
            '["_b_.KeyError.tp_str", "$B.handle_error", "removed", "$B.handle_errors", "_b_.KeyError.tp_repr"]')
        hits = tmp_path / "hits.txt"
        hits.write_text("[]\n")
        assert coverage.main(["merge", "--full", "--out", str(out), str(keys), str(hits)]) == 0
        assert json.loads(out.read_text())["cut"] == ["d", "e"]

    def test_real_cut_list_matches_the_runtime(self):
        """Most listed keys still name a function: a stale list would silently cut nothing."""
        assert build.CUT_FILE.is_file(), "buildtools/cut-functions.json is missing"
        info = {}
        build.build_bytes(info=info, minify=False)
        assert info["cut"]["matched"] >= 0.9 * info["cut"]["listed"]


class TestCoverageCollection:
    """HSQ_SHIM_COVERAGE_DIR: the test server of tests/conftest.py collects the bundle's hits"""

    SCRIPT = """
import json, os, sys, threading, urllib.request, urllib.error
from functools import partial
from http.server import ThreadingHTTPServer
sys.path.insert(0, %r)
from tests.conftest import RepoHandler
server = ThreadingHTTPServer(("127.0.0.1", 0), partial(RepoHandler, directory="."))
threading.Thread(target=server.serve_forever, daemon=True).start()
url = "http://127.0.0.1:%%d" %% server.server_address[1]
def post(path, body):
    try:
        return urllib.request.urlopen(urllib.request.Request(url + path, data=body, method="POST")).status
    except urllib.error.HTTPError as e:
        return e.code
print(json.dumps([post("/__hsqcov", b"[3, 1]"), post("/__hsqcov", b"[2]"), post("/__hsqcov", b"nope"),
                  post("/elsewhere", b"[4]")]))
"""

    def run(self, tmp_path, coverage_dir):
        import subprocess
        env = {k: v for k, v in __import__("os").environ.items() if k != "HSQ_SHIM_COVERAGE_DIR"}
        if coverage_dir:
            env["HSQ_SHIM_COVERAGE_DIR"] = str(coverage_dir)
        out = subprocess.run([sys.executable, "-c", self.SCRIPT % str(ROOT)], env=env, cwd=str(tmp_path),
                             capture_output=True, text=True, check=True).stdout
        return json.loads(out)

    def test_posts_are_appended_when_the_variable_is_set(self, tmp_path):
        assert self.run(tmp_path, tmp_path) == [204, 204, 400, 501]
        assert (tmp_path / "hits-server.txt").read_text() == "[3, 1]\n[2]\n"

    def test_no_endpoint_otherwise(self, tmp_path):
        assert self.run(tmp_path, None) == [501, 501, 501, 501]
        assert list(tmp_path.iterdir()) == []


class TestCommandLine:
    """python build.py [--check]: exit codes and messages (the build itself is stubbed)"""

    @pytest.fixture
    def stub(self, monkeypatch):
        monkeypatch.setattr(build, "build_bytes", lambda *a, **k: b";fresh bundle")

    def test_build_writes_and_prints_sizes(self, stub, tmp_path, capsys):
        out = tmp_path / "static" / "hsq-shim.js"
        assert build.main(["--out", str(out)]) == 0
        assert out.read_bytes() == b";fresh bundle"
        printed = capsys.readouterr().out
        assert "raw 13 B" in printed and "gzip" in printed and "brotli" in printed and "KB" in printed

    def test_check_fresh_exits_0(self, stub, tmp_path):
        out = tmp_path / "hsq-shim.js"
        out.write_bytes(b";fresh bundle")
        assert build.main(["--check", "--out", str(out)]) == 0

    def test_check_stale_exits_1(self, stub, tmp_path, capsys):
        out = tmp_path / "hsq-shim.js"
        out.write_bytes(b";old bundle")
        assert build.main(["--check", "--out", str(out)]) == 1
        assert "stale" in capsys.readouterr().err

    def test_build_error_exits_2(self, monkeypatch, tmp_path, capsys):
        def fail(*a, **k):
            raise build.BuildError("boom")
        monkeypatch.setattr(build, "build_bytes", fail)
        assert build.main(["--out", str(tmp_path / "x.js")]) == 2
        assert "build failed: boom" in capsys.readouterr().err
