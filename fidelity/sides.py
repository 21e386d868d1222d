"""The two sides of every comparison, as answers to the page's requests.

  hubspot   HubSpot's chain from --hubspot DIR: the loader at js.hs-scripts.com/<portal>.js,
            which injects the banner (js.hs-banner.com/v2/<portal>/banner.js) and the tracker
            (js.hs-analytics.net/analytics/<bucket>/<portal>.js), as in production.
  shim      the built hsq-shim.js answering the loader URL, as the pytest plugin does
            (shim.testing.routing.loader_answer).

Both sides: beacons get the plugin's 1x1 GIF, HubSpot's other hosts its empty 204, the
site's page the scenario's HTML, anything else a 404: nothing leaves the machine.

Rule 1: the banner runs before the tracker (HubSpot's settled behaviour): the tracker's
        response is held until the banner script has executed (`hold`), so the banner
        decides consent at `load` before the tracker runs.
Rule 2: the portal's consent policy reaches HubSpot's banner (static-1.3910) as the page's
        first `['setCookiePolicy', [settings]]` on `_hsp` (the banner takes the first one
        queued; its own, later in its file, is then ignored), and the shim as
        `data-consent-policy` on the embed tag (fidelity.page).
"""

import json
import re
from pathlib import Path

from fidelity.page import BINDING_SIGNAL
from fidelity.scenario import COOKIE_DOMAINS
from shim.core.domain import cookie_domain
from shim.testing.routing import (BLOCKED_ANSWER, HUBSPOT_HOST_URL, LOADER_URL, PIXEL_ANSWER,
                                  loader_answer)
from shim.testing.beacons import BEACON_URL

SCRIPT_HEADERS = {"content-type": "application/javascript; charset=utf-8",
                  "access-control-allow-origin": "*", "cache-control": "no-store"}
NOT_FOUND = {"status": 404, "body": b"", "headers": {"cache-control": "no-store"}}
BUCKET = "1700000000000"                    # the loader's cache-busting folder
# Where HubSpot's loader injects each script in production; the public copy names them
# relative to the page ('./banner-<portal>.js'), so the harness points them back.
PRODUCTION_URLS = (
    (r"\./banner-(\d+)\.js", r"https://js.hs-banner.com/v2/\1/banner.js"),
    (r"\./analytics-(\d+)\.js", r"https://js.hs-analytics.net/analytics/" + BUCKET + r"/\1.js"),
    (r"\./collectedforms\.js", "https://js.hscollectedforms.net/collectedforms.js"),
    (r"\./leadflows\.js", "https://js.hsleadflows.net/leadflows.js"),
)
BANNER_URL = re.compile(r"^https://js\.hs-banner\.com/v2/\d+/banner\.js")


class MissingFiles(Exception):
    """--hubspot DIR lacks HubSpot's files."""


def script(body):
    return {"status": 200, "body": body, "headers": SCRIPT_HEADERS}


def common_answer(url, page):
    """What both sides answer: beacons, HubSpot's other hosts, the page, the rest."""
    if BEACON_URL.match(url):
        return PIXEL_ANSWER
    if HUBSPOT_HOST_URL.match(url):
        return BLOCKED_ANSWER
    if page is not None:
        return page
    return NOT_FOUND


# -- HubSpot's banner, per consent policy -------------------------------------

CATEGORY = {"label": "Category", "description": "What these cookies do."}
BY_CATEGORY = {"acceptAllLabel": "Accept all", "cookieSettingsLabel": "Settings",
               "saveSettingsLabel": "Save", "introduction": CATEGORY,
               "categories": {name: CATEGORY for name in
                              ("necessary", "analytics", "advertisement", "functionality")}}
# policy -> the settings that make banner static-1.3910 apply it (its modes: privacyPolicy
# 0..3; NOTIFY is opt-in without a decline button). OPT_OUT and OPT_OUT_BY_CATEGORY have
# no mode in that banner.
BANNER_MODES = {
    "COOKIES_WITHOUT_BANNER": {"privacyPolicy": 0},
    "OPT_IN": {"privacyPolicy": 1},
    "NOTIFY": {"privacyPolicy": 1, "privacyHideDecline": True},
    "NO_COOKIES": {"privacyPolicy": 2},
    "COOKIES_BY_CATEGORY": {"privacyPolicy": 3, "cookiesByCategory": BY_CATEGORY},
}


def banner_settings(portal, policy):
    """The settings object for `policy`: enabled, the default policy (matches every
    page), and a wording (the opt-in handler shows no banner and denies without one)."""
    settings = {"portalId": int(portal), "id": 1, "domain": None, "path": None, "label": None,
                "enabled": True, "privacyDefault": True, "privacyHideDecline": False,
                "privacyPolicyWording": "<p>This site uses cookies.</p>",
                "privacyAcceptWording": "Accept", "privacyDismissWording": "Decline",
                "privacyDisclaimerWording": None, "privacyBannerAccentColor": "#425b76",
                "privacyBannerType": "TOP", "cookiesByCategory": None, "targetedCountries": []}
    settings.update(BANNER_MODES[policy])
    return settings


