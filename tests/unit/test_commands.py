"""shim.core.commands.parse(): raw `_hsq` entries -> Command or Ignored, never an exception."""

import pytest
from hypothesis import given, strategies as st

from shim.core.commands import FUNCTION, OPTIONAL, SIGNATURES, Command, Ignored, PageFunction, parse


class TestParse:
    """parse()"""

    def test_known_command(self):
        assert parse(["setPath", "/a"], SIGNATURES, OPTIONAL) == Command("setPath", ["/a"])

    def test_empty_path_becomes_slash(self):
        """HubSpot turns setPath('') into '/'."""
        assert parse(["setPath", ""], SIGNATURES, OPTIONAL) == Command("setPath", ["/"])

    @pytest.mark.parametrize("raw, portal", [(123, "123"), ("0456", "456"), (7.0, "7")])
    def test_portal_ids_are_normalised_to_digit_strings(self, raw, portal):
        assert parse(["setPortalId", raw], SIGNATURES, OPTIONAL) == Command("setPortalId", [portal])

    def test_extra_arguments_are_dropped(self):
        assert parse(["trackPageView", "extra"], SIGNATURES, OPTIONAL) == Command("trackPageView", [])

    def test_function_entry(self):
        fn = object()
        assert parse(PageFunction(fn), SIGNATURES, OPTIONAL) == Command(FUNCTION, [fn])

    @pytest.mark.parametrize("entry, reason", [
        ("trackPageView", "not an array or a function"),
        (None, "not an array or a function"),
        ({"0": "trackPageView"}, "not an array or a function"),
        ([], "empty array: no method name"),
        ([42], "the method name 42 is not a string"),
        (["noSuchMethod"], "unknown method"),
        (["setPath"], "argument 1 must be a string path, got nothing"),
        (["setPath", {}], "argument 1 must be a string path, got object(0 keys)"),
        (["identify", "a@b.co"], "argument 1 must be an object, got 'a@b.co'"),
        (["setPortalId", -1], "argument 1 must be a positive portal id, got -1"),
        (["setPortalId", True], "argument 1 must be a positive portal id, got true"),
        (["setTrackingDomain", "evil.com/x?"], "argument 1 must be a host name such as "
                                               "track.hubspot.com, got 'evil.com/x?'"),
    ])
    def test_bad_entries_are_ignored_with_a_reason(self, entry, reason):
        result = parse(entry, SIGNATURES, OPTIONAL)
        assert type(result) is Ignored and result.reason == reason


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


@given(json_values)
def test_any_json_value_parses_without_raising(entry):
    assert type(parse(entry, SIGNATURES, OPTIONAL)) in (Command, Ignored)


def test_an_unreadable_entry_is_ignored_with_the_error():
    from shim.core.commands import Unreadable
    result = parse(Unreadable("getter threw"), SIGNATURES, OPTIONAL)
    assert type(result) is Ignored and result.reason == "could not be read: getter threw"


def declared_names(interface):
    """The method names of one `interface X { name: [...]; }` in static/hsq-shim.d.ts."""
    import pathlib
    import re
    text = (pathlib.Path(__file__).parents[2] / "static" / "hsq-shim.d.ts").read_text()
    body = text.split("export interface " + interface + " {", 1)[1].split("\n}", 1)[0]
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    return set(re.findall(r"^\s*(\w+)\s*:", body, flags=re.M))


class TestTheTypesNameEveryCommand:
    """static/hsq-shim.d.ts against the command rows (commands.HSQ, commands.HSP)."""

    def test_hsq_command_map_is_the_hsq_rows_and_the_internal_names(self):
        from shim.core.commands import HSQ, INTERNAL
        assert declared_names("HsqCommandMap") == set(HSQ) | set(INTERNAL)

    def test_hsp_command_map_is_the_hsp_rows(self):
        from shim.core.commands import HSP
        assert declared_names("HspCommandMap") == set(HSP)

    def test_every_row_names_a_handler_that_exists(self):
        from shim.core.commands import HSP, HSQ
        from shim.core.privacy import PrivacyQueue
        from shim.core.tracker import Tracker
        tracker = Tracker(lambda: 0)
        missing = []
        for name, row in HSQ.items():
            owner, _, field = row[4].partition(".")
            if field:           # 'object.field': the command sets that field
                exists = hasattr(getattr(tracker, owner, None), field)
            else:
                exists = callable(getattr(Tracker, owner, None))
            if not exists:
                missing.append(name)
        assert missing == []
        assert [n for n in HSP if HSP[n][2] is not None
                and not callable(getattr(PrivacyQueue, HSP[n][2], None))] == []
