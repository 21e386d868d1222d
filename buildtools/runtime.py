"""Trim Brython's brython.js into the embedded runtime of hsq-shim.js.

Rule 1: every edit is a Patch, a Segment rule or the type table trim, and asserts its target
        (how often it occurs, what a removed segment defines, that a dropped type is named
        nowhere else); a Brython upgrade that moves or renames anything fails the build with
        PatchError.
Rule 2: pure text work only (no Node here), so tests can feed altered input cheaply.
        "extract" segments are handed to buildtools/aot.js, which keeps only their run-time
        functions (buildtools/extraction.js, with a JS parser, see EXTRACT) and puts them at
        their placeholder.
"""
import json
import os
import re

from buildtools import finalize

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
    # Text only Python's help() and interactive prompt show (builtins.__doc__, credits,
    # copyright); the type table's docstrings go in trim_type_table.
    ("no builtins module docstring",
     'var builtins_doc="Built-in functions, types, exceptions, and other "+\n'
     '"objects.\\n\\nThis module provides direct access to all \'built-in\'"+\n'
     '"\\nidentifiers of Python; for example, builtins.len is\\nthe full name"+\n'
     '" for the built-in function len().\\n\\nThis module is not normally "+\n'
     '"accessed explicitly by most\\napplications, but can be useful in "+\n'
     '"modules that provide\\nobjects with the same name as a built-in value, "+\n'
     '"but in\\nwhich the built-in of that name is also needed."\n',
     'var builtins_doc=""\n', 1),
    ("no builtins.credits / copyright text",
     "$B.module_setattr($B.imported.builtins,'credits',`    Thanks to CWI, CNRI, BeOpen, Zope Corporation, the Python Software\n"
     '    Foundation, and a cast of thousands for supporting Python\n'
     '    development.  See www.python.org for more information.`\n',
     "$B.module_setattr($B.imported.builtins,'credits',''\n", 1),   # its `)` follows
    ("no unused copyright string",
     'var copyright=`Copyright (c) 2001 Python Software Foundation.\n'
     'All Rights Reserved.\n'
     'Copyright (c) 2000 BeOpen.com.\n'
     'All Rights Reserved.\n'
     'Copyright (c) 1995-2001 Corporation for National Research Initiatives.\n'
     'All Rights Reserved.\n'
     'Copyright (c) 1991-1995 Stichting Mathematisch Centrum, Amsterdam.\n'
     'All Rights Reserved.\n'
     '`\n',
     "", 1),
    # browser.html made one class per HTML tag (130 of them: 130 of the 318 types finalised at
    # start-up, ~40 % of that work) for Python code that builds elements (html.DIV()); the shim
    # builds none and does not import browser.html. The module stays, without the classes:
    # $B.get_class of an element then finds no tag class and answers DOMNode, the class every
    # tag class derives from without overriding attribute access.
    ("browser.html without its 130 tag classes",
     "for(var tagName of tags){var klass=makeTagClass(tagName)\nklass.$factory=makeFactory(klass)\n"
     "html[tagName]=klass\n$B.str_dict_set(html.tags,tagName,klass)}\n",
     "", 1),
    # Start-up in short tasks: finalising every builtin type is one 60-80 ms loop under load.
    # Take a snapshot of the types here, finalise them in FINALIZE_CHUNKS later segments (each
    # one step of the staged start-up, see buildtools/staging.js), in the same order.
    ("finalize_type loop over the builtin types: snapshot only",
     "for(var ns of[$B.builtin_types,$B.created_types]){for(var name in ns){var cls=ns[name]\n"
     "$B.finalize_type(cls)}}\n",
     "var hsq_types=[]\nfor(var ns of[$B.builtin_types,$B.created_types]){for(var name in ns){"
     "hsq_types.push(ns[name])}}\n$B.hsq_types=hsq_types\n", 1),
    ("finalize_type loop over the builtin types: chunks as separate segments",
     "console.log('missing builtin function',builtin_func)}}})(__BRYTHON__)\n;\n",
     "console.log('missing builtin function',builtin_func)}}})(__BRYTHON__)\n;\n"
     + "".join("(function($B){var t=$B.hsq_types,n=t.length\n"
               "for(var i=Math.floor(n*%d/%d),e=Math.floor(n*%d/%d);i<e;i++){$B.hsq_finalize_lazy(t[i])}%s})"
               "(__BRYTHON__)\n;\n" % (j, FINALIZE_CHUNKS, j + 1, FINALIZE_CHUNKS,
                                       "\ndelete $B.hsq_types" if j == FINALIZE_CHUNKS - 1 else "")
               for j in range(FINALIZE_CHUNKS)), 1),
    # What a failed start-up prints. Brython's traceback needs trace_from_stack, which no test
    # runs (the coverage cut stubs it), the source lines and line numbers the bundle does not
    # have (buildtools/compact.js, Rule 4), and its SyntaxError and "Did you mean" parts cannot
    # happen without a compiler and the stdlib: the error's class and message are what is left.
    ("error_trace: the error's class and message",
     "$B.error_trace=function(err){var trace='',has_stack=err.__traceback__ !==_b_.None\n"
     "var debug=$B.get_option('debug',err)\n"
     'if(debug > 1){console.log("handle error",$B.get_class(err),err.args,err.__traceback__)\n'
     'console.log(Error().stack)}\n'
     "if(has_stack){trace='Traceback (most recent call last):\\n'}\n"
     'if($B.is_exc(err,[_b_.SyntaxError,_b_.IndentationError])){trace+=trace_from_stack(err)\n'
     'if(err.args.length > 0){var filename=err.filename,line=err.text\n'
     'if(line !==_b_.None){var indent=line.length-line.trimLeft().length\n'
     'trace+=`  File "${filename}", line ${err.args[1][1]}\\n`+\n'
     '`    ${line.trim()}\\n`}}\n'
     'if(! $B.is_exc(err,_b_.IndentationError)&&\n'
     'err.text && err.text !==_b_.None){if(err._metadata){_find_keyword_typos(err)}\n'
     "if($B.get_option('debug')> 2){console.log('debug from error',$B.get_option('debug',err))\n"
     "console.log('error args',err.args[1])\n"
     "console.log('err line',line)\n"
     "console.log('indent',indent)}\n"
     'var end_lineno=err.end_lineno===_b_.None ? err.lineno :err.end_lineno\n'
     'var end_offset=err.end_offset===_b_.None ? err.offset :err.end_offset\n'
     'var start=err.offset-indent-1,end_offset=end_offset-1+\n'
     "(end_offset==err.offset ? 1 :0),marks='    '+' '.repeat(Math.max(0,start)),nb_marks=1\n"
     'if(end_lineno > err.lineno){nb_marks=line.length-start-indent}else{\n'
     'nb_marks=end_offset-start-indent}\n'
     'if(nb_marks==0 &&\n'
     'end_offset==line.substr(indent).length){nb_marks=1}\n'
     "marks+='^'.repeat(nb_marks)+'\\n'\n"
     'trace+=marks}\n'
     "trace+=`${$B.get_name($B.get_class(err))}: ${err.args[0] ?? '<no detail available>'}`}else if($B.get_class(err)!==$B.JSObj){var name=$B.$getattr($B.get_class(err),'__qualname__')\n"
     'trace+=trace_from_stack(err)\n'
     'var args_str=_b_.str.$factory(err)\n'
     "trace+=name+(args_str ? ': '+args_str :'')\n"
     'if($B.is_exc(err,_b_.NameError)){let suggestion=$B.offer_suggestions_for_name_error(err)\n'
     "if(suggestion !==_b_.None && suggestion !==err.name){trace+=`. Did you mean: '${suggestion}'?`}\n"
     'if($B.stdlib_module_names.indexOf(err.name)>-1){\n'
     "trace+=`. Did you forget to import '${err.name}'?`}}else if($B.is_exc(err,_b_.AttributeError)){let suggestion=$B.offer_suggestions_for_attribute_error(err)\n"
     "if(suggestion !==_b_.None){trace+=`. Did you mean '.${suggestion}' instead of '.${err.name}'?`}}else if($B.is_exc(err,_b_.ImportError)){if($B.exact_type(err,_b_.ModuleNotFoundError)){if(err.name){var suggestion=$B.offer_suggestions_for_modulenotfound(\n"
     'err.name)\n'
     "if(suggestion !==_b_.None){trace+=`. Did you mean: '${suggestion}'?`}}}}}else{\n"
     'trace=err+""}\n'
     "if(err.$js_exc){trace+='\\n'\n"
     "if($B.get_option('debug',err)> 1){trace+=err.$js_exc.stack}}\n"
     'return trace}\n',
     "$B.error_trace=function(err){return $B.$getattr($B.get_class(err),'__qualname__')+': '+"
     "_b_.str.$factory(err)}\n", 1),
    # ... on the console, which is sys.stderr in the bundle.
    ("show_error writes to the console",
     "$B.show_error=function(err){if($B.get_option('debug',err)> 2){console.debug(err.stack)}\nvar trace=$B.error_trace($B.exception(err))\ntry{\nvar stderr=$B.get_stderr()\n$B.$call($B.$getattr(stderr,'write'),trace)\nvar flush=$B.$getattr(stderr,'flush',_b_.None)\nif(flush !==_b_.None){$B.$call(flush)}}catch(print_exc_err){\nconsole.log(print_exc_err)}}\n",
     "$B.show_error=function(err){console.error('hsq-shim: '+$B.error_trace($B.exception(err)),err)}\n", 1),
    ("handle_error without Brython's debug-option logging",
     "$B.handle_error=function(err){\nif($B.get_option('debug')> 2){console.log('handle error',err)\nconsole.log('frame obj',$B.frame_obj)}\n", "$B.handle_error=function(err){\n", 1),
    finalize.patch(),
]

