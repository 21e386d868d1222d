"""A small fork of Brython's finalize_type: the types the shim does not use get their dict later.

At start-up Brython finalises every builtin type (~130 after the cut): it computes the MRO, then
fills the type's dict with a descriptor for each method, getset and member and a wrapper for
each slot. The shim touches ~20 of them, yet finalising all was most of the runtime's set-up
steps (11.7 of 18.5 ms on a returning visitor's load, issue #29; 8.3 ms with this fork).

Rule 1: FINALIZE_TYPE is Brython 3.15.0's finalize_type, text for text; the patch that replaces it
        asserts it occurs once, so a Brython upgrade fails the build (tests/test_build.py checks
        that a changed text is refused). The fork splits it in two halves that together do what
        it did, in an order that gives the same result (each slot wrapper reads only its own
        slot; the inherited slots are only the ones a type lacks):
          hsq_finalize_object: the MRO, the subclass lists, which slots the type defines, the
            inherited slots, the `$is_slot` mark of its own tp_new (type.__call__ reads it); it
            finds the slots a type defines among its own keys, in $B.wrapper_methods' order (the
            wrappers are applied in that order: two may write the same dunder), instead of
            reading every slot name off every type and making a new array of the inherited
            slots' names for each miss: that scan was most of finalize_type's own time;
          hsq_finalize_dict: the dict (module, descriptors, slot wrappers) and $getattribute.
Rule 2: at start-up, a type of HOT_TYPES gets both halves at once (as before); any other gets the
        first half, and the second on the first read or write of its dict ($B.get_dict reads
        cls[$B.DICT]), its $getattribute or its tp_funcs: what the second half makes or marks
        (it gives the tp_funcs functions their type, which call_attr's fast path tests). One
        accessor each, replaced by the values on first use (one function for reads and writes:
        the browser suite only reads, and a setter of its own would be cut). A type the shim
        never touches costs its MRO only; one it touches takes the same paths as before from
        that touch on (the browser suite passes with only object and type hot).
Rule 3: HOT_TYPES are the types a page's start-up and pushes touch (measured on a build with only
        object and type hot: the bench page and the pushes listed below). They stay plain data
        properties, so V8 keeps the objects the push path reads in fast mode (all types lazy made
        identify pushes slower, issue #12). A type missing from the list is finalised later,
        never wrongly.
"""

# The types finalised eagerly (Rule 3), by tp_name.
HOT_TYPES = [
    # touched by a page's start-up and its pushes (setPath, identify with a float and a null,
    # trackPageView, trackEvent, a custom event, setContentType, doNotTrack, an unknown command)
    "object", "type", "module", "function", "NoneType", "str", "str_iterator", "int", "dict", "tuple",
    "list", "list_iterator", "member_descriptor", "JSObject", "JavascriptFunction", "JavascriptArray",
    "JSArray_iterator", "IterableJavascriptObject", "DOMNode",
    # and what a push's own values and errors may touch
    "float", "bool", "method", "builtin_function_or_method", "BaseException", "Exception",
]

FINALIZE_TYPE = """$B.finalize_type=function(cls){cls.tp_mro=$B.make_mro(cls)
$B.set_dict(cls,$B.get_dict(cls)?? $B.empty_dict())
cls.tp_subclasses=[]
for(var base of cls.tp_bases){base.tp_subclasses.push(cls)}
var parts=cls.tp_name.split('.')
var module=parts.length==1 ? 'builtins' :
parts.slice(0,parts.length-1).join('.')
if($B.get_from_dict(cls,'__module__',$B.NULL)===$B.NULL){$B.set_to_dict(cls,'__module__',module)}
if(cls.tp_getset){for(var descr of cls.tp_getset){var getset=[cls.tp_funcs[descr+'_get'],
cls.tp_funcs[descr+'_set']
]
$B.set_to_dict(cls,descr,$B.getset_descriptor.$factory(cls,descr,getset))}}
if(cls.tp_methods){for(var descr of cls.tp_methods){var method=cls.tp_funcs[descr]
if(method===undefined){console.log('no method',cls,cls.tp_funcs,descr)
alert()}
method.ob_type=$B.builtin_method
$B.set_to_dict(cls,descr,{ob_type:$B.method_descriptor,method,d_name:descr,d_type:cls})
method.self=$B.get_from_dict(cls,descr)}}
if(cls.tp_members){for(var descr of cls.tp_members){var[name,type,attr,flags]=descr
$B.set_to_dict(cls,name,{ob_type:$B.member_descriptor,d_member:{name,type,attr,flags},d_name:name,d_type:cls}
)}}
if(cls.classmethods){for(var descr of cls.classmethods){$B.set_to_dict(cls,descr,{ob_type:$B.classmethod_descriptor,d_name:descr,d_type:cls,d_method:cls.tp_funcs[descr]})}}
if(cls.staticmethods){for(var descr of cls.staticmethods){let func=cls.tp_funcs[descr]
$B.set_type(func,$B.builtin_function_or_method)
func.ml={ml_name:descr}
func.m_self=cls
$B.set_to_dict(cls,descr,_b_.staticmethod.$factory(func))}}
for(var slot in $B.wrapper_methods){if(cls[slot]){$B.wrapper_methods[slot](cls,slot)}else if(['tp_descr_get','tp_descr_set','tp_iter','tp_call','tp_new','tp_init','tp_setattro'].includes(slot)){cls[slot]=$B.NULL
if(cls.tp_mro){for(var kls of cls.tp_mro.slice(1)){if(Object.hasOwn(kls,slot)){cls[slot]=kls[slot]
break}}}}}
$B.make_getattr(cls)}
"""

