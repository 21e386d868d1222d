"""Trim Brython's brython.js into the embedded runtime of hsq-shim.js.

Rule 1: every edit is a Patch or a Segment rule that asserts how often its target occurs;
        a Brython upgrade that moves or renames anything fails the build with PatchError.
Rule 2: pure text work only (no Node here), so tests can feed altered input cheaply.
        "extract" segments are handed to buildtools/aot.js, which keeps only their run-time
        functions (found with a JS parser, see EXTRACT) and puts them at their placeholder.
"""
import os

BRYTHON_VERSION = "3.15.0"

PLACEHOLDER = "/*@hsq:extract:%s@*/"

SEPARATOR = "\n;\n"  # how brython's make_dist joins its source files

CHAIN_START = "// >>> brython compiler chain"
CHAIN_END = "// <<< brython compiler chain"


class PatchError(Exception):
    """The runtime text is not what the patches were written for."""


def brython_js_path():
    import brython
    return os.path.join(os.path.dirname(brython.__file__), "data", "brython.js")


def read_brython_js():
    import brython
    version = getattr(brython, "__version__", None)
    if version is not None and version != BRYTHON_VERSION:
        raise PatchError(f"brython {version} installed; runtime patches are written for {BRYTHON_VERSION}")
    with open(brython_js_path(), encoding="utf-8") as f:
        return f.read()


# brython_path: robust against async loading, query strings and inlined copies
# (an inlined copy has no currentScript.src; the page directory is then used).
BRYTHON_PATH_JS = (
    '(function(){var s=typeof document=="object"&&document.currentScript,'
    'u=(s&&s.src)||(typeof location=="object"&&location.href)||"http://localhost/";'
    'return u.replace(/[?#].*$/,"").replace(/[^\\/]*$/,"")})()'
)

FINALIZE_CHUNKS = 6

