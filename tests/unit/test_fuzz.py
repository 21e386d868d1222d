"""Fuzzing the core under CPython (issue #9): nothing raised, nothing lost, nothing let in.

tests/unit/test_commands.py and test_tracker.py already feed small JSON-like values to
parse() and Tracker. This file adds what they miss: entries built around *real* method
names (so the commands' own code runs on hostile arguments), every value kind the
adapter can hand over (PageFunction, huge and unicode strings with lone surrogates,
`__proto__`/`constructor` keys, deep nesting, NaN/inf), the `_hsp` queue, and the
properties that matter to a page: ignored entries change nothing, beacon URLs stay
within MAX_URL and decode back to exactly their fields, and no value reaches a cookie
header.
"""

import re

from hypothesis import HealthCheck, given, settings, strategies as st

from shim.core.beacon import MAX_URL, MAX_VALUE
from shim.core.codec import encode_component
from shim.testing.codec import decode_component, decode_query, split_url
from shim.core.commands import (BANNER_ONLY, INTERNAL, OPTIONAL, PRIVACY_SIGNATURES, SIGNATURES,
                                Command, Ignored, PageFunction, describe, parse)
from shim.core.consent import REVOKED_COOKIES
from shim.core.effects import (BindClick, CallListener, CallPageFunction, Log, SendBeacon,
                               SetCookie, SetUserToken, Skip)
from tests.unit.helpers import make_env, make_tracker

EFFECT_TYPES = (SendBeacon, SetCookie, Skip, Log, CallPageFunction, CallListener, BindClick,
                SetUserToken)
COOKIE_NAMES = {"__hstc", "hubspotutk", "__hssc", "__hssrc", "hs_dbg", "hsfirstvisit",
                "__hs_do_not_track"} | set(REVOKED_COOKIES)
# A cookie header the shim writes: name=value then only its own attributes.
COOKIE_HEADER = re.compile(r"[A-Za-z_]+=[A-Za-z0-9.:_\-]*(;expires=[A-Za-z0-9, :]+ GMT)?;path=/"
                           r"(;domain=\.[a-z0-9.\-]+)?;SameSite=Lax(;secure)?")
URL_QUERY = re.compile(r"[A-Za-z0-9\-_.!~*'()%&=+]*")
SETTINGS = settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])

# -- strategies ----------------------------------------------------------------------

HOSTILE_TEXT = ["", "-", "0", "__proto__", "constructor", "prototype", "toString",
                "a@b.co; __hstc=evil; path=/", "/x\r\nSet-Cookie: evil=1",
                '"><script>alert(1)</script>', "evil.com/x?", "javascript:alert(1)",
                "\ud800", "\udfff\ud800", "\U0001F600", "\x00", "%", "%zz", "+", "&=&",
                "x" * (MAX_VALUE + 1), "\u00e9" * 3000, "1" * 40]
text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40),
                 st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
                         max_size=4),
                 st.integers(0, 3000).map(lambda n: "y" * n))
keys = st.one_of(st.sampled_from(["__proto__", "constructor", "email", "name", "id", "value",
                                  "properties", "track", "analytics", "url", "", "x" * 2000]),
                 st.text(max_size=10))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), text,
                    st.builds(PageFunction, st.integers()))
values = st.recursive(scalars,
                      lambda inner: st.lists(inner, max_size=5)
                      | st.dictionaries(keys, inner, max_size=5),
                      max_leaves=25)


def nested(depth):
    value = ["trackPageView"]
    for _ in range(depth):
        value = [value]
    return value


ALL_NAMES = sorted(set(SIGNATURES) | set(INTERNAL) | {"nope", "__proto__", "constructor"})
# Entries around real method names: the commands' own checks run on hostile arguments.
entries = st.one_of(
    values,
    st.integers(0, 60).map(nested),
    st.builds(lambda name, args: [name] + args, st.sampled_from(ALL_NAMES),
              st.lists(values, max_size=4)))
privacy_entries = st.one_of(
    values,
    st.builds(lambda name, args: [name] + args,
              st.sampled_from(sorted(set(PRIVACY_SIGNATURES) | set(BANNER_ONLY) | {"nope"})),
              st.lists(values, max_size=3)))
# Commands that change what later beacons look like, or whether they are sent: the
# "junk" of the survival property below may not be one of these as a valid command.
STATEFUL = set(SIGNATURES) - {"refreshPageHandlers", "addIdentityListener", "addCookieListener",
                              "addUserTokenListener", "addPageIdListener",
                              "addContentTypeListener", "addContentMetadataListener",
                              "addPrivacyConsentListener", "trackClick"}


