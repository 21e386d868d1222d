"""What a route-change journey (journeys.py) runs in the page: plain scripts, no page
state of theirs but two hidden window properties (the `navigate` log, the click's mark).
"""

# Once per page: a log of the Navigation API's `navigate` events (how the URL changed)
# and the document's identity (a new document has a new time origin).
WATCH_JS = """() => {
  if (!Object.getOwnPropertyDescriptor(window, '__hsqAuditNav')) {
    const log = [];
    Object.defineProperty(window, '__hsqAuditNav', {value: log});
    if (window.navigation && navigation.addEventListener) {
      navigation.addEventListener('navigate', (e) => log.push({
        type: String(e.navigationType), same: !!(e.destination && e.destination.sameDocument),
        hash: !!e.hashChange, url: e.destination ? String(e.destination.url) : null}));
    }
  }
  return performance.timeOrigin;
}"""
# The page's visible links, in document order (urls.next_link picks one).
LINKS_JS = """() => {
  const base = document.querySelector('base[target]'), out = [], seen = new Set();
  for (const a of document.querySelectorAll('a[href]')) {
    if (seen.has(a.href) || !a.getClientRects().length || getComputedStyle(a).visibility === 'hidden') continue;
    seen.add(a.href);
    out.push({href: a.href, text: (a.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 80),
              target: (a.getAttribute('target') || (base && base.getAttribute('target')) || '').toLowerCase(),
              download: a.hasAttribute('download')});
  }
  return out;
}"""
STATE_JS = """() => ({url: location.href, title: document.title, document: performance.timeOrigin,
  nav: window.__hsqAuditNav ? window.__hsqAuditNav.length : 0})"""
# Marks the newest beacon and ignored entry (the record keeps only the newest 500), and
# clicks the first visible link to `href`: false when there is none any more.
CLICK_JS = """(href) => {
  const shim = window.hsqShim, last = (list) => (list && list.length) ? list[list.length - 1] : null;
  Object.defineProperty(window, '__hsqAuditMark', {configurable: true, writable: true,
    value: {beacon: last(shim && shim.beacons), ignored: last(shim && shim.ignored)}});
  for (const a of document.querySelectorAll('a[href]')) {
    if (a.href === href && a.getClientRects().length > 0) { a.click(); return true; }
  }
  return false;
}"""
# Waiting is done by the page's own timers: they run in the order they fall due, so a
# page starved of CPU (a loaded machine) still runs the app's overdue timers before ours,
# and a quiet spell measured here is one the app really had.
# What the click did: 'changed' once the URL changed, 'load' when it started loading a
# document (the journey aborts it), 'nothing' when neither happened within `quiet` ms.
CHANGE_JS = """({url, nav, quiet}) => new Promise((resolve) => {
  const log = window.__hsqAuditNav || [], start = performance.now();
  const tick = () => {
    const state = {url: location.href, document: performance.timeOrigin};
    if (location.href !== url) return resolve(Object.assign(state, {what: 'changed'}));
    if (log.slice(nav).some((n) => !n.same)) return resolve(Object.assign(state, {what: 'load'}));
    if (performance.now() - start >= quiet) return resolve(Object.assign(state, {what: 'nothing'}));
    setTimeout(tick, 25);
  };
  tick();
})"""
# Once the URL changed: wait until neither the URL nor the navigate log has changed for
# `quiet` ms, at most `limit` ms; every URL it went through, and whether it settled.
SETTLED_JS = """({quiet, limit}) => new Promise((resolve) => {
  const log = window.__hsqAuditNav || [], start = performance.now(), urls = [location.href];
  let seen = log.length, href = location.href, since = start;
  const tick = () => {
    const now = performance.now();
    if (log.length !== seen || location.href !== href) {
      for (const n of log.slice(seen)) if (n.same && n.url && n.url !== urls[urls.length - 1]) urls.push(n.url);
      if (location.href !== urls[urls.length - 1]) urls.push(location.href);
      seen = log.length; href = location.href; since = now;
    }
    const done = now - since >= quiet;
    if (done || now - start >= limit) {
      return resolve({settled: done, urls: urls.slice(0, 20), document: performance.timeOrigin});
    }
    setTimeout(tick, 25);
  };
  tick();
})"""
# What the page sent since the click, its title and its links now.
READ_JS = """(nav) => {
  const shim = window.hsqShim, mark = window.__hsqAuditMark || {};
  const text = (v) => (v === undefined || v === null) ? null : String(v);
  const since = (list, last) => {
    if (!list) return null;
    const all = Array.from(list), at = last ? all.lastIndexOf(last) : -1;
    return all.slice(at + 1);
  };
  return {
    url: location.href, title: document.title, document: performance.timeOrigin,
    beacons: shim && shim.beacons ? since(shim.beacons, mark.beacon).map(b => text(b.url)) : null,
    ignored: (since(shim && shim.ignored, mark.ignored) || []).map(i => ({entry: text(i.entry), reason: text(i.reason)})),
    nav: (window.__hsqAuditNav || []).slice(nav),
    links: Array.from(document.querySelectorAll('a[href], area[href]'), a => text(a.href)),
  };
}"""
