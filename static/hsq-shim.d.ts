/**
 * TypeScript declarations for hsq-shim (and HubSpot's tracking code): the `_hsq`
 * tracking queue, the `_hsp` privacy queue and the shim's read-back record `hsqShim`.
 *
 * Use: `npm install hsq-shim` (these are its `types`; `import type { HsqCommand } from
 * 'hsq-shim'` brings the globals too), or copy this file into your sources
 * (or add it to `include` / `files` in tsconfig.json). It declares the globals, so `window._hsq.push([...])` and a bare
 * `_hsq.push([...])` are checked: an unknown command, a misspelt one or a wrong argument
 * is a type error. The types are also exported, for your own helpers:
 *
 *     import type { HsqCommand } from './hsq-shim';
 *
 * Bootstrap before the script has loaded (or when an ad-blocker stops it):
 *
 *     const _hsq = (window._hsq = window._hsq || []);
 *     _hsq.push(['setPath', location.pathname + location.search]);
 *
 * The command list follows hsq-shim's README ("Commands"); HubSpot's tracker accepts
 * the same entries.
 */

/** A value of a contact property or an event property. */
export type HsqScalar = string | number | boolean | null | undefined;

/** `identify`: shallow-merged into the identity sent (as `i`) with every later beacon. */
export interface HsqIdentity {
  /** Creates or updates the contact with this email. */
  email?: string;
  /** An external id; only the first one sticks to an email. */
  id?: string;
  /** Other contact properties (honoured by HubSpot only for older accounts). */
  [property: string]: HsqScalar;
}

/** `trackCustomBehavioralEvent`: sent as `/__ptbe.gif?n=<name>&_<property>=<value>...`. */
export interface HsqCustomBehavioralEvent {
  /** The event's internal name, typically `pe<portalId>_<name>`. */
  name: string;
  /** An array repeats the key once per item (`_tags=a&_tags=b`); numbers are written as
   *  JavaScript writes them (`1e-7`). */
  properties?: Record<string, HsqScalar | ReadonlyArray<HsqScalar>>;
}

/** Legacy `trackEvent` / `trackConversion` object: every key is sent as a query parameter.
 *  @deprecated HubSpot says `trackEvent` is deprecated and no longer works (2026 docs): use
 *  `trackCustomBehavioralEvent`. The shim still sends it as HubSpot's library does. */
export interface HsqLegacyEvent {
  /** An event id, or a name that creates the event. */
  id: string | number;
  /** Added to `hs_analytics_revenue`. */
  value?: string | number;
  [key: string]: HsqScalar;
}

/** The options of the legacy `['trackEvent', id, {value}]` form. */
export interface HsqLegacyEventOptions {
  value?: string | number;
  [key: string]: HsqScalar;
}

/** `setContentMetadata`: sent as `cpi cgi cfi lpi abi lvi lvc`. */
export interface HsqContentMetadata {
  contentPageId?: string | number;
  contentGroupId?: string | number;
  contentFolderId?: string | number;
  legacyPageId?: string | number;
  abTestId?: string | number;
  languageVariantId?: string | number;
  languageCode?: string;
  [key: string]: HsqScalar;
}

/** The consent categories of HubSpot's banner (`necessary` is always granted). */
export interface HsqConsentCategories {
  necessary: boolean;
  analytics: boolean;
  advertisement: boolean;
  functionality: boolean;
}

/** What an `addPrivacyConsentListener` callback receives (a fresh copy each time). */
export interface HsqConsent {
  /** True when every category is granted (or there is no banner). */
  allowed: boolean;
  categories: HsqConsentCategories;
  previousCategories: HsqConsentCategories;
}

/** HubSpot's cookie-banner policy types (the script tag's `data-consent-policy`). */
export type HsqConsentPolicy =
  | 'NO_BANNER'
  | 'COOKIES_WITHOUT_BANNER'
  | 'NOTIFY'
  | 'OPT_OUT'
  | 'OPT_OUT_BY_CATEGORY'
  | 'OPT_IN'
  | 'COOKIES_BY_CATEGORY'
  | 'NO_COOKIES';

/** What an `addPrivacySettingsListener` callback receives. */
export interface HsqPrivacySettings {
  policy: HsqConsentPolicy;
  /** Whether Global Privacy Control is honoured (`data-honor-gpc`). */
  gpc: boolean;
}

/** `setHubSpotConsent`: a missing category counts as not granted. */
export interface HsqConsentChoice {
  analytics?: boolean;
  advertisement?: boolean;
  functionality?: boolean;
}

export type HsqConsentListener = (consent: HsqConsent) => void;

