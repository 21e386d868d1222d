"""Host tool: the page set-up, one part of HubSpotTracking (shim.testing.assertions).

`PageSetup` keeps the pages and browser contexts the tracking is attached to and what
every page of theirs must start with: the consent cookie, `__hs_do_not_track`,
`navigator.globalPrivacyControl`, the count-like-HubSpot script. Each is applied to what
is attached now and replayed on every later attach, so they may come before or after
attach(), as long as it is before page.goto().

Rule: a mixin of the tracking (see assertions.py for why): its steps are generators
      (shim.testing.steps); nothing here routes or reads beacons.
"""

import time

from shim.core.consent import PREFERENCE_COOKIE
from shim.core.cookies import DO_NOT_TRACK_COOKIE, VISITOR_MS
from shim.testing.routing import (COUNT_LIKE_HUBSPOT, consent_cookie_value, cookie_init_script,
                                  gpc_init_script, origin_url)
from shim.testing.steps import Call


def _is_page(target):
    return hasattr(target, "main_frame")


class PageSetup:
    """The attached pages and contexts, and the cookies and scripts each page starts with."""

    def __init__(self, default_url=None, duplicate_guard=False):
        self.default_url = default_url
        self._pages = []
        self._contexts = []
        # replayed on every later attach; duplicate_guard=True keeps the shim's own guard
        self._init_scripts = [] if duplicate_guard else [COUNT_LIKE_HUBSPOT]
        self._cookies = []                  # (name, value, url or None)

    # -- the attached pages
    def _track(self, target):
        (self._pages if _is_page(target) else self._contexts).append(target)

    def _open_pages(self):
        pages = list(self._pages)
        for context in self._contexts:
            pages.extend(context.pages)
        return [page for page in pages if not page.is_closed()]

    def _cookie_contexts(self):
        contexts = list(self._contexts)
        for page in self._pages:
            if page.context not in contexts:
                contexts.append(page.context)
        return contexts

    def _cookie_entries(self, name, value, url):
        if url:
            urls = [url]
        else:
            urls = [origin_url(page.url) for page in self._open_pages()]
            urls.append(origin_url(self.default_url))
            urls = sorted({u for u in urls if u})
        expires = time.time() + VISITOR_MS / 1000
        return [{"name": name, "value": value, "url": u, "expires": expires, "sameSite": "Lax"}
                for u in urls]

    # -- steps (generators: yield Call or Wait, get the call's result back)
    def _set_up(self, target):
        """Give a newly attached target the scripts and cookies set so far."""
        for script in self._init_scripts:
            yield Call(target.add_init_script, script=script)
        context = target.context if _is_page(target) else target
        for name, value, url in self._cookies:
            entries = self._cookie_entries(name, value, url)
            if entries:
                yield Call(context.add_cookies, entries)

    def _add_init_script(self, script):
        self._init_scripts.append(script)
        for target in self._pages + self._contexts:
            yield Call(target.add_init_script, script=script)

    def _set_cookie(self, name, value, url=None):
        self._cookies.append((name, value, url))
        entries = self._cookie_entries(name, value, url)
        if entries:
            for context in self._cookie_contexts():
                yield Call(context.add_cookies, entries)
        yield from self._add_init_script(cookie_init_script(name, value))

    def _set_consent(self, analytics=True, advertisement=True, functionality=True, *, url=None):
        """Cookie `__hs_cookie_cat_pref` ('1:true_2:false_3:true'), as HubSpot's banner
        writes it after a visitor's choice. Set before page.goto()."""
        return self._set_cookie(PREFERENCE_COOKIE,
                                consent_cookie_value(analytics, advertisement, functionality), url)

    def _do_not_track(self, *, url=None):
        """Cookie `__hs_do_not_track=yes`: the visitor opted out (no beacon at all)."""
        return self._set_cookie(DO_NOT_TRACK_COOKIE, "yes", url)

    def _global_privacy_control(self, enabled=True):
        """`navigator.globalPrivacyControl` in every later document."""
        return self._add_init_script(gpc_init_script(enabled))
