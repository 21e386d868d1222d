"""Build static/hsq-shim.js: one self-contained browser file, no eval.

    python build.py            build static/hsq-shim.js and print its size
    python build.py --check    exit 1 if static/hsq-shim.js differs from a fresh build
                               (or README.md's CDN example shows another integrity value)

Rule 1: the browser modules are listed in BROWSER_MODULES, in execution order; the build fails
        if an import is missing from the list or comes later in it.
Rule 2: Brython's own transpiler (run in Node by buildtools/aot.js) turns each module into a
        real JS function; modules run eagerly in list order, then the boot code. No Python
        source and no eval/new Function are shipped, so the page may forbid 'unsafe-eval'.
Rule 3: the Brython runtime is trimmed by buildtools/runtime.py; every patch asserts its target,
        and a link check fails the build if generated code needs a runtime name that was cut.
Rule 4: same input, same bytes. Importing this module has no side effects.
"""
import argparse
import ast
import brotli
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from buildtools import runtime as brython_runtime  # noqa: E402
from buildtools import sri  # noqa: E402

BROWSER_MODULES = ["shim", "shim.core", "shim.core.values", "shim.core.text", "shim.core.codec",
                   "shim.core.numbers", "shim.core.commands", "shim.core.queue",
                   "shim.core.effects", "shim.core.cookies", "shim.core.consent",
                   "shim.core.domain", "shim.core.visitor", "shim.core.beacon", "shim.core.page",
                   "shim.core.linker", "shim.core.jar", "shim.core.navigation",
                   "shim.core.privacy", "shim.core.events", "shim.core.listeners",
                   "shim.core.loading", "shim.core.tracker", "shim.core.config", "shim.adapter",
                   "shim.adapter.values", "shim.adapter.page", "shim.adapter.effects",
                   "shim.adapter.links", "shim.adapter.start"]

BOOT = "from shim.adapter.start import install\ninstall()\n"

SRC_ROOT = ROOT                      # where package `shim` lives
DEFAULT_OUT = ROOT / "static" / "hsq-shim.js"

# Modules the runtime provides without brython_stdlib.js; any other non-package import fails the build.
RUNTIME_MODULES = {"browser", "browser.html", "javascript"}

# $B names generated code may read before anything sets them.
LINK_FLAGS = ["options_parsed"]

UUID_BASE = 1000  # Brython's id counter starts at a random value; fixed here for reproducible output

AOT_JS = ROOT / "buildtools" / "aot.js"
# The build's JS tools (terser, acorn): their own private npm project (`npm ci --prefix
# buildtools`), so the published npm package has no dependencies. The one place the build looks
# for them; buildtools/aot.js gets this path in its request.
NODE_MODULES = ROOT / "buildtools" / "node_modules"

# Runtime functions, and branches of the functions that ran, no test ever executed (keys from
# buildtools/coverage_cut.js unitTable), made by `./dev coverage` (`python -m buildtools.coverage run`:
# build.py --coverage + the browser suite; see docs/performance.md, "Size"). Their bodies are
# replaced by a throwing stub.
CUT_FILE = ROOT / "buildtools" / "cut-functions.json"


def load_cut_keys():
    if not CUT_FILE.is_file():
        return []
    data = json.loads(CUT_FILE.read_text(encoding="utf-8"))
    if data.get("brython") != brython_runtime.BRYTHON_VERSION:
        raise BuildError(f"{CUT_FILE.name} was made for Brython {data.get('brython')}; "
                         f"redo the coverage run for {brython_runtime.BRYTHON_VERSION}")
    return data["cut"]

# Minified runtime, cached by content hash (see buildtools/minify.js); HSQ_SHIM_NO_CACHE=1 disables it.
CACHE_DIR = Path(tempfile.gettempdir()) / "hsq-shim-build-cache"

# V8's explicit compile hint (Chromium 136+; other engines read a comment): compile every
# function eagerly, on the streaming thread for this async script. The start-up steps run in
# later tasks, after the code cache is made; without the hint their functions are compiled
# lazily on the main thread on every load, warm ones included (docs/performance.md, "Compile hint").
# It must be the file's first line.
COMPILE_HINT = "//# allFunctionsCalledOnLoad\n"