# The fork (Rule 1): the dict half is FINALIZE_TYPE's own text, from the module name to the
# static methods, so the two cannot drift apart.
_DICT_FROM = "var parts=cls.tp_name.split('.')\n"
_DICT_TO = "$B.set_to_dict(cls,descr,_b_.staticmethod.$factory(func))}}\n"
assert FINALIZE_TYPE.count(_DICT_FROM) == 1 and FINALIZE_TYPE.count(_DICT_TO) == 1
DICT_PART = FINALIZE_TYPE[FINALIZE_TYPE.index(_DICT_FROM):FINALIZE_TYPE.index(_DICT_TO) + len(_DICT_TO)]

FORK = ("""var hsq_inherited=['tp_descr_get','tp_descr_set','tp_iter','tp_call','tp_new','tp_init','tp_setattro'],hsq_rank
function hsq_finalize_object(cls){cls.tp_mro=$B.make_mro(cls)
cls.tp_subclasses=[]
for(var base of cls.tp_bases){base.tp_subclasses.push(cls)}
if(!hsq_rank){hsq_rank=new Map(Object.keys($B.wrapper_methods).map(function(s,i){return[s,i]}))}
var own=[]
for(var key of Object.keys(cls)){if(hsq_rank.has(key)&&cls[key]){own.push(key)}}
own.sort(function(a,b){return hsq_rank.get(a)-hsq_rank.get(b)})
for(var slot of hsq_inherited){if(!cls[slot]){cls[slot]=$B.NULL
for(var j=1;j<cls.tp_mro.length;j++){if(Object.hasOwn(cls.tp_mro[j],slot)){cls[slot]=cls.tp_mro[j][slot]
break}}}}
if(own.includes('tp_new')){cls.tp_new.$is_slot=true}
return own}
function hsq_finalize_dict(cls,own){$B.set_dict(cls,$B.get_dict(cls)?? $B.empty_dict())
""" + DICT_PART + """for(var slot of own){$B.wrapper_methods[slot](cls,slot)}
$B.make_getattr(cls)}
$B.finalize_type=function(cls){hsq_finalize_dict(cls,hsq_finalize_object(cls))}
var hsq_hot=new Set(%s)
$B.hsq_finalize_lazy=function(cls){var own=hsq_finalize_object(cls)
if(hsq_hot.has(cls.tp_name)){return hsq_finalize_dict(cls,own)}
var dict=cls[$B.DICT],funcs=cls.tp_funcs,keys=[$B.DICT,'$getattribute','tp_funcs']
function fill(){for(var k of keys){delete cls[k]}
if(dict!==undefined){cls[$B.DICT]=dict}
if(funcs!==undefined){cls.tp_funcs=funcs}
hsq_finalize_dict(cls,own)}
for(var k of keys){(function(k){function first(v){fill()
if(arguments.length){cls[k]=v}
return cls[k]}
Object.defineProperty(cls,k,{configurable:true,get:first,set:first})})(k)}}
""")


def patch():
    """The TEXT_PATCHES entry (buildtools/runtime.py) that puts the fork in Brython's place."""
    import json
    return ("finalize_type in two halves, the dict of types outside HOT_TYPES on first use (buildtools/finalize.py)",
            FINALIZE_TYPE, FORK % json.dumps(HOT_TYPES), 1)