# Fast paths on the shim's hot path (issues #12, #18: a push, a queued entry). Each one returns
# exactly what the generic path below it would, for the cases it takes, and leaves every other
# case to that path: a CPU profile of a push showed most of its time in Brython's generic
# protocol (an attribute read searched the class MRO twice, `x in dict`, `len(x)` and `t[i]` on a
# tuple went through wrapper descriptors and argument parsing, dict iteration raised
# StopIteration per item). tests/test_build.py::TestFastPaths checks each target is patched.
FAST_PATCHES = [
    # An instance attribute with no class attribute of that name (object.__getattribute__ would
    # search the MRO again, then the instance dict), and a __slots__ member that is set.
    ("fast path: instance attribute reads",
     "var res=$B.object_getattribute(obj,klass,attr)}else{",
     "if(klass.$getattribute===_b_.object.tp_getattro){if(in_klass_dict===$B.NULL){"
     "if(in_own_dict!==$B.NULL){return in_own_dict}}"
     "else if(in_klass_dict.ob_type===$B.member_descriptor&&Object.hasOwn(obj,in_klass_dict.d_member.attr)){"
     "return obj[in_klass_dict.d_member.attr]}}\n"
     "var res=$B.object_getattribute(obj,klass,attr)}else{", 1),
    # `x is y` on one object (the generic path ends in a===b after float and bytes checks).
    ("fast path: `is` on the same object",
     "$B.$is=function(a,b){\n",
     "$B.$is=function(a,b){\nif(a===b&&typeof a=='object'&&a!==null){return true}\n", 1),
    # `key in d` for an exact dict: dict.__contains__ is dict.$contains after argument parsing.
    ("fast path: `in` on a dict",
     "$B.$is_member=function(item,_set){",
     "$B.$is_member=function(item,_set){"
     "if(_set!=null&&$B.get_class(_set)===_b_.dict){return _b_.dict.$contains(_set,item)}\n", 1),
    # Iterating a dict or its keys() like a list: the same dict.$iter_items generator (same order,
    # same 'changed size during iteration' error), without a generator and a StopIteration per
    # key. Subclasses without their own __iter__ inherit it (make_fast_iter), as for list.
    ("fast path: dict iteration",
     "$B.dict_keys.tp_iter=function(self){return{\nob_type:$B.dict_keyiterator,"
     "it:dict.$iter_items(self.dict_obj),dict_obj:self.dict_obj}}\n",
     "$B.dict_keys.tp_iter=function(self){return{\nob_type:$B.dict_keyiterator,"
     "it:dict.$iter_items(self.dict_obj),dict_obj:self.dict_obj}}\n"
     "function hsq_key_iter(d,set_lineno,frame,lineno){var it=dict.$iter_items(d)\n"
     "return{[Symbol.iterator](){return this},next(){set_lineno(frame,lineno)\nvar r=it.next()\n"
     "return r.done?{done:true,value:null}:{done:false,value:r.value.key}}}}\n"
     "_b_.dict[$B.FAST_ITER]=hsq_key_iter\n"
     "$B.dict_keys[$B.FAST_ITER]=function(v,s,f,l){return hsq_key_iter(v.dict_obj,s,f,l)}\n", 1),
    # len() of a list, tuple or str: what their __len__ (mp_length) returns.
    # A JS Array (no Python type): what js_array.__len__ returns.
    ("fast path: len() of list, tuple, JS Array, str",
     "var len=_b_.len=function(obj){check_nb_args_no_kw('len',1,arguments)\n",
     "var len=_b_.len=function(obj){check_nb_args_no_kw('len',1,arguments)\n"
     "if(Array.isArray(obj)&&(obj.ob_type===_b_.list||obj.ob_type===_b_.tuple"
     "||(obj.ob_type===undefined&&obj[$B.OB_TYPE]===undefined))){return obj.length}\n"
     "if(typeof obj=='string'){return _b_.str.mp_length(obj)}\n", 1),
    ("fast path: truth of a list or tuple",
     "$B.$bool=function(obj,bool_class){\n",
     "$B.$bool=function(obj,bool_class){\n"
     "if(Array.isArray(obj)&&(obj.ob_type===_b_.list||obj.ob_type===_b_.tuple)){return obj.length>0}\n", 1),
    # t[i] on a tuple as on a list (the generic path goes through tuple.__getitem__'s wrapper);
    # out of range falls through to the generic path and its IndexError. a[i] on a JS Array
    # (every `_hsq` entry): what js_array.__getitem__ returns, the item converted.
    ("fast path: list, tuple and JS Array items",
     "$B.$getitem1=function(obj,item){",
     "$B.$getitem1=function(obj,item){"
     "if(typeof item=='number'&&Array.isArray(obj)){var k=obj.ob_type\n"
     "if(k===_b_.list||k===_b_.tuple){var i=item>=0?item:obj.length+item\nif(i>=0&&i<obj.length){return obj[i]}}"
     "else if(k===undefined&&obj[$B.OB_TYPE]===undefined){return $B.jsobj2pyobj(obj[item<0?item+obj.length:item])}}\n", 1),
    # The class of a plain JS object: whether its prototype has an own `length` (SizedJSObj),
    # without listing every name of the prototype on each call (type() of any page object).
    ("fast path: a JS object's class",
     "if(Object.getOwnPropertyNames(proto).indexOf('length')>-1)",
     "if(Object.hasOwn(proto,'length'))", 1),
    # A JS object passed back to JS (Object.keys(entry)): generic conversion returns it as it
    # is after a class lookup and a dozen type tests; an object with no Python type is not
    # a Python object, so it is returned at once.
    ("fast path: a JS object passed to JS",
     "let _jsobj=pyobj[JSOBJ]\nif(_jsobj !==undefined){return _jsobj}\n",
     "let _jsobj=pyobj[JSOBJ]\nif(_jsobj !==undefined){return _jsobj}\n"
     "if(typeof pyobj=='object'&&pyobj.ob_type===undefined&&pyobj[$B.OB_TYPE]===undefined&&!Array.isArray(pyobj)){return pyobj}\n", 1),
    # A method call: the same function and `this`, without making a bound function per call.
    ("fast path: method calls without a bound function",
     "return in_klass_dict.bind(null,obj)(...args)}",
     "return in_klass_dict.call(null,obj,...args)}", 1),
]

