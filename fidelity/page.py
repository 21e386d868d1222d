"""The scenario's page (the same HTML on both sides) and the scripts every page gets.

Rule 1: the page carries HubSpot's embed tag as a site has it (`js.hs-scripts.com/<portal>.js`,
        async, defer, id hs-script-loader) plus the attributes a site adds for the shim
        (its cookie domains and consent policy); HubSpot's loader ignores them.
Rule 2: the recorder (RECORDER) notes every beacon URL the page asks for, in order, before
        the network sees it: Chromium requests an image URL only once per document, so two
        equal beacons (the same millisecond) would otherwise read as one.
"""

import html
import json

from fidelity.scenario import COOKIE_DOMAINS

LOADER = "https://js.hs-scripts.com/%s.js"
BINDING_BEACON = "__fidelityBeacon"         # Python callbacks exposed to the page
BINDING_SIGNAL = "__fidelitySignal"

RECORDER = """(() => {
  const beacon = /\\/__pt[^\\/?#]*\\.gif/i;
  const note = url => {
    try { if (beacon.test(String(url))) window.%(beacon)s(String(url)); } catch (e) {}
  };
  const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, 'src');
  Object.defineProperty(HTMLImageElement.prototype, 'src', {
    configurable: true, enumerable: src.enumerable, get: src.get,
    set(value) { note(value); return src.set.call(this, value); }});
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    note(typeof input === 'string' ? input : input && input.url);
    return fetch.apply(this, arguments);
  };
  if (navigator.sendBeacon) {
    const send = navigator.sendBeacon;
    navigator.sendBeacon = function (url, data) { note(url); return send.apply(this, arguments); };
  }
})();""" % {"beacon": BINDING_BEACON}

# Runs the page's window.__fidelityAfterScript once the tracking script (the side's
# `tracker` pattern) has run: after it executed, before the window's load event.
AFTER_SCRIPT = """(() => {
  const tracker = new RegExp(%s);
  let done = false;
  document.addEventListener('load', event => {
    const script = event.target;
    if (done || !script || script.tagName !== 'SCRIPT' || !tracker.test(script.src)) return;
    done = true;
    if (typeof window.__fidelityAfterScript === 'function') window.__fidelityAfterScript();
  }, true);
})();"""


def after_script_hook(tracker_pattern):
    return AFTER_SCRIPT % json.dumps(tracker_pattern)


def queue_lines(name, entries):
    return "".join("%s.push(%s);\n" % (name, entry) for entry in entries)


def page_html(scenario, portal):
    """The scenario's page: title, head, the queued entries, the embed tag."""
    attributes = ' data-cookie-domain="%s"' % " ".join(COOKIE_DOMAINS)
    if scenario.policy:
        attributes += ' data-consent-policy="%s"' % scenario.policy
    script = ("var _hsq = window._hsq = window._hsq || [];\n"
              "var _hsp = window._hsp = window._hsp || [];\n"
              + queue_lines("_hsq", scenario.before) + queue_lines("_hsp", scenario.privacy))
    if scenario.after_script:
        script += ("window.__fidelityAfterScript = function () {\n%s};\n"
                   % queue_lines("  window._hsq", scenario.after_script))
    return ("<!doctype html>\n<html><head><meta charset=\"utf-8\">\n"
            "<title>%s</title>\n%s\n<script>\n%s</script>\n"
            "<script type=\"text/javascript\" id=\"hs-script-loader\" async defer src=\"%s\"%s>"
            "</script>\n</head>\n<body><h1>%s</h1>\n"
            "<p><a id=\"next\" href=\"/next\">next</a> <button id=\"buy\">buy</button></p>\n"
            "</body></html>\n"
            % (html.escape(scenario.title), scenario.head, script, LOADER % portal, attributes,
               html.escape(scenario.title) or "page"))