HEADER = ("/*! hsq-shim | HubSpot _hsq API in Python, compiled ahead of time with Brython %s"
          " | Brython (c) Pierre Quentel and contributors, BSD-3-Clause, brython.info */\n")

# The app runs inside the bundle's closure: $B is never global. It is an array of steps (one per
# module, then the boot) that RUNNER calls after the runtime's own steps.
APP_PRELUDE = """var $hsq_app=(function($B){
function $hsq_module(name,isPkg,file,fn){
var mod=$B.imported[name]=$B.module.$factory(name,undefined,!!isPkg),dot=name.lastIndexOf('.'),parent=dot<0?'':name.slice(0,dot)
$B.module_setattr(mod,'__initialized__',true)
$B.module_setattr(mod,'__package__',isPkg?name:parent)
$B.module_setattr(mod,'__file__',file)
if(isPkg){$B.module_setattr(mod,'__path__','<stdlib>');mod.$is_package=true}
var ns=fn(mod)
for(var attr in ns){$B.module_setattr(mod,attr,ns[attr])}
if(parent){$B.builtins.setattr($B.imported[parent],name.slice(dot+1),mod)}
}
/*$hsq_shared*/
return["""
BOOT_PRELUDE = """if(!$B.options_parsed){$B.parse_options()}
$B.imported.__boot__=$B.module.$factory('__boot__');"""
APP_POSTLUDE = """]})(__BRYTHON__)"""

# Start-up in short tasks (issue #8: no main-thread task over 50 ms). The script's own task only
# compiles the file and runs the runtime's first segment; then the runtime steps ($hsq_rt, see
# buildtools/staging.js) and the app steps ($hsq_app) run in order, as many per task as fit in
# STEP_BUDGET_MS, each task queued with a MessageChannel message (no timer clamping, not throttled
# like timers). The page's _hsq keeps collecting pushes meanwhile. A failing step stops the chain;
# $B.handle_error prints the Python traceback, then re-throws: never let that reach the page.
STEP_BUDGET_MS = 12
RUNNER = """;(function(rt,app,B,script){
B.hsq_script=script
var steps=rt.concat(app),n=rt.length,i=0,ch=null
function report(err,inApp){
if(inApp){try{B.handle_error(err)}catch(again){if(again===err){return}try{console.error('hsq-shim: start-up failed',err,again)}catch(e){}}}
else{try{console.error('hsq-shim: runtime set-up failed',err)}catch(e){}}}
function later(){if(ch){ch.port2.postMessage(0)}else{setTimeout(tick,0)}}
function done(){if(ch){ch.port1.onmessage=null;ch.port1.close();ch.port2.close();ch=null}}
function tick(){var t0=Date.now()
while(i<steps.length){var k=i++
try{steps[k]()}catch(err){done();report(err,k>=n);return}
if(i<steps.length&&Date.now()-t0>=%d){later();return}}
done()}
if(typeof MessageChannel=='function'){ch=new MessageChannel();ch.port1.onmessage=tick}
later()
})($hsq_rt,$hsq_app,__BRYTHON__,$hsq_script)""" % STEP_BUDGET_MS


class BuildError(Exception):
    """A build that must not produce a file; the message says why."""


# ---------------------------------------------------------------- Python side

def module_file(src_root, name):
    """(path, is_package) of a dotted module name under src_root."""
    base = Path(src_root).joinpath(*name.split("."))
    if (base / "__init__.py").is_file():
        return base / "__init__.py", True
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py"), False
    raise BuildError(f"module {name} not found under {src_root}")