def is_inert(entry):
    parsed = parse(entry, SIGNATURES, OPTIONAL)
    return type(parsed) is Ignored or parsed.name not in STATEFUL


# -- invariants ---------------------------------------------------------------------

def check_effects(effects):
    for effect in effects:
        assert type(effect) in EFFECT_TYPES, effect
        if type(effect) is SendBeacon:
            check_beacon(effect)
        elif type(effect) is SetCookie:
            assert effect.name in COOKIE_NAMES, effect
            assert COOKIE_HEADER.fullmatch(effect.header), effect.header
            assert effect.fallback is None or COOKIE_HEADER.fullmatch(effect.fallback)
        elif type(effect) is Skip:
            assert type(effect.entry) is str and type(effect.reason) is str
        elif type(effect) is Log:
            assert type(effect.message) is str


def check_beacon(beacon):
    """Within the limit, only encoded characters, and it decodes back to its fields."""
    assert len(beacon.url) <= MAX_URL
    base, query = split_url(beacon.url)
    assert URL_QUERY.fullmatch(query), query[:200]
    assert "?" not in base and "#" not in base and "@" not in base
    decoded = decode_query(query)
    assert [k for k, _ in decoded] == [k for k, _ in beacon.fields]
    for (key, value), (sent_key, sent_value) in zip(decoded, beacon.fields):
        # Lone surrogates go out as U+FFFD; everything else round-trips exactly.
        assert value == clean(sent_value), key


def clean(text):
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


# -- properties -----------------------------------------------------------------------

@SETTINGS
@given(entries)
def test_parse_never_raises_and_describes_briefly(entry):
    result = parse(entry, SIGNATURES, OPTIONAL)
    assert type(result) in (Command, Ignored)
    if type(result) is Ignored:
        assert type(result.reason) is str and len(result.entry) < 200
    assert len(describe(entry)) < 200


@SETTINGS
@given(st.lists(entries, max_size=8), st.lists(entries, max_size=12),
       st.lists(privacy_entries, max_size=4), st.lists(privacy_entries, max_size=4),
       st.booleans())
def test_load_and_push_never_raise_and_every_effect_is_well_formed(queued, pushed, hsp_queued,
                                                                   hsp_pushed, debug):
    tracker = make_tracker(debug=debug, duplicate_guard=True)
    effects = tracker.load(queued, make_env(), "", hsp_queued)
    for entry in pushed:
        result, more = tracker.push(entry, make_env())
        effects += more
    for entry in hsp_pushed:
        result, more = tracker.push_privacy(entry, make_env())
        assert result is None or result is False
        effects += more
    check_effects(effects)


@SETTINGS
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 999)), min_size=1, max_size=10),
       st.lists(entries.filter(is_inert), max_size=20), st.randoms(use_true_random=False))
def test_ignored_entries_change_nothing_and_valid_commands_keep_their_beacons(
        valid, junk, rng):
    """The same valid commands with and without junk between them: the same beacons, in
    the same order (the junk is anything that is not a valid state-changing command)."""
    def script(with_junk):
        out = []
        pool = list(junk)
        for n, (is_view, number) in enumerate(valid):
            if with_junk and pool:
                out.extend(pool[:rng.randint(0, len(pool))] if n else pool[:1])
            if is_view:
                out += [["setPath", "/p/%d" % number], ["trackPageView"]]
            else:
                out.append(["trackCustomBehavioralEvent", {"name": "ev%d" % number}])
        return out + (pool if with_junk else [])

    def beacons(entries_):
        tracker = make_tracker()
        sent = [e.url for e in tracker.load([], make_env()) if type(e) is SendBeacon]
        for entry in entries_:
            sent += [e.url for e in tracker.push(entry, make_env())[1] if type(e) is SendBeacon]
        return sent

    clean_run = beacons(script(False))
    assert len(clean_run) == len(valid) + 1              # the automatic view, then one each
    fuzzed = beacons(script(True))
    # Inert but valid commands may send beacons of their own (a function entry, a
    # listener...): the valid commands' beacons are still all there, in order.
    assert [u for u in fuzzed if u in clean_run] == clean_run


@SETTINGS
@given(st.lists(text, min_size=1, max_size=4), st.sampled_from(["www.example.com", "example.com",
                                                                "a.b.example.co.uk"]))