# (name, old, new, expected occurrences in the full brython.js)
TEXT_PATCHES = [
    ("private __BRYTHON__ with brython_path set before the runtime reads it",
     "var __BRYTHON__=globalThis.__BRYTHON__ ||{}\n",
     "var __BRYTHON__={brython_path:" + BRYTHON_PATH_JS + "}\n", 1),
    ("no eval() probe (CSP violation report + misleading warning)",
     'try{\neval("async function* f(){}")}catch(err){console.warn("Your browser is not fully supported. '
     'If you are using "+\n"Microsoft Edge, please upgrade to the latest version")}\n',
     "", 1),
    ("no start-up MutationObserver on documentElement",
     "if(!($B.isWebWorker ||$B.isNode)){var startup_observer=new MutationObserver(function(mutations)"
     "{for(var mutation of mutations){for(var addedNode of mutation.addedNodes){addPythonScript(addedNode)}}})\n"
     "startup_observer.observe(document.documentElement,{childList:true,subtree:true})}\n",
     "var startup_observer={disconnect:function(){}}\n", 1),
    ("no DOMContentLoaded handler setting body.onload to brython()",
     "var onload\naddEventListener('DOMContentLoaded',function(ev){if(ev.target.body){onload=ev.target.body.onload}\n"
     "if(! onload){\nev.target.body.onload=function(){return brython()}}else{\n"
     "ev.target.body.onload=function(){onload()\nif(! status.brython_called){brython()}}}}\n)\n",
     "", 1),
    ("no customElements.define('brython-options')",
     "class BrythonOptions extends HTMLElement{\nconstructor(){super()}\n"
     "connectedCallback(){for(var attr of this.getAttributeNames()){brython_options[attr]="
     "convert_option(attr,this.getAttribute(attr))}}}\ncustomElements.define('brython-options',BrythonOptions)}\n",
     "}\n", 1),
    ("no global brython() function",
     "globalThis.brython=__BRYTHON__.brython\n", "", 1),
    # A Python function the page calls (history.pushState in history mode) that re-raises a
    # JS error it caught hands the page that very error, as if the shim were not there (Brython
    # raises a caught JS Error as itself, or wraps it with $js_exc); a Python exception still
    # goes through handle_error.
    ("a JS error re-raised by a Python callback reaches its JS caller as itself",
     "return pyobj2jsobj(res)}catch(err){$B.handle_error(err)}}",
     "return pyobj2jsobj(res)}catch(err){if(err instanceof Error){throw err}"
     "if(err&&err.$js_exc!==undefined){throw err.$js_exc}$B.handle_error(err)}}", 1),
    # Start-up derived time.tzname from Intl.DateTimeFormat(navigator.language): a tag such as
    # "C" (WebKitGTK under a POSIX locale, spoofed by privacy tools) throws RangeError, a page
    # without Intl throws TypeError, and either stopped the shim before its first beacon.
    # Nothing shipped reads tz_name (only Brython's time module, not in the bundle).
    ("no start-up Intl.DateTimeFormat(navigator.language) (throws on an invalid tag)",
     "var date=new Date()\nvar formatter=new Intl.DateTimeFormat($B.language,{timeZoneName:'short'}),"
     "short=formatter.format(date)\nformatter=new Intl.DateTimeFormat($B.language,{timeZoneName:'long'})\n"
     "var long=formatter.format(date)\nvar ix=0,minlen=Math.min(short.length,long.length)\n"
     "while(ix < minlen && short[ix]==long[ix]){ix++}\n$B.tz_name=long.substr(ix).trim()\n",
     "$B.tz_name=''\n", 1),
    # A hostile value the page passes to _hsq.push (a Proxy whose traps throw, a revoked
    # Proxy, a throwing `then` getter) is converted before any shim code runs: a throw there,
    # or in Brython's argument checks on the raw value, would reach the page. Such a value
    # arrives as a plain stand-in {$hsq_unreadable: message}; adapter.to_py records it.
    ("JS -> Python conversion never throws",
     "var jsobj2pyobj=$B.jsobj2pyobj=function(jsobj,_this){",
     # r.$kw: what Brython's argument parsing reads first on the last argument.
     "var jsobj2pyobj=$B.jsobj2pyobj=function(jsobj,_this){try{var r=hsq_jsobj2pyobj(jsobj,_this)\n"
     "if(r!==null&&(typeof r=='object'||typeof r=='function')){r.$kw}return r}"
     "catch(err){var m='unreadable';try{m=String(err&&err.message)}catch(e){}"
     "return {$hsq_unreadable:m}}}\nvar hsq_jsobj2pyobj=function(jsobj,_this){", 1),
    # Start-up in short tasks: finalising every builtin type is one 60-80 ms loop under load.
    # Take a snapshot of the types here, finalise them in FINALIZE_CHUNKS later segments (each
    # one step of the staged start-up, see buildtools/aot.js), in the same order.
    ("finalize_type loop over the builtin types: snapshot only",
     "for(var ns of[$B.builtin_types,$B.created_types]){for(var name in ns){var cls=ns[name]\n"
     "$B.finalize_type(cls)}}\n",
     "var hsq_types=[]\nfor(var ns of[$B.builtin_types,$B.created_types]){for(var name in ns){"
     "hsq_types.push(ns[name])}}\n$B.hsq_types=hsq_types\n", 1),
    ("finalize_type loop over the builtin types: chunks as separate segments",
     "console.log('missing builtin function',builtin_func)}}})(__BRYTHON__)\n;\n",
     "console.log('missing builtin function',builtin_func)}}})(__BRYTHON__)\n;\n"
     + "".join("(function($B){var t=$B.hsq_types,n=t.length\n"
               "for(var i=Math.floor(n*%d/%d),e=Math.floor(n*%d/%d);i<e;i++){$B.finalize_type(t[i])}%s})"
               "(__BRYTHON__)\n;\n" % (j, FINALIZE_CHUNKS, j + 1, FINALIZE_CHUNKS,
                                       "\ndelete $B.hsq_types" if j == FINALIZE_CHUNKS - 1 else "")
               for j in range(FINALIZE_CHUNKS)), 1),
]