# Segments (source files of brython.js) identified by a signature in their first bytes.
# (name, signature, action): "drop", "extract" = keep only the $B functions listed in EXTRACT,
# or "remove" = the types of REMOVED_TYPES (below) without their methods.
SEGMENT_RULES = [
    ("py_tokens", "(function($B){const tokens=['ENDMARKER',", "drop"),
    ("python_tokenizer", "(function($B){var _b_=$B.builtins\nfunction is_whitespace(char)", "extract"),
    ("py_ast_classes", "__BRYTHON__.ast_classes={", "drop"),
    ("py_ast", "(function($B){\nvar binary_ops={'+':'Add',", "drop"),
    ("ast_to_js", "(function($B){var _b_=$B.builtins\nfunction ast_dump(tree,indent)", "extract"),
    ("builtins_docstrings", "var docs={ArithmeticError:", "drop"),
    ("py_bytes", '"use strict";\n(function($B){var _b_=$B.builtins\nvar from_unicode={},to_unicode={}', "remove"),
    ("memoryview", "(function($B){var _b_=$B.builtins\n$B.memory_iterator.tp_iter=function(self){return self}",
     "remove"),
    ("py_complex", '"use strict";\n(function($B){var _b_=$B.builtins\nfunction conv_complex(...objs){', "remove"),
    ("py_io", '(function($B){"use strict";\nvar _b_=$B.builtins\nfunction make_lines(self){', "remove"),
]
# Segments that set up builtin types the shim never uses: segment -> (types, $B functions and
# builtins the segment defines). The segment is replaced by a few lines: the types stay in the
# type table (other runtime code tests `isinstance(x, bytes)`) but have no methods, creating
# one raises, and each function is a stub that raises, with the message of the coverage cut
# (buildtools/coverage_cut.js cutFunctions): the shim's `except Exception` drops the command, and
# tests/e2e's check for that message finds it. The segment must define exactly these $B
# functions, so a Brython upgrade that adds one fails the build.
REMOVED_TYPES = {
    # The browser only encodes (shim.core.codec.encode_component works on str); bytes are
    # read back by decode_query on the host only.
    "py_bytes": (["bytes", "bytearray"],
                 ["bytes_decode", "decode", "encode", "fast_bytes", "is_bytes_like", "to_bytes"], []),
    "memoryview": (["memoryview"], [], []),
    # complex numbers come only from complex() or a float power with a negative base
    # (`(-8) ** 0.5`): that arithmetic raises instead.
    "py_complex": (["complex"], ["make_complex"], []),
    # Brython's _io classes, for open() only (files over Ajax); print() does not use them.
    "py_io": ([], ["_BufferedIOBase", "_BufferedReader", "_FileIO", "_IOBase", "_IOUnsupported", "_RawIOBase",
                   "_TextIOBase", "_TextIOWrapper", "is_buffer", "make_IOUnsupported"], ["open"]),
}
REMOVED_MESSAGE = "hsq-shim: a Brython runtime function cut from this bundle was called"
# segment -> (run-time $B functions to keep, $B functions known to be compile-time only).
# buildtools/extraction.js fails on any other $B assignment in the segment, so upgrades are noticed.
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

