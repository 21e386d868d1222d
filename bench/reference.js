// Yardstick for bench/run.py: the smallest plain-JavaScript `_hsq` that does what the benchmark
// asks of hsq-shim: drain the pre-load queue (setPortalId, setPath, identify, trackPageView),
// set the visitor cookies and send the k=1 page view with the same parameter set as the shim
// (client, page, user and privacy groups, in HubSpot's order) via new Image(), then replace
// `push` on the page's own Array. Written for the benchmark; it is not HubSpot's code and it
// does not implement the rest of the API.
(function () {
  if (window.hsqShim) return;
  var record = window.hsqShim = {version: 'reference', beacons: [], ignored: [], ready: false};
  var script = document.currentScript;
  var portal = script && script.getAttribute('data-portal-id');
  var base = ((script && script.getAttribute('data-tracking-url')) || 'https://track.hubspot.com')
    .replace(/\/+$/, '');
  var state = {path: null, previousPath: null, identity: null};
  var enc = encodeURIComponent;

  function hex32() {
    var a = crypto.getRandomValues(new Uint32Array(4)), s = '';
    for (var i = 0; i < 4; i++) s += ('00000000' + a[i].toString(16)).slice(-8);
    return s;
  }
  function cookies() {
    var out = {}, parts = document.cookie ? document.cookie.split('; ') : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf('=');
      out[parts[i].slice(0, eq)] = parts[i].slice(eq + 1);
    }
    return out;
  }
  function hash(s) {                       // 32-bit string hash for the domain part of __hstc
    var h = 0;
    for (var i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
    return (h >>> 0).toString();
  }
  function setCookie(name, value, maxAge) {
    document.cookie = name + '=' + value + '; path=/' + (maxAge ? '; max-age=' + maxAge : '') + '; SameSite=Lax';
  }
  function visitor(now) {
    var c = cookies(), domain = hash(location.hostname), isNew = !c.__hstc;
    var f = isNew ? [domain, hex32(), now, now, now, 1] : c.__hstc.split('.');
    if (!isNew && c.__hssrc !== '1') { f[3] = f[4]; f[4] = now; f[5] = +f[5] + 1; }
    var hstc = f.join('.'), hssc = domain + '.1.' + now;
    setCookie('__hstc', hstc, 15552000);
    setCookie('hubspotutk', f[1], 15552000);
    setCookie('__hssc', hssc, 1800);
    setCookie('__hssrc', '1', 0);
    return {utk: f[1], isNew: isNew, hstc: hstc, hssc: hssc};
  }
  function query(pairs) {
    var out = '';
    for (var i = 0; i < pairs.length; i++) out += (i ? '&' : '') + enc(pairs[i][0]) + '=' + enc(pairs[i][1]);
    return out;
  }
  function add(pairs, k, v) { if (v && v !== '-') pairs.push([k, v]); }
  function pageView() {
    var now = Date.now(), v = visitor(now), p = [['k', '1']], id = state.identity;
    add(p, 'sd', screen.width + 'x' + screen.height);
    add(p, 'cd', screen.colorDepth + '-bit');
    add(p, 'cs', document.characterSet);
    add(p, 'ln', (navigator.language || '').toLowerCase());
    p.push(['v', '1.1'], ['a', portal]);
    add(p, 'po', state.path);
    add(p, 'rpo', state.previousPath);
    var canonical = document.querySelector('link[rel=canonical]');
    add(p, 'rcu', canonical && canonical.href);
    add(p, 'r', document.referrer);
    add(p, 'pu', location.href);
    add(p, 't', document.title);
    p.push(['cts', String(now)]);
    if (id) {
      var idp = [];
      for (var key in id) idp.push([key, String(id[key])]);
      p.push(['i', query(idp)]);
    }
    p.push(['vi', v.utk], ['nc', String(v.isNew)], ['u', v.hstc], ['b', v.hssc], ['cc', '15']);
    var url = base + '/__ptq.gif?' + query(p);
    new Image(1, 1).src = url;
    record.beacons.push({url: url, time: now});
  }
  function run(cmd) {
    if (!Array.isArray(cmd)) return;
    switch (cmd[0]) {
      case 'setPortalId': portal = String(cmd[1]); break;
      case 'setPath': state.previousPath = state.path; state.path = cmd[1]; break;
      case 'identify': state.identity = Object.assign(state.identity || {}, cmd[1]); break;
      case 'trackPageView': pageView(); break;
      default: record.ignored.push({entry: cmd, reason: 'not in the reference'});
    }
  }
  function start() {
    var q = window._hsq = Array.isArray(window._hsq) ? window._hsq : [];
    var entries = q.splice(0, q.length), rest = [];
    for (var i = 0; i < entries.length; i++) {  // setPortalId/setPath/identify first (HubSpot's
      var name = entries[i] && entries[i][0];  // priority pass), then the automatic page view,
      if (name === 'setPortalId' || name === 'setPath' || name === 'identify') run(entries[i]);
      else rest.push(entries[i]);               // then the rest in queue order
    }
    pageView();
    rest.forEach(run);
    q.push = function (cmd) { try { run(cmd); } catch (e) { record.ignored.push({entry: cmd, reason: String(e)}); } };
    record.ready = true;
  }
  if (document.readyState === 'complete') start(); else addEventListener('load', start);
})();
