import { DEFAULT_CONSENT_CATEGORIES, DEFAULT_EVENT_CATEGORY, NECESSARY_CATEGORY, type ConsentContext } from '@cairn/protocol';
import { readJson } from '../context/stored-json.js';
import { CONSENT_KEY } from '../core/storage-keys.js';
import type { KeyValueStorage } from '../core/ports.js';
import { gateStorage } from './gate-storage.js';
import type { HoldDeps, UndecidedHold } from './hold-in.js';

/** Consent per category, Segment's `categoryPreferences`: `{ analytics: true, marketing: false }`. */
export type ConsentPreferences = Record<string, boolean>;

/**
 * Receives the preferences in force after every change, and what changed them: `api`
 * (setConsent), `tab` (a decision made in another tab of the site), `gpc`, `tcf`,
 * `consent-mode`, or a name of your own.
 */
export type ConsentListener = (preferences: ConsentPreferences, source: string) => void;

/** Applies preferences from a source (the tracker's `setConsent`). */
export type ApplyConsent = (preferences: ConsentPreferences, source?: string) => void;

/**
 * A consent signal adapter: reads a browser API (Global Privacy Control, IAB TCF, Google
 * Consent Mode) and applies what it says, now and on each change.
 */
export type ConsentSignal = (apply: ApplyConsent) => void;

/** The createTracker() options of consent. */
export interface ConsentOptions {
  /**
   * `required`: events wait (in memory) until consent grants their category, and nothing that
   * identifies the visitor is stored until `analytics` is granted. Default `optional`: events
   * of undecided categories flow. Script tag: `data-consent="required"`.
   */
  consent?: 'required' | 'optional';
  /**
   * Category per event name (track) or call type (`page`, `identify` …); default `analytics`.
   * `necessary` events are always sent. Declare the same on the collector, which enforces it.
   *
   * @example
   * { 'Ad Clicked': 'marketing', 'Consent Updated': 'necessary' }
   */
  eventCategories?: Record<string, string>;
  /**
   * createTracker() only: the consent signals read from the page. Default `[gpcSignal]`; add
   * `tcfSignal`, `consentModeSignal` or your own. Script tag: `cairn.js` reads GPC unless its
   * `data-consent-signals` leaves `gpc` out (`"none"`); TCF and Consent Mode come with the
   * `cairn-consent.js` add-on, whose own `data-consent-signals` picks between them.
   */
  consentSignals?: ConsentSignal[];
  /**
   * createTracker() only, required mode: where events captured before a decision wait. Default:
   * the page's memory, so nothing is written before a decision (and a visitor who leaves
   * undecided takes their events along). `holdIn(createIdbQueue('cairn-undecided'))` keeps
   * them across page loads until the visitor decides: an identifier in storage before consent,
   * the site's call (docs/privacy.md).
   */
  holdUndecided?: (deps: HoldDeps) => UndecidedHold;
}

export type Consent = ReturnType<typeof createConsent>;

/**
 * The consent state: explicit decisions (setConsent, a CMP through its signal; kept in
 * `storage` so the next page knows them) over defaults (GPC's `marketing: false`, which only
 * an explicit grant overrides), over the mode (`optional`: allowed; `required`: undecided).
 * Its `storage` is the one for identifiers: `storage` gated by the analytics consent (see
 * gateStorage), kept in step on every change.
 *
 * @example
 * const consent = createConsent({ consent: 'required' }, storage);
 * consent.allows('analytics');            // undefined: undecided, events wait
 * consent.apply({ analytics: true });
 * consent.snapshot();                     // { necessary: true, analytics: true, marketing: false }
 */
export function createConsent(options: ConsentOptions, storage: KeyValueStorage) {
  let decided = readJson(storage, CONSENT_KEY) as ConsentPreferences;
  const defaults: ConsentPreferences = {};
  const listeners: ConsentListener[] = [];
  const required = options.consent == 'required';
  let stamp: ConsentContext | undefined;
  // Whether any category is denied: while none is, no queued event needs to be parsed to be kept.
  let denies = false;

  /** true: send; false: denied (never sent, purged); undefined: undecided (held). */
  const allows = (category: string): boolean | undefined =>
    category == NECESSARY_CATEGORY || (decided[category] ?? defaults[category] ?? (required ? undefined : true));

  /** The category of a track event's name (`event`), or of another call's `type`. */
  const categoryOf = (type: string, event?: string) => {
    const category = options.eventCategories?.[type == 'track' ? event! : type];
    // A string check: an event named `constructor` must not find Object's.
    return (typeof category == 'string' && category) || DEFAULT_EVENT_CATEGORY;
  };

  const snapshot = () => {
    const preferences: ConsentPreferences = {};
    for (const category of DEFAULT_CONSENT_CATEGORIES.concat(Object.keys(decided))) preferences[category] = allows(category) == true;
    return preferences;
  };

  // Identifiers are analytics' own: kept only once it is granted.
  const ids = gateStorage(storage, () => allows('analytics'));
  const update = () => {
    ids.sync();
    const all = { ...decided, ...defaults };
    denies = Object.values(all).includes(false);
    stamp = required || Object.keys(all)[0] ? { categoryPreferences: snapshot() } : undefined;
  };
  update();
  const changed = (source: string, store?: boolean) => {
    update();
    // After update() wrote or deleted the ids: another tab hears of them before the decision,
    // so on a grant it adopts this tab's ids rather than overwrite them with its own.
    if (store) storage.set(CONSENT_KEY, JSON.stringify(decided));
    for (const listener of listeners) listener(snapshot(), source);
  };

  return {
    storage: ids as KeyValueStorage,
    allows,
    snapshot,
    /**
     * What an event carries as `context.consent`: the snapshot, once consent is in play
     * (required mode, a decision, a signal); nothing for a site that does not use consent.
     * The same object until the next change.
     */
    stamp: () => stamp,
    categoryOf,
    /** False for a queued event (its JSON) whose category is now denied: it is to be purged. */
    keeps(json: string) {
      if (!denies) return true;
      const event = JSON.parse(json);
      return allows(categoryOf(event.type, event.event)) !== false;
    },
    /** Merges `preferences` (booleans only) as decisions, or as defaults for source `gpc`. */
    apply(preferences: ConsentPreferences, source = 'api') {
      for (const category in preferences) {
        if (typeof preferences[category] == 'boolean') (source == 'gpc' ? defaults : decided)[category] = preferences[category]!;
      }
      changed(source, true);
    },
    /**
     * Takes the decisions another tab stored (source `tab`): a visitor who says no in one tab
     * is not tracked on in the others until their next page load, and their held and queued
     * events follow the new decision there too.
     */
    reload() {
      decided = readJson(storage, CONSENT_KEY) as ConsentPreferences;
      changed('tab');
    },
    /** Registers a listener of every change (a throwing one throws from `apply`). */
    listen: (listener: ConsentListener) => void listeners.push(listener),
  };
}