# Segments (source files of brython.js) identified by a signature in their first bytes.
# (name, signature, action): "drop", or "extract" = keep only the $B functions listed in EXTRACT.
SEGMENT_RULES = [
    ("py_tokens", "(function($B){const tokens=['ENDMARKER',", "drop"),
    ("python_tokenizer", "(function($B){var _b_=$B.builtins\nfunction is_whitespace(char)", "extract"),
    ("py_ast_classes", "__BRYTHON__.ast_classes={", "drop"),
    ("py_ast", "(function($B){\nvar binary_ops={'+':'Add',", "drop"),
    ("ast_to_js", "(function($B){var _b_=$B.builtins\nfunction ast_dump(tree,indent)", "extract"),
    ("builtins_docstrings", "var docs={ArithmeticError:", "drop"),
]
# segment -> (run-time $B functions to keep, $B functions known to be compile-time only).
# buildtools/aot.js fails on any other $B assignment in the segment, so upgrades are noticed.
EXTRACT = {
    # str.isdigit/isalpha/isidentifier/... call these
    "python_tokenizer": (["in_unicode_category", "is_XID_Start", "is_XID_Continue"], ["tokenizer"]),
    # generated code and the import loader call these
    "ast_to_js": (["resolve", "resolve_local", "resolve_in_scopes", "resolve_global", "own_class_name",
                   "scope_name", "decode_position", "copy_position"], ["js_from_root", "js_from_ast"]),
}
# $B names the trimmed runtime still mentions although their definitions were cut. Each is reached
# only by exec/eval/compile, the ast module, or traceback decoration that re-reads Python source
# (none ships), or is assigned by generated code. Any other such name fails the build.
COMPILER_ONLY = ["Parser", "_PyPegen", "_PySymtable_Build", "ast", "ast_js_to_py", "ast_py_to_js",
                 "js_from_root", "py_tokens", "python_keywords", "tokenizer", "js_this"]
SIGNATURE_WINDOW = 200

UNICODE_HEAD = "__BRYTHON__.stdlib = {}\n\nvar $B=__BRYTHON__\n$B.unicode="


def apply_patch(text, name, old, new, expected):
    found = text.count(old)
    if found != expected:
        raise PatchError(f"runtime patch {name!r}: target found {found} times, expected {expected}")
    return text.replace(old, new)


def cut_compiler_chain(text):
    for marker in (CHAIN_START, CHAIN_END):
        if text.count(marker) != 1:
            raise PatchError(f"marker {marker!r} found {text.count(marker)} times, expected 1")
    start, end = text.index(CHAIN_START), text.index(CHAIN_END)
    if start > end:
        raise PatchError("compiler chain markers are out of order")
    return text[:start] + text[end + len(CHAIN_END):]


def apply_segment_rules(text):
    """Return (text with placeholders, [{name, placeholder, segment, keep, drop}])."""
    segments = text.split(SEPARATOR)
    extractions = []
    for name, signature, action in SEGMENT_RULES:
        hits = [i for i, s in enumerate(segments) if signature in s.lstrip()[:SIGNATURE_WINDOW]]
        if len(hits) != 1:
            raise PatchError(f"runtime segment {name!r}: signature found in {len(hits)} segments, expected 1")
        i = hits[0]
        if action == "extract":
            keep, drop = EXTRACT[name]
            extractions.append({"name": name, "placeholder": PLACEHOLDER % name, "segment": segments[i],
                                "keep": list(keep), "drop": list(drop)})
            segments[i] = PLACEHOLDER % name
        else:
            segments[i] = ""
    # no global $B: the unicode-data segment declares `var $B` at top level
    hits = [i for i, s in enumerate(segments) if s.lstrip().startswith(UNICODE_HEAD)]
    if len(hits) != 1:
        raise PatchError(f"unicode segment head found in {len(hits)} segments, expected 1")
    i = hits[0]
    body = segments[i].lstrip()[len(UNICODE_HEAD):]
    segments[i] = "__BRYTHON__.stdlib={}\n;(function($B){\n$B.unicode=" + body + "\n})(__BRYTHON__)"
    out = SEPARATOR.join(s for s in segments if s)
    if "var $B=__BRYTHON__" in out or "var $B = __BRYTHON__" in out:
        raise PatchError("a top-level `var $B=__BRYTHON__` survived the trimming")
    return out, extractions


def trim(text):
    """Full brython.js text -> (runtime text with placeholders, extractions for buildtools/aot.js)."""
    if not text.startswith("// brython.js brython.info\n"):
        raise PatchError("input does not look like brython.js")
    for patch in TEXT_PATCHES:
        text = apply_patch(text, *patch)
    text = cut_compiler_chain(text)
    return apply_segment_rules(text)