def strip_docstrings(src, filename="<module>"):
    """Replace module/class/function docstrings by `pass`, keeping every line number."""
    tree = ast.parse(src, filename)
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                spans.append(first)
    lines = src.splitlines(keepends=True)
    for node in sorted(spans, key=lambda n: (n.lineno, n.col_offset), reverse=True):
        start, end = node.lineno - 1, node.end_lineno - 1
        rest = lines[end][_col(lines[end], node.end_col_offset):]
        if rest.strip() and not rest.strip().startswith("#"):
            return _unparse_without_docstrings(tree)   # `"doc"; x = 1` on one line: give up on line numbers
        head = lines[start][:_col(lines[start], node.col_offset)]
        lines[start:end + 1] = [head + "pass\n"] + ["\n"] * (end - start)
    out = "".join(lines)
    if ast.dump(ast.parse(out)) != ast.dump(_without_docstrings(ast.parse(src))):
        raise BuildError(f"{filename}: docstring stripping changed the code")
    return out


def _col(line, byte_offset):
    """ast column offsets count UTF-8 bytes."""
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def _without_docstrings(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                node.body[0] = ast.Pass()
    return tree


def _unparse_without_docstrings(tree):
    return ast.unparse(_without_docstrings(tree)) + "\n"


def _imports(tree, name, is_pkg):
    """Yield (absolute imported name, is_top_level) for every import statement of a module."""
    package = name if is_pkg else name.rpartition(".")[0]
    nested = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            nested.update(id(n) for n in ast.walk(node) if n is not node)
    for node in ast.walk(tree):
        top = id(node) not in nested
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, top
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                if node.level - 1 >= len(parts):
                    raise BuildError(f"{name}: relative import beyond the top-level package")
                base = ".".join(parts[:len(parts) - (node.level - 1)])
                target = base + "." + node.module if node.module else base
            else:
                target = node.module
            yield target, top
            for alias in node.names:          # `from pkg import submodule`
                yield target + "." + alias.name, top


def load_sources(modules, src_root):
    """{name: (source without docstrings, is_package, filename)}, after checking the imports."""
    sources, trees = {}, {}
    for name in modules:
        path, is_pkg = module_file(src_root, name)
        src = path.read_text(encoding="utf-8")
        trees[name] = (ast.parse(src, str(path)), is_pkg)
        sources[name] = (strip_docstrings(src, str(path)), is_pkg)
    check_order(modules, trees, src_root)
    return sources


def check_order(modules, trees, src_root):
    """Every import of a package module is listed, and listed before its importer."""
    if len(set(modules)) != len(modules):
        raise BuildError("duplicate entries in the module list")
    roots = {m.split(".")[0] for m in modules}
    position = {m: i for i, m in enumerate(modules)}
    for name in modules:
        tree, is_pkg = trees[name]
        deps = set()
        parent = name.rpartition(".")[0]
        while parent:
            deps.add(parent)
            parent = parent.rpartition(".")[0]
        for target, top in _imports(tree, name, is_pkg):
            root = target.split(".")[0]
            if root not in roots:
                if target not in RUNTIME_MODULES and target.rpartition(".")[0] not in RUNTIME_MODULES:
                    raise BuildError(f"{name} imports {target!r}: not a browser module and not provided by "
                                     f"the runtime ({', '.join(sorted(RUNTIME_MODULES))})")
                continue
            if target not in position:
                if _is_module(src_root, target):
                    raise BuildError(f"{name} imports {target}, which is missing from the module list")
                continue                                  # `from pkg import attribute`
            if top:
                deps.add(target)
        for dep in sorted(deps):
            if dep not in position:
                raise BuildError(f"{name} needs {dep}, which is missing from the module list")
            if position[dep] > position[name]:
                raise BuildError(f"module list order: {name} imports {dep}, which comes later; "
                                 f"valid order: {dependency_order(modules, trees)}")


def _is_module(src_root, name):
    try:
        module_file(src_root, name)
        return True
    except BuildError:
        return False


def dependency_order(modules, trees):
    """A valid order, as close as possible to the given one (for error messages)."""
    position = {m: i for i, m in enumerate(modules)}
    deps = {}
    for name in modules:
        tree, is_pkg = trees[name]
        deps[name] = {t for t, top in _imports(tree, name, is_pkg) if top and t in position and t != name}
        parent = name.rpartition(".")[0]
        if parent in position:
            deps[name].add(parent)
    done, order = set(), []
    while len(order) < len(modules):
        ready = [m for m in modules if m not in done and deps[m] <= done]
        if not ready:
            return "none (import cycle among %s)" % sorted(set(modules) - done)
        done.add(ready[0])
        order.append(ready[0])
    return order


# ---------------------------------------------------------------- Node side

def find_node():
    """System node if on PATH, else the node inside the playwright wheel."""
    env = os.environ.get("HSQ_SHIM_NODE")
    if env:
        return env
    node = shutil.which("node")
    if node:
        return node
    try:
        import playwright
        wheel_node = Path(playwright.__file__).parent / "driver" / "node"
        if wheel_node.is_file():
            return str(wheel_node)
    except ImportError:
        pass
    raise BuildError("no Node.js found: install node or the playwright wheel")


def run_aot(request):
    if not (NODE_MODULES / "terser").is_dir():
        raise BuildError(f"{NODE_MODULES} has no terser: run `npm ci --prefix buildtools`")
    proc = subprocess.run([find_node(), str(AOT_JS)], input=json.dumps(request).encode(),
                          capture_output=True, cwd=str(ROOT))
    try:
        answer = json.loads(proc.stdout.decode("utf-8"))
    except ValueError:
        raise BuildError(f"buildtools/aot.js failed (exit {proc.returncode}):\n"
                         + proc.stderr.decode("utf-8", "replace")[-4000:])
    if not answer.get("ok"):
        raise BuildError(answer.get("error", "buildtools/aot.js failed"))
    return answer


# ---------------------------------------------------------------- build

def build_bytes(modules=None, src_root=None, boot=BOOT, minify=True, runtime_text=None, info=None,
                coverage=False, cut_keys=None):
    """The bundle as bytes. info, if a dict, receives timings and link-check figures."""
    modules = list(BROWSER_MODULES if modules is None else modules)
    sources = load_sources(modules, SRC_ROOT if src_root is None else src_root)
    runtime_text, extractions = brython_runtime.trim(
        brython_runtime.read_brython_js() if runtime_text is None else runtime_text)
    request = {
        "node_modules": str(NODE_MODULES),
        "brython_js": brython_runtime.brython_js_path(),
        "runtime": runtime_text,
        "extractions": extractions,
        "compiler_only": brython_runtime.COMPILER_ONLY,
        "flags": LINK_FLAGS,
        "modules": [{"name": name, "src": src, "is_pkg": is_pkg,
                     "filename": "VFS." + (name + "/__init__.py" if is_pkg else name + ".py")}
                    for name, (src, is_pkg) in sources.items()],
        "boot_src": boot,
        "app_prelude": APP_PRELUDE,
        "boot_prelude": BOOT_PRELUDE,
        "app_postlude": APP_POSTLUDE,
        "glue": RUNNER,          # what else in the bundle reads the runtime (buildtools/prune.js)
        "separator": brython_runtime.SEPARATOR,
        "uuid_base": UUID_BASE,
        "minify": minify and not coverage,
        "coverage": coverage,
        "cut_keys": [] if coverage else (load_cut_keys() if cut_keys is None else list(cut_keys)),
        "cache_dir": None if os.environ.get("HSQ_SHIM_NO_CACHE") else str(CACHE_DIR),
    }
    answer = run_aot(request)
    if info is not None:
        info.update(timings=answer["timings"], link=answer["link"], helpers=answer["helpers"], lean=answer["lean"],
                    lazy_types=answer.get("lazy_types"),
                    cut=answer.get("cut"), coverage_keys=answer.get("coverage_keys"),
                    coverage_names=answer.get("coverage_names"), coverage_node_hits=answer.get("coverage_node_hits"))
    text = ascii_escape(assemble(answer["runtime"], answer["app"]))
    return text.encode("ascii")


def assemble(runtime_js, app_js):
    # Leading `;`: the runtime's "use strict" must not become a directive (generated code needs
    # sloppy mode). The guard makes a second copy of the file on the page a no-op.
    return (COMPILE_HINT + ";" + HEADER % brython_runtime.BRYTHON_VERSION
            + "(function(){if(globalThis.__hsqShimLoaded)return;globalThis.__hsqShimLoaded=true;\n"
            # the shim's <script>, captured while it runs; the steps run later, when it is null
            + "var $hsq_script=typeof document=='object'&&document.currentScript||null;\n"
            # how many _hsq entries the page queued before this file executed: HubSpot's
            # prelude (the automatic view, the script's portal) goes in there (spec Q10);
            # shim.adapter.start reads it once and deletes it
            + "globalThis.__hsqShimQueued=typeof window=='object'&&Array.isArray(window._hsq)?window._hsq.length:0;\n"
            + runtime_js + "\n;\n" + app_js + "\n;" + RUNNER + "\n})();\n")


def ascii_escape(text):
    """Pure ASCII output, so the host page's charset cannot garble the bundle.

    terser already emits ASCII (ascii_only); this covers --no-minify. A \\u escape is valid in JS
    strings, regular expressions and identifiers, and harmless in comments."""
    if text.isascii():
        return text
    return "".join(c if ord(c) < 128 else "".join("\\u%04x" % u for u in _utf16(c)) for c in text)


def _utf16(c):
    data = c.encode("utf-16-be")
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]


