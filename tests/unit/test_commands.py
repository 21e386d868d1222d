"""shim.core.commands.parse(): raw `_hsq` entries -> Command or Ignored, never an exception."""

import pytest
from hypothesis import given, strategies as st

from shim.core.commands import FUNCTION, Command, Ignored, PageFunction, parse


class TestParse:
    """parse()"""

    def test_known_command(self):
        assert parse(["setPath", "/a"]) == Command("setPath", ["/a"])

    def test_empty_path_becomes_slash(self):
        """HubSpot turns setPath('') into '/'."""
        assert parse(["setPath", ""]) == Command("setPath", ["/"])

    @pytest.mark.parametrize("raw, portal", [(123, "123"), ("0456", "456"), (7.0, "7")])
    def test_portal_ids_are_normalised_to_digit_strings(self, raw, portal):
        assert parse(["setPortalId", raw]) == Command("setPortalId", [portal])

    def test_extra_arguments_are_dropped(self):
        assert parse(["trackPageView", "extra"]) == Command("trackPageView", [])

    def test_function_entry(self):
        fn = object()
        assert parse(PageFunction(fn)) == Command(FUNCTION, [fn])

    @pytest.mark.parametrize("entry, reason", [
        ("trackPageView", "not an array or a function"),
        (None, "not an array or a function"),
        ({"0": "trackPageView"}, "not an array or a function"),
        ([], "empty array: no method name"),
        ([42], "the method name 42 is not a string"),
        (["noSuchMethod"], "unknown method"),
        (["setPath"], "argument 1 must be a string path, got nothing"),
        (["setPath", 5], "argument 1 must be a string path, got 5"),
        (["identify", "a@b.co"], "argument 1 must be an object, got 'a@b.co'"),
        (["setPortalId", -1], "argument 1 must be a positive portal id, got -1"),
        (["setPortalId", True], "argument 1 must be a positive portal id, got true"),
        (["setTrackingDomain", "evil.com/x?"], "argument 1 must be a host name such as "
                                               "track.hubspot.com, got 'evil.com/x?'"),
    ])
    def test_bad_entries_are_ignored_with_a_reason(self, entry, reason):
        result = parse(entry)
        assert type(result) is Ignored and result.reason == reason


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


@given(json_values)
def test_any_json_value_parses_without_raising(entry):
    assert type(parse(entry)) in (Command, Ignored)


def test_an_unreadable_entry_is_ignored_with_the_error():
    from shim.core.commands import Unreadable
    result = parse(Unreadable("getter threw"))
    assert type(result) is Ignored and result.reason == "could not be read: getter threw"
