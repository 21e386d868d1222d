// Seeded fuzzing of `_hsq` / `_hsp` for tests/e2e/test_reliability.py.
//
// window.reliabilityFuzz(seed, total, options) pushes `total` entries: mostly junk (every
// kind of hostile or malformed value a page can push), and among them identifiable
// valid commands: ['setPath', '/p/N'] + ['trackPageView'] (a beacon with po=/p/N) and
// ['trackCustomBehavioralEvent', {name: 'evN'}] (a beacon with n=evN). The junk never
// contains a valid command that changes what a later beacon looks like (no identify,
// setTrackingEnabled, doNotTrack...), so every valid command must produce its beacon.
// It returns what was expected, how many pushes threw (must be 0) and push timings.
// Same seed, same sequence: a failure reproduces with the seed printed by the test.
(function () {
  'use strict';

  function mulberry32(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  var BIG = 'x'.repeat(100000);
  var HUGE_ARRAY = new Array(100000).fill('y');
  var SPARSE = [];
  SPARSE.length = 1000000;                        // a million holes
  var HOLES = [1, , 3, , , 'trackPageView'];      // eslint-disable-line no-sparse-arrays

  function deep(n, leaf) {
    var v = leaf;
    for (var i = 0; i < n; i++) v = [v];
    return v;
  }

  function deepObject(n) {
    var v = {email: 'deep@example.com'};
    for (var i = 0; i < n; i++) v = {next: v};
    return v;
  }

  function throwingProxy(target) {
    var boom = function () { throw new Error('proxy trap'); };
    return new Proxy(target, {
      get: boom, set: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom,
      defineProperty: boom, deleteProperty: boom, getPrototypeOf: boom,
      setPrototypeOf: boom, isExtensible: boom, preventExtensions: boom, apply: boom,
      construct: boom
    });
  }

  function revokedProxy() {
    var r = Proxy.revocable({}, {});
    r.revoke();
    return r.proxy;
  }

  function throwingGetter() {
    return {get email() { throw new Error('getter'); }, name: 'ok'};
  }

  function throwingIndex() {
    var a = ['setPath', '/never'];
    Object.defineProperty(a, 0, {get: function () { throw new Error('index getter'); }});
    return a;
  }

  function cyclic() {
    var o = {email: 'c@example.com'};
    o.self = o;
    o.list = [o, o];
    return o;
  }

  function cyclicArray() {
    var a = ['setPath'];
    a.push(a);
    return a;
  }

  function nullProto() {
    var o = Object.create(null);
    o.email = 'np@example.com';
    o.__proto__ = {polluted: true};               // an own key on a null-prototype object
    return o;
  }

  // Values that can stand anywhere: as an entry, an argument, inside an object.
  var VALUES = [
    function () { return undefined; },
    function () { return null; },
    function () { return true; },
    function () { return 0; },
    function () { return -1; },
    function () { return NaN; },
    function () { return Infinity; },
    function () { return -0; },
    function () { return 1e308; },
    function () { return Number.MAX_SAFE_INTEGER + 2; },
    function () { return ''; },
    function () { return BIG; },
    function () { return '\ud800'; },                       // a lone surrogate
    function () { return '\udfff\ud800x'; },
    function () { return '\u{1F600}\u0000\r\n\t\u2028'; },
    function () { return '"><script>throw new Error("injected")</script>'; },
    function () { return '<img src=x onerror="throw new Error(1)">'; },
    function () { return 'a@b.co; __hstc=evil; path=/'; },
    function () { return 'javascript:throw new Error(1)'; },
    function () { return Symbol('s'); },
    function () { return 10n ** 30n; },
    function () { return {}; },
    function () { return {__proto__: {polluted: true}}; },
    function () { return JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'); },
    function () { return {constructor: 'x', toString: 'y', valueOf: 5, hasOwnProperty: null}; },
    throwingGetter,
    function () { return throwingProxy({}); },
    function () { return throwingProxy([]); },
    function () { return throwingProxy(function () {}); },
    revokedProxy,
    function () { return Object.freeze({email: 'frozen@example.com', n: Object.freeze([1, 2])}); },
    function () { return Object.seal(['setPath', 1]); },
    cyclic,
    cyclicArray,
    nullProto,
    function () { return new Date(); },
    function () { return new Date(NaN); },
    function () { return /re(g)ex/gi; },
    function () { return document.body; },
    function () { return document; },
    function () { return location; },
    function () { return new Map([['a', 1]]); },
    function () { return new Set([1]); },
    function () { return new WeakMap(); },
    function () { return new Uint8Array(8); },
    function () { return new ArrayBuffer(8); },
    function () { return new Error('an error value'); },
    function () { return Promise.resolve(1); },
    function () { return deep(50, 'trackPageView'); },
    function () { return deepObject(50); },
    function () { return HOLES; },
    function () { return SPARSE; },
    function () { return HUGE_ARRAY; },
    throwingIndex,
    function () { return function () { throw new Error('thrown by a page function'); }; },
    function () { return async function () { return 1; }; },
    function () { return function* () {}; },
    function () { return class {}; },
    function () { return Math.max.bind(null); }
  ];

  // Method names junk may use: unknown or HubSpot-internal names, names differing from
  // real ones, prototype names. Known names appear only with arguments they refuse.
  var NAMES = ['nope', 'trackPageVeiw', 'TRACKPAGEVIEW', ' trackPageView', 'trackPageView\n',
               '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '',
               'setLegacy', 'log', 'embedHubSpotScript', 'autocaptureClicks', '\u0000',
               'eval', 'Function', 'innerHTML'];
  var PRIVACY_NAMES = ['nope', '__proto__', 'constructor', 'showBanner', 'setBannerSettings',
                       'addEnabledFeatureGates', 'useV2Wildcard', 'hideBanner', 'setApiBaseUrl'];

  // Hostile objects that break Brython's conversion of push's own argument (see the
  // report in docs/reliability.md); {proxies: false} keeps them out of the entry position.
  var SAFE_ENTRY_VALUES = VALUES.filter(function (f) {
    return f !== revokedProxy && String(f).indexOf('throwingProxy') < 0;
  });
  var entryValues = VALUES;

  function pick(rng, list) { return list[Math.floor(rng() * list.length)]; }
  function value(rng) { return pick(rng, VALUES)(); }
  function notString(rng) {
    for (var i = 0; i < 20; i++) { var v = value(rng); if (typeof v !== 'string') return v; }
    return 5;
  }
  // Not a name a custom event is sent with: a number or boolean is sent as its text, as
  // HubSpot does.
  function notName(rng) {
    for (var i = 0; i < 20; i++) {
      var v = value(rng);
      if (['string', 'number', 'bigint', 'boolean'].indexOf(typeof v) < 0) return v;
    }
    return null;
  }
  function notObject(rng) {
    for (var i = 0; i < 20; i++) {
      var v = value(rng);
      if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return v;
    }
    return 'not-an-object';
  }

  // One junk `_hsq` entry, with the arguments to push (usually one).
  function junkEntry(rng) {
    var r = rng();
    if (r < 0.25) return [pick(rng, entryValues)()];             // anything as the entry
    if (r < 0.55) return [[pick(rng, NAMES), value(rng), value(rng)]];
    if (r < 0.62) return [['setPath', notString(rng)]];
    if (r < 0.67) return [['identify', notObject(rng)]];
    if (r < 0.70) return [['identify', pick(rng, [throwingGetter, function () { return throwingProxy({}); }, revokedProxy])()]];
    if (r < 0.74) return [['trackCustomBehavioralEvent', {name: notName(rng), properties: value(rng)}]];
    if (r < 0.77) return [['trackCustomBehavioralEvent', throwingGetter()]];
    if (r < 0.80) return [['trackEvent', pick(rng, [null, undefined, {}, {id: ''}, {value: 5}, true])]];
    if (r < 0.83) return [['setPortalId', pick(rng, [-1, 0, 'abc', {}, [], '1'.repeat(40), NaN])]];
    if (r < 0.86) return [['setTrackingEnabled', pick(rng, ['yes', {}, [], 'false'])]];
    if (r < 0.89) return [['addIdentityListener', notObject(rng)]];
    if (r < 0.92) return [function (tracker) { tracker.push(['nope', BIG]); throw new Error('page function'); }];
    if (r < 0.95) return [];                                       // push() with nothing
    return [[pick(rng, NAMES)], pick(rng, entryValues)(), ['setDebugMode', true]];  // extra arguments are ignored
  }

  function junkPrivacy(rng) {
    var r = rng();
    if (r < 0.4) return [pick(rng, entryValues)()];
    if (r < 0.7) return [[pick(rng, PRIVACY_NAMES), value(rng)]];
    if (r < 0.8) return [['setHubSpotConsent', notObject(rng)]];
    if (r < 0.9) return [['addPrivacyConsentListener', function () { throw new Error('listener'); }]];
    return [['addPrivacySettingsListener', function () { throw new Error('settings listener'); }]];
  }

  window.reliabilityFuzz = function (seed, total, options) {
    options = options || {};
    var validRate = options.validRate || 0.1;
    var privacyRate = options.privacyRate || 0.1;
    var rng = mulberry32(seed);
    entryValues = options.proxies === false ? SAFE_ENTRY_VALUES : VALUES;
    var expected = [];          // 'po:/p/N' or 'n:evN', in push order
    var thrown = [];
    var pushes = 0, junk = 0, privacy = 0;
    var maxMs = 0, totalMs = 0;
    var n = 0;

    function timed(queue, args) {
      var t0 = performance.now();
      try {
        queue.push.apply(queue, args);
      } catch (e) {
        thrown.push(String(e && e.message || e).slice(0, 200));
      }
      var dt = performance.now() - t0;
      totalMs += dt;
      if (dt > maxMs) maxMs = dt;
      pushes++;
    }

    while (pushes < total) {
      var r = rng();
      if (r < validRate) {
        n++;
        if (rng() < 0.5) {
          timed(window._hsq, [['setPath', '/p/' + n]]);
          timed(window._hsq, [['trackPageView']]);
          expected.push('po:/p/' + n);
        } else {
          timed(window._hsq, [['trackCustomBehavioralEvent', {name: 'ev' + n}]]);
          expected.push('n:ev' + n);
        }
      } else if (r < validRate + privacyRate) {
        timed(window._hsp, junkPrivacy(rng));
        privacy++;
      } else {
        timed(window._hsq, junkEntry(rng));
        junk++;
      }
    }
    return {seed: seed, pushes: pushes, junk: junk, privacy: privacy, expected: expected,
            thrown: thrown, maxMs: maxMs, meanMs: totalMs / pushes,
            polluted: ({}).polluted === undefined && [].polluted === undefined ? null : 'polluted'};
  };
})();