/** `addIdentityListener` / `addCookieListener`: the cross-domain values (`hsfp` is `''`). */
export type HsqIdentityListener = (hstc: string, hssc: string, hsfp: string) => void;

/** A function pushed instead of a command: called as `fn(tracker, hstc)`. */
export type HsqFunctionEntry = (tracker: HsqQueue, hstc: string) => void;

/**
 * The `_hsq` commands: method name -> its arguments. `_hsq.push(['setPath', '/x'])` is
 * checked against the row of its first element, so a wrong argument is reported on the
 * argument itself and listener callbacks get their parameter types.
 */
export interface HsqCommandMap {
  // Page views and page state.
  /** A page view (`k=1`). The first one is automatic at load: do not push it for the
   *  initial route (that would be a double page view). */
  trackPageView: [];
  /** The path (with its query string) of later page views, sent as `po`; the previous
   *  one as `rpo`. */
  setPath: [path: string];
  setContentType: [contentType: string];
  setCanonicalUrl: [url: string];
  setPageId: [pageId: string | number];
  setContentMetadata: [metadata: HsqContentMetadata];
  /** Sent as `tc=a-b-c` (the first five triples). */
  setTargetedContentMetadata: [triples: ReadonlyArray<readonly [string | number, string | number, string | number]>];
  refreshPageHandlers: [];
  // Identity and events.
  /** Sends nothing by itself: rides on the next page view or event. */
  identify: [identity: HsqIdentity];
  trackCustomBehavioralEvent: [event: HsqCustomBehavioralEvent];
  /** @deprecated HubSpot says `trackEvent` is deprecated and no longer works (2026 docs): use
   *  `trackCustomBehavioralEvent`. The shim still sends the legacy `k=3` beacon. */
  trackEvent: [event: HsqLegacyEvent] | [id: string | number, options?: HsqLegacyEventOptions];
  /** @deprecated The same legacy event as `trackEvent`: use `trackCustomBehavioralEvent`. */
  trackConversion: [event: HsqLegacyEvent] | [id: string | number, options?: HsqLegacyEventOptions];
  trackClick: [selector: string, eventId: string | number, options?: { url?: string }];
  trackFormView: [formId: string | number];
  trackFormInstall: [formId: string | number];
  trackFormVisible: [formId: string | number];
  trackFormInteraction: [formId: string | number];
  trackFormCompletion: [formId: string | number];
  trackCtaView: [ctaId: string | number];
  trackFeedbackView: [surveyId: string | number];
  trackApproveCookieConsent: [];
  trackDeclineCookieConsent: [];
  trackRevokeCookieConsent: [];
  // Listeners.
  addIdentityListener: [listener: HsqIdentityListener];
  addCookieListener: [listener: HsqIdentityListener];
  addUserTokenListener: [listener: (utk: string) => void];
  addPageIdListener: [listener: (pageId: string) => void];
  addContentTypeListener: [listener: (contentType: string) => void];
  addContentMetadataListener: [listener: (metadata: HsqContentMetadata) => void];
  // Visitor, switches and configuration.
  resetVisitor: [];
  resetVisitorIdentity: [];
  setTrackingEnabled: [enabled: boolean];
  setLimitTrackingToCookieDomains: [limit: boolean];
  setDebugMode: [debug: boolean];
  setPortalId: [portalId: number | string];
  setTrackingDomain: [host: string];
  addCookieDomain: [domain: string];
  setCookiesToSubdomain: [toSubdomain: boolean];
  enableSecureCookie: [];
  /** Links to the other cookie domains carry the visitor (`__hstc`, `__hssc`, `__hsfp`)
   *  once analytics consent allows; `false` turns it off again. */
  enableAutomaticLinker: [enabled?: boolean];
  /** Without an argument: opt out (cookie `__hs_do_not_track=yes`). Only `{track: true}`
   *  opts back in; `false` or `{track: false}` would opt *out*, as with HubSpot. */
  doNotTrack: [options?: { track: boolean }];
  // Consent (forwarded to `_hsp`).
  addPrivacyConsentListener: [listener: HsqConsentListener];
  revokeCookieConsent: [];
  // HubSpot-internal (its loader and prelude push them): accepted, no effect.
  setLegacy: unknown[];
  log: unknown[];
  embedHubSpotScript: unknown[];
  initEventVisualizerScript: unknown[];
  setTrackingGate: unknown[];
  autocaptureClicks: unknown[];
}

/** The method names of `_hsq` commands. */
export type HsqCommandName = keyof HsqCommandMap;

