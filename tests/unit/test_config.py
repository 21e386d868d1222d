"""shim.core.config: the script tag's attributes and src -> the shim's configuration."""

import pytest

from shim.core.config import ATTRIBUTES, Config, is_tracking_src, read_config

ORIGIN = "https://www.example.com"


def config(src=None, origin=ORIGIN, overrides=None, **attributes):
    """read_config with attributes given as data_portal_id='1' (data-portal-id)."""
    named = dict.fromkeys(ATTRIBUTES)
    for key in attributes:
        named[key.replace("_", "-")] = attributes[key]
    return read_config(src, named, origin, overrides)


class TestPortal:
    @pytest.mark.parametrize("src", [
        "https://js.hs-scripts.com/123.js", "//js.hs-scripts.com/123.js?business=1",
        "https://js-eu1.hs-scripts.com/123.js#x", "https://js.hs-analytics.net/analytics/1/0123.js",
        "/static/123.js"])
    def test_the_portal_comes_from_hubspots_loader_url(self, src):
        assert config(src).portal_id == "123"

    @pytest.mark.parametrize("src", ["https://cdn.example.com/hsq-shim.js", "https://x/abc.js",
                                     "https://x/123.jsx", "https://x/1234567890123.js", ""])
    def test_a_src_without_a_portal_gives_none(self, src):
        assert config(src).portal_id is None

    @pytest.mark.parametrize("value, portal", [("123", "123"), (" 0456 ", "456")])
    def test_data_portal_id_is_normalised_to_digits(self, value, portal):
        assert config("https://x/hsq-shim.js", data_portal_id=value).portal_id == portal

    @pytest.mark.parametrize("value", ["", "abc", "-1", "12.5", "1234567890123"])
    def test_an_invalid_data_portal_id_gives_none_even_with_a_portal_in_src(self, value):
        assert config("https://js.hs-scripts.com/9.js", data_portal_id=value).portal_id is None

    def test_no_script_no_portal(self):
        assert config(None) == Config()


class TestCollector:
    @pytest.mark.parametrize("value, base", [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        (" https://collect.example.com/hs/ ", "https://collect.example.com/hs"),
        ("/collect", ORIGIN + "/collect"), ("/collect/", ORIGIN + "/collect")])
    def test_a_base_url_or_a_path_on_the_pages_origin(self, value, base):
        assert config(data_tracking_url=value).collector == base

    @pytest.mark.parametrize("value", ["", "collect", "//evil.example.com", "ftp://x", "https://",
                                       "https://a b", 'https://a"b', "https://x/?a=1", "https://x#y"])
    def test_anything_else_is_refused(self, value):
        assert config(data_tracking_url=value).collector is None


class TestCookieDomains:
    @pytest.mark.parametrize("value, domains", [
        ("example.com", ["example.com"]), ("a.com, b.com", ["a.com", "b.com"]),
        (" a.com  b.com,,c.com ", ["a.com", "b.com", "c.com"]), ("", [])])
    def test_separated_by_spaces_or_commas(self, value, domains):
        assert config(data_cookie_domain=value).cookie_domains == domains


class TestSwitches:
    def test_defaults(self):
        c = config()
        assert (c.duplicate_guard, c.track_history, c.honor_gpc) == (True, False, False)

    @pytest.mark.parametrize("value, on", [("", True), ("on", True), ("true", True),
                                           ("off", False), ("false", False)])
    def test_flag_values(self, value, on):
        c = config(data_duplicate_guard=value, data_track_history=value)
        assert (c.duplicate_guard, c.track_history) == (on, on)

    def test_data_honor_gpc_is_on_when_present(self):
        assert config(data_honor_gpc="").honor_gpc is True

    def test_hsq_shim_config_overrides_the_attributes(self):
        c = config(data_duplicate_guard="on", data_track_history="off",
                   overrides={"duplicateGuard": False, "trackHistory": True})
        assert (c.duplicate_guard, c.track_history) == (False, True)

    def test_only_true_or_false_override(self):
        c = config(data_track_history="on", overrides={"trackHistory": 0, "duplicateGuard": "no"})
        assert (c.duplicate_guard, c.track_history) == (True, True)


class TestPolicy:
    @pytest.mark.parametrize("value, policy", [(None, "NO_BANNER"), ("", "NO_BANNER"),
                                               (" opt_in ", "OPT_IN"), ("Notify", "NOTIFY")])
    def test_names_are_trimmed_and_upper_case(self, value, policy):
        assert config(data_consent_policy=value).policy == policy


@pytest.mark.parametrize("src, ours", [
    ("https://cdn.example.com/hsq-shim.min.js", True), ("https://js.hs-scripts.com/1.js", True),
    ("https://js.hs-analytics.net/analytics/x.js", True), ("https://x/77.js", True),
    ("https://cdn.example.com/app.js", False)])
def test_is_tracking_src(src, ours):
    assert is_tracking_src(src) is ours