def sizes(data):
    return {"raw": len(data), "gzip": len(gzip.compress(data, 9, mtime=0)),
            "brotli": len(brotli.compress(data, quality=11))}


def format_sizes(s):
    return "  ".join(f"{k} {v} B ({v / 1024:.1f} KB)" for k, v in s.items())


def build(out_path=DEFAULT_OUT, modules=None, src_root=None, boot=BOOT, minify=True, quiet=False):
    """Write the bundle to out_path; return its sizes."""
    t0 = time.monotonic()
    data = build_bytes(modules, src_root, boot, minify)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(data)
    s = sizes(data)
    if not quiet:
        print(f"{_display(out_path)}: {format_sizes(s)}  [{time.monotonic() - t0:.1f} s]")
    return s


def check(out_path=DEFAULT_OUT, modules=None, src_root=None, boot=BOOT, minify=True):
    """(ok, message): does out_path hold exactly what a fresh build makes?"""
    out_path = Path(out_path)
    if not out_path.is_file():
        return False, f"{_display(out_path)} is missing; run `python build.py`"
    fresh = build_bytes(modules, src_root, boot, minify)
    if out_path.read_bytes() != fresh:
        return False, f"{_display(out_path)} is stale (differs from a fresh build): run `python build.py` (or ./dev build) and commit it"
    return True, f"{_display(out_path)} is up to date: {format_sizes(sizes(fresh))}"