/** One `_hsq` command, `[methodName, ...arguments]`: a discriminated union of tuples
 *  (`HsqCommand<'setPath'>` is just `readonly ['setPath', string]`). */
export type HsqCommand<K extends HsqCommandName = HsqCommandName> = K extends HsqCommandName
  ? readonly [command: K, ...args: HsqCommandMap[K]]
  : never;

/** Anything `_hsq.push` takes: a command, or a function called as `fn(tracker, hstc)`. */
export type HsqEntry = HsqCommand | HsqFunctionEntry;

/**
 * `window._hsq`. Before the shim (or HubSpot's script) has run it is a plain Array;
 * after, the same Array whose `push` runs its entry at once.
 */
export interface HsqQueue {
  /** Runs (after load) or queues (before load) one entry. One entry per call: HubSpot's
   *  `push` runs only its first argument. Returns the method's result (`undefined`)
   *  after load, the Array's new length before. */
  push<K extends HsqCommandName>(entry: HsqCommand<K> | HsqFunctionEntry): unknown;
  readonly length: number;
  readonly [index: number]: HsqEntry;
}

/** `_hsp` (privacy queue) commands: method name -> its arguments. */
export interface HspCommandMap {
  addPrivacyConsentListener: [listener: HsqConsentListener];
  addPrivacySettingsListener: [listener: (settings: HsqPrivacySettings) => void];
  /** Sets the consent and notifies every listener (not persisted). */
  setHubSpotConsent: [consent: HsqConsentChoice];
  revokeCookieConsent: [];
  /** The shim has no banner UI: it re-notifies the consent listeners. */
  showBanner: [];
  // Banner configuration: accepted, no effect (there is no banner).
  setUseGeoLocation: unknown[];
  setApiBaseUrl: unknown[];
  setCookiesToSubdomain: unknown[];
  setUseSecureCookies: unknown[];
  addCookieDomain: unknown[];
  addEnabledFeatureGates: unknown[];
  setBannerSettings: unknown[];
  setCustomizationSettings: unknown[];
  setGeoLocation: unknown[];
  hideBanner: unknown[];
  useV2Wildcard: unknown[];
  useGoogleConsentModeV2: unknown[];
}

/** The method names of `_hsp` commands. */
export type HspCommandName = keyof HspCommandMap;

/** One `_hsp` command, `[methodName, ...arguments]`. */
export type HspCommand<K extends HspCommandName = HspCommandName> = K extends HspCommandName
  ? readonly [command: K, ...args: HspCommandMap[K]]
  : never;

/** `window._hsp`, HubSpot's privacy (cookie banner) queue. */
export interface HspQueue {
  /** Runs (after load) or queues (before load) one command. After load: `false` for an
   *  unknown or invalid entry, else `undefined`; before load (a plain Array), the new
   *  length, which is why `window._hsp = window._hsp || []` type-checks. */
  push<K extends HspCommandName>(command: HspCommand<K>): false | undefined | number;
  readonly length: number;
  readonly [index: number]: HspCommand;
}

/** A beacon in the read-back record. */
export interface HsqShimBeacon {
  /** The full beacon URL. */
  url: string;
  /** `Date.now()` when it was sent. */
  time: number;
  /** Its decoded query parameters: `{k: '1', a: '123', po: '/pricing', ...}`. */
  params: Record<string, string>;
}

/** An entry the shim did not run, with the reason. */
export interface HsqShimIgnored {
  /** A short description of the entry, e.g. `setPath` or `array(1)`. */
  entry: string;
  /** e.g. `argument 1 must be a string path, got object(0 keys)`. */
  reason: string;
  time: number;
}

/** `window.hsqShim`: the shim's record, for tests and debugging (absent under HubSpot). */
export interface HsqShimRecord {
  readonly version: string;
  /** True once the pre-load queue has been processed. */
  readonly ready: boolean;
  /** The newest 500 beacons. */
  readonly beacons: readonly HsqShimBeacon[];
  /** The newest 500 entries not run. */
  readonly ignored: readonly HsqShimIgnored[];
}

declare global {
  interface Window {
    _hsq: HsqQueue;
    _hsp: HspQueue;
    /** Set by hsq-shim when it starts; undefined under HubSpot's own script. */
    hsqShim?: HsqShimRecord;
    /** The visitor token (`hubspotutk`), written by the tracker at load when unset. Set it
     *  before the script loads to override the token (32 hex characters). */
    __hsUserToken?: string;
  }
  var _hsq: HsqQueue;
  var _hsp: HspQueue;
  var hsqShim: HsqShimRecord | undefined;
}

export {};