# The builtin type table (one `init_type(ns,"name",[tp_name, ..., tp_doc, [bases],])` per type,
# 195 of them) is set up and finalised at start-up, whether anything uses the type or not.
TYPE_TABLE_START = ('var slots=["tp_name","tp_basicsize","tp_itemsize","tp_flags","tp_weakrefoffset",'
                    '"tp_base","tp_dictoffset","tp_doc","tp_bases"\n]\n')
TYPE_TABLE_END = "for(var name in $B.builtin_types){var cls=$B.builtin_types[name]\n"
TYPE_ENTRY = re.compile(
    r'init_type\((\$B|_b_),"(\w+)",\["[^"`]+",(?:-?\d+,){4}(\$B\.NULL|[\w$.]+),-?\d+,'
    r'(\$B\.NULL|`[^`]*`),\[([\w$., ]*)\],\]\)\n')
# Internal ($B.<name>) types that no runtime code names: CPython's test types (MethClass,
# testBufType...), interpreter internals (code objects' InstructionSequence, uop_executor, hamt,
# symtable entries) and iterators of types Brython never creates. Each is checked to be named
# nowhere else in the runtime, so a Brython upgrade that starts using one fails the build.
UNUSED_TYPES = [
    "EncodingMap", "FrameLocalsProxy", "InstructionSequence", "MethClass", "MethInstance", "MethStatic",
    "MethodDescriptorBase", "MethodDescriptor2", "MethodDescriptorDerived", "MethodDescriptorNopGet",
    "MyList", "NoDefaultType", "PyCapsule", "RecursingInfinitelyError", "UnraisableHookArgs",
    "_buffer_wrapper", "anext_awaitable", "async_generator_asend", "async_generator_athrow",
    "async_generator_wrapped_value", "asyncgen_hooks", "awaitType", "coroutine_wrapper",
    "fieldnameiterator", "formatteriterator", "generic_alias_iterator", "hamt", "hamt_array_node",
    "hamt_bitmap_node", "hamt_collision_node", "hashinheritancetester", "instancemethod", "ipowType",
    "line_iterator", "longrange_iterator", "managedbuffer", "matmulType", "moduledef", "odict_items",
    "odict_iterator", "odict_keys", "odict_values", "positions_iterator", "stderrprinter",
    "str_ascii_iterator", "symtable_entry", "testBufType", "test_structmembersType_OldAPI",
    "uop_executor",
]

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


