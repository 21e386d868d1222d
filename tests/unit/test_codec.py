"""shim.core.codec: HubSpot's query encoding, and its inverse (shim.testing.codec) used by tests
and the collector."""

from urllib.parse import quote

import pytest
from hypothesis import given, strategies as st

from shim.core.codec import encode_component, encode_query
from shim.testing.codec import decode_component, decode_param, decode_query, split_url

# Text as a JS string can hold it, minus lone surrogates (encodeURIComponent throws on those).
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


class TestEncodeComponent:
    """encode_component() is encodeURIComponent."""

    @given(text)
    def test_matches_encode_uri_component(self, value):
        """Same output as encodeURIComponent (urllib's quote with JS's unreserved set)."""
        assert encode_component(value) == quote(value, safe="-_.!~*'()")

    def test_lone_surrogate_becomes_replacement_character(self):
        """JS would throw URIError; the shim sends U+FFFD instead and goes on."""
        assert encode_component("a\ud800") == "a%EF%BF%BD"


class TestEncodeQuery:
    """encode_query()"""

    def test_space_is_plus_and_reserved_characters_are_escaped(self):
        assert encode_query([("t", "Prix & café = 5€")]) == "t=Prix+%26+caf%C3%A9+%3D+5%E2%82%AC"

    def test_set_path_example_from_the_spec(self):
        assert encode_query([("po", "/x?y=1")]) == "po=%2Fx%3Fy%3D1"

    def test_pairs_keep_their_order_and_repeat_keys(self):
        assert encode_query([("b", "1"), ("a", "2"), ("b", "3")]) == "b=1&a=2&b=3"

    @given(st.lists(st.tuples(text, text), max_size=8))
    def test_decode_inverts_encode(self, pairs):
        assert decode_query(encode_query(pairs)) == pairs


class TestDecode:
    """decode_component() / decode_query() never raise on odd input."""

    @pytest.mark.parametrize("raw, decoded", [
        ("%zz", "%zz"), ("%4", "%4"), ("50%", "50%"), ("a+b", "a b"), ("%E2%82", "\ufffd"),
    ])
    def test_bad_escapes_decode_as_themselves(self, raw, decoded):
        assert decode_component(raw) == decoded

    @given(st.text(max_size=60))
    def test_any_query_string_decodes(self, raw):
        assert isinstance(decode_query(raw), list)

    def test_leading_question_mark_and_bare_keys(self):
        assert decode_query("?a=1&flag&&b=") == [("a", "1"), ("flag", ""), ("b", "")]

    def test_split_url(self):
        assert split_url("https://h/p?q=1") == ("https://h/p", "q=1")
        assert split_url("https://h/p") == ("https://h/p", "")


class TestDecodeParam:
    """shim.testing.codec.decode_param: HubSpot's decoder for its URL parameters, the twin
    of the adapter's (decodeURIComponent, else unescape; tests/e2e checks they agree)"""

    @pytest.mark.parametrize("text, decoded", [
        ("ada%40example.com", "ada@example.com"),
        ("a+b%20c", "a b c"),
        ("caf%C3%A9%20%E2%82%AC%F0%9F%98%80", "caf\u00e9 \u20ac\U0001F600"),
        ("%E9t%E9", "\u00e9t\u00e9"),                       # Latin-1: unescape's fallback
        ("100%", "100%"), ("%zz", "%zz"), ("%u20AC", "\u20ac"),
        ("%C0%AF", "\u00c0\u00af"),                         # overlong: not UTF-8
        ("%ED%A0%80", "\u00ed\u00a0\u0080"),                # a surrogate: not UTF-8
    ])
    def test_decodes_as_decodeURIComponent_else_unescape(self, text, decoded):
        assert decode_param(text) == decoded

    @given(st.text())
    def test_inverts_encode_component(self, text):
        text = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)
        assert decode_param(encode_component(text)) == text