def policy_script(portal, policy):
    return ("(window._hsp = window._hsp || []).push(['setCookiePolicy', [%s]]);"
            % json.dumps(banner_settings(portal, policy)))


def banner_ran_script():
    """Tells the harness (BINDING_SIGNAL) when the banner has executed: it sets
    window._hspb_loaded then."""
    return ("(() => { let value; Object.defineProperty(window, '_hspb_loaded', {"
            "configurable: true, get() { return value; }, set(v) { value = v;"
            " if (v) window.%s('banner'); }}); })();" % BINDING_SIGNAL)


# -- the sides ------------------------------------------------------------------

class HubSpotSide:
    name = "hubspot"
    tracker = r"hs-analytics\.net/analytics/"   # the tracking script (fidelity.page)
    ready = "() => window._hstc_ran === true"

    def __init__(self, folder):
        folder = Path(folder)
        loaders = sorted(p for p in folder.glob("*.js") if re.fullmatch(r"\d+\.js", p.name))
        if not loaders:
            raise MissingFiles("no HubSpot loader (<portal>.js) in %s" % folder)
        self.portal = loaders[0].stem
        files = {}
        for kind, name in (("loader", "%s.js"), ("analytics", "analytics-%s.js"),
                           ("banner", "banner-%s.js")):
            path = folder / (name % self.portal)
            if not path.is_file():
                raise MissingFiles("%s missing in %s" % (path.name, folder))
            files[kind] = path.read_bytes()
        loader = files["loader"].decode("utf-8")
        for pattern, url in PRODUCTION_URLS:
            loader = re.sub(pattern, url, loader)
        if BUCKET not in loader or "js.hs-banner.com" not in loader:
            raise MissingFiles("the loader in %s injects no banner or tracker" % folder)
        self.loader = loader.encode("utf-8")
        self.analytics = files["analytics"]
        self.banner = files["banner"]

    def init_scripts(self, scenario):
        scripts = [banner_ran_script()]
        if scenario.policy:
            scripts.append(policy_script(self.portal, scenario.policy))
        return scripts

    def answer(self, url, page):
        """(answer, held): `held` answers wait for the banner to have run (Rule 1)."""
        loader = LOADER_URL.match(url)
        if loader and "hs-scripts.com" in url.lower():
            return script(self.loader), False
        if loader:
            return script(self.analytics), True
        if BANNER_URL.match(url):
            return script(self.banner), False
        return common_answer(url, page), False


class ShimSide:
    name = "shim"
    tracker = r"hs-scripts\.com/"
    ready = "() => !!(window.hsqShim && window.hsqShim.ready === true)"

    def __init__(self, shim_js, portal):
        self.body = Path(shim_js).read_bytes()
        self.portal = portal

    def init_scripts(self, scenario):
        return []

    def answer(self, url, page):
        if LOADER_URL.match(url):
            return loader_answer(self.body, url), False
        return common_answer(url, page), False


# -- the visitor's decision ------------------------------------------------------

PREFERENCE_DAYS = 390


def decision_js(accept, host):
    """The shim renders no banner: what a site's consent manager does in its place, in the
    order HubSpot's banner does it on a click (consent, the stored choice, the beacon)."""
    flag = "true" if accept else "false"
    domain = cookie_domain(host, list(COOKIE_DOMAINS), False)
    return ("() => { window._hsp.push(['setHubSpotConsent', {analytics: %(f)s, "
            "advertisement: %(f)s, functionality: %(f)s}]);\n"
            " document.cookie = '__hs_cookie_cat_pref=1:%(f)s,2:%(f)s,3:%(f)s"
            ";path=/;max-age=%(age)d%(domain)s;SameSite=Lax';\n"
            " window._hsq.push(['%(beacon)s']); }"
            % {"f": flag, "age": PREFERENCE_DAYS * 86400,
               "domain": ";domain=" + domain if domain else "",
               "beacon": "trackApproveCookieConsent" if accept else "trackDeclineCookieConsent"})


# side -> (accept, decline): HubSpot's banner buttons, or the consent manager's calls.
DECISIONS = {
    "hubspot": ("click #hs-eu-confirmation-button", "click #hs-eu-decline-button"),
    "shim": ("setHubSpotConsent, __hs_cookie_cat_pref, trackApproveCookieConsent",
             "setHubSpotConsent, __hs_cookie_cat_pref, trackDeclineCookieConsent"),
}