def removed_types_segment(name, segment):
    types, functions, builtins = REMOVED_TYPES[name]
    for ns, listed in (("$B", functions), ("_b_", builtins)):
        defined = sorted(set(re.findall(r"%s\.([A-Za-z_$][\w$]*)\s*=(?!=)" % re.escape(ns), segment)))
        if defined != sorted(listed):
            raise PatchError(f"runtime segment {name!r} defines {ns}.{', {ns}.'.join(defined)}; "
                             f"REMOVED_TYPES expects {ns}.{', {ns}.'.join(sorted(listed))}")
    for t in types:
        if "_b_.%s" % t not in segment:
            raise PatchError(f"runtime segment {name!r} does not set up _b_.{t}")
    what = ", ".join(types + ["%s()" % b for b in builtins])
    return ("(function($B){var _b_=$B.builtins\n"
            "function removed(){var m=%s;if($B.RAISE&&_b_.RuntimeError){$B.RAISE(_b_.RuntimeError,m)}"
            "throw new Error(m)}\n" % json.dumps(REMOVED_MESSAGE + " (removed from it: " + what + ")")
            + "".join("_b_.%s.tp_new=_b_.%s.$factory=removed\n" % (t, t) for t in types)
            + "".join("$B.%s=removed\n" % f for f in functions)
            + "".join("_b_.%s=removed\n" % b for b in builtins)
            + "})(__BRYTHON__)")


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
        elif action == "remove":
            segments[i] = removed_types_segment(name, segments[i])
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