def _display(path):
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the output file is stale")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="output file (default static/hsq-shim.js)")
    parser.add_argument("--no-minify", action="store_true", help="skip terser (for debugging)")
    parser.add_argument("--coverage", action="store_true",
                        help="instrumented, unminified, nothing cut: for buildtools/coverage.py "
                             "(also writes OUT.keys.json, OUT.names.json)")
    args = parser.parse_args(argv)
    try:
        if args.coverage:
            info = {}
            data = build_bytes(info=info, coverage=True)
            Path(args.out).write_bytes(data)
            Path(args.out + ".keys.json").write_text(json.dumps(info["coverage_keys"]))
            Path(args.out + ".names.json").write_text(json.dumps(info["coverage_names"]))
            Path(args.out + ".node-hits.txt").write_text(json.dumps(info["coverage_node_hits"]) + "\n")
            print(f"{args.out}: instrumented, {len(info['coverage_keys'])} runtime functions and branches")
            return 0
        # The committed file's sha384 is shown in README.md's CDN example (buildtools/sri.py).
        readme = Path(args.out).resolve() == DEFAULT_OUT
        if args.check:
            ok, message = check(args.out, minify=not args.no_minify)
            if ok and readme:
                ok, message = sri.sync_readme(ROOT, DEFAULT_OUT.read_bytes(), write=False)
            print(message, file=sys.stdout if ok else sys.stderr)
            return 0 if ok else 1
        build(args.out, minify=not args.no_minify)
        data = Path(args.out).read_bytes()
        print(sri.sync_readme(ROOT, data, write=True)[1] if readme else "integrity " + sri.integrity(data))
        return 0
    except (BuildError, brython_runtime.PatchError) as e:
        print(f"build failed: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