def test_hostile_cookie_domains_never_reach_a_cookie_header(domains, host):
    """data-cookie-domain and addCookieDomain values: only a bare domain can become a
    Domain attribute; nothing can add attributes or cookies."""
    tracker = make_tracker(cookie_domains=domains)
    effects = tracker.load([["addCookieDomain", d] for d in domains],
                           make_env(url="https://%s/x" % host))
    effects += tracker.push(["identify", {"email": "a@b.co; __hstc=evil"}], make_env())[1]
    effects += tracker.push(["resetVisitor"], make_env())[1]
    check_effects(effects)
    for effect in effects:
        if type(effect) is SetCookie:
            assert "evil" not in effect.header and "\r" not in effect.header


@SETTINGS
@given(text)
def test_a_hostile_tracking_domain_is_refused_or_stays_a_bare_host(host):
    tracker = make_tracker()
    tracker.load([], make_env())
    effects = tracker.push(["setTrackingDomain", host], make_env())[1]
    effects += tracker.push(["trackPageView"], make_env())[1]
    check_effects(effects)
    [beacon] = [e for e in effects if type(e) is SendBeacon]
    netloc = beacon.url.split("/")[2]
    assert re.fullmatch(r"[A-Za-z0-9.\-:]+", netloc)
    assert beacon.url.startswith("https://" + netloc + "/__ptq.gif?")


@settings(SETTINGS, max_examples=60)
@given(st.dictionaries(keys, st.one_of(text, st.integers(), st.lists(text, max_size=3)),
                       max_size=12),
       st.dictionaries(keys, st.one_of(text, st.integers(), st.none()), max_size=12), text)
def test_oversized_payloads_are_cut_or_refused_never_sent_broken(identity, properties, name):
    tracker = make_tracker()
    tracker.load([], make_env())
    effects = tracker.push(["identify", identity], make_env())[1]
    name = name if name not in ("", "-") else "e"   # an empty id or name: nothing is sent
    effects += tracker.push(["trackCustomBehavioralEvent",
                             {"name": name, "properties": properties}], make_env())[1]
    effects += tracker.push(["trackEvent", dict(identity, id=name)], make_env())[1]
    effects += tracker.push(["trackPageView"], make_env())[1]
    check_effects(effects)
    reasons = [e.reason for e in effects if type(e) is Skip]
    sent = [e for e in effects if type(e) is SendBeacon]
    assert len(sent) + len([r for r in reasons if r.startswith("not sent: the beacon URL")]) == 3
    for beacon in sent:
        for key, value in beacon.fields:
            if key == "i":
                for inner_key, inner in decode_query(value):
                    assert len(inner) <= MAX_VALUE and len(inner_key) <= MAX_VALUE
            elif key in ("n", "m") or key.startswith("_"):
                assert len(value) <= MAX_VALUE
    long_identity = any(type(v) is str and len(v) > MAX_VALUE for v in identity.values()) or \
        any(len(k) > MAX_VALUE for k in identity)
    if long_identity:
        assert "values over %d characters are cut" % MAX_VALUE in reasons


@SETTINGS
@given(st.text())
def test_the_python_encoder_matches_the_codec_and_never_raises(value):
    encoded = encode_component(value)
    assert URL_QUERY.fullmatch(encoded)
    assert decode_component(encoded) == clean(value)


@given(st.sampled_from(["_hsq", "_hsp"]), st.integers(1001, 100000))
@settings(max_examples=10)
def test_a_huge_unknown_method_name_is_recorded_cut_not_whole(queue, size):
    """The read-back record keeps 500 entries: each must stay small (describe() cuts a
    string to 60 characters), or a page pushing junk names fills memory."""
    tracker = make_tracker()
    tracker.load([], make_env())
    entry = ["n" * size]
    push = tracker.push if queue == "_hsq" else tracker.push_privacy
    [ignored] = [e for e in push(entry, make_env())[1] if type(e) is Skip]
    assert len(ignored.entry) < 200, len(ignored.entry)


def test_a_legacy_event_id_and_value_are_cut_like_every_other_value():
    """beacon.py Rule: a text value of a legacy event is cut to MAX_VALUE."""
    tracker = make_tracker()
    tracker.load([], make_env())
    effects = tracker.push(["trackEvent", {"id": "i" * 5000, "value": "v" * 5000}], make_env())[1]
    [beacon] = [e for e in effects if type(e) is SendBeacon]
    fields = dict(beacon.fields)
    assert len(fields["id"]) == MAX_VALUE                 # cut (object_pairs)
    assert len(fields["n"]) <= MAX_VALUE and len(fields["m"]) <= MAX_VALUE


def test_optional_argument_table_names_only_known_commands():
    assert set(OPTIONAL) <= set(SIGNATURES)