def trim_type_table(text, unused=None):
    """Docstrings out of the builtin type table (tp_doc: only `type.__doc__` reads it, for a
    type's `__doc__`; the shim reads none) and the UNUSED_TYPES entries removed."""
    unused = UNUSED_TYPES if unused is None else unused
    for marker in (TYPE_TABLE_START, TYPE_TABLE_END):
        if text.count(marker) != 1:
            raise PatchError(f"type table marker {marker[:40]!r} found {text.count(marker)} times, expected 1")
    start = text.index(TYPE_TABLE_START) + len(TYPE_TABLE_START)
    end = text.index(TYPE_TABLE_END)
    table = text[start:end]
    entries, at = [], 0
    while at < len(table):
        m = TYPE_ENTRY.match(table, at)
        if not m:
            raise PatchError(f"type table entry not understood: {table[at:at + 80]!r}")
        entries.append(m)
        at = m.end()
    if len(entries) < 100:
        raise PatchError(f"type table has {len(entries)} entries, expected over 100")
    missing = sorted(set(unused) - {m.group(2) for m in entries if m.group(1) == "$B"})
    if missing:
        raise PatchError(f"unused types not in the type table (as $B.<name>): {', '.join(missing)}")
    kept = []
    for m in entries:
        if m.group(2) in unused:
            continue
        ns, name, base, doc, bases = m.groups()
        for ref in [base] + bases.split(","):
            if ref.startswith("$B.") and ref[3:] in unused:
                raise PatchError(f"type {name} is based on {ref[3:]}, listed as unused")
        kept.append(m.group(0).replace(doc, "$B.NULL", 1) if doc != "$B.NULL" else m.group(0))
    rest = text[:start] + text[end:]
    for name in unused:
        if re.search(r"\$B\.%s\b|[\"']%s[\"']" % (re.escape(name), re.escape(name)), rest):
            raise PatchError(f"type {name} is listed as unused, but the runtime names it")
    return text[:start] + "".join(kept) + text[end:]


def trim(text):
    """Full brython.js text -> (runtime text with placeholders, extractions for buildtools/aot.js)."""
    if not text.startswith("// brython.js brython.info\n"):
        raise PatchError("input does not look like brython.js")
    for patch in TEXT_PATCHES + FAST_PATCHES:
        text = apply_patch(text, *patch)
    text = cut_compiler_chain(text)
    text = trim_type_table(text)
    return apply_segment_rules(text)
