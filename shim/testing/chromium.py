"""Headless Chromium for our tests, the benchmark and the site audit: the flags, Playwright's
own browser where it is installed (else the system's), and none of Chromium's own UI renderers.

Chromium 149+ preloads the address bar's popup, a WebUI page (chrome://omnibox-popup.top-chrome/)
in a renderer of its own, in the window of every new browser context. Headless, nobody sees it,
and no page can; yet it costs as much CPU as the page under test, at the very moment that page
starts (measured: the suite's CPU time 680 -> 415 core-seconds without it; a cold first beacon
of the shim 423 -> 267 ms on 2 cores). A returning visitor's browser does not start one per page.
"""

import os

SYSTEM_CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
BROWSER_UI_OFF = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup"]


def chromium_executable(playwright):
    own = playwright.chromium.executable_path
    if own and os.path.exists(own):
        return None                          # Playwright's own browser: no override
    return SYSTEM_CHROMIUM


def disabled_features(playwright, launch):
    """The features Chromium gets disabled by Playwright (and the OS's chromium wrapper),
    read from the command line of a browser launched with `launch`. Chromium obeys only the
    last --disable-features switch, so another one must repeat these."""
    browser = playwright.chromium.launch(**launch)
    try:
        return _features(browser.new_browser_cdp_session().send("SystemInfo.getInfo")["commandLine"])
    finally:
        browser.close()


def without_browser_ui(playwright, launch):
    """`launch` (keyword arguments of chromium.launch) with BROWSER_UI_OFF disabled too."""
    return _with_ui_off(launch, disabled_features(playwright, launch))


async def without_browser_ui_async(playwright, launch):
    """without_browser_ui for Playwright's async API (the site audit)."""
    browser = await playwright.chromium.launch(**launch)
    try:
        session = await browser.new_browser_cdp_session()
        features = _features((await session.send("SystemInfo.getInfo"))["commandLine"])
    finally:
        await browser.close()
    return _with_ui_off(launch, features)


def _features(command_line):
    features = []
    for arg in command_line.split():
        if arg.startswith("--disable-features="):
            features = [f for f in arg.split("=", 1)[1].split(",") if f]
    return features


def _with_ui_off(launch, features):
    extra = "--disable-features=" + ",".join(features + [f for f in BROWSER_UI_OFF if f not in features])
    return {**launch, "args": list(launch.get("args") or []) + [extra]}
