import { DEFAULT_EVENT_CATEGORY, ERROR_CODES, NECESSARY_CATEGORY } from '@cairn/protocol';
import { isPlainObject } from '../json/is-plain-object.js';
import { serializeJson } from '../json/serialize-json.js';
import type { Counter } from '../metrics/metrics.js';
import type { PlanSource } from '../plan/plan-holder.js';
import type { Draft, IngestContext, Rejection, Stage } from './stage.js';

/** How the consent stage finds an event's category. */
export interface ConsentRules {
  /** The tracking plan in force: a track event it declares takes the plan's category. */
  plan?: PlanSource;
  /**
   * Category per track event name or call type (`page`, `identify` …) where the plan says
   * nothing; default `analytics`. Mirror the SDK's `eventCategories`.
   */
  eventCategories?: Readonly<Record<string, string>>;
  /** Counts refusals: `cairn_consent_denied_total{source, category}`. */
  denied?: Counter;
}

/**
 * The category an event belongs to: for a track event the tracking plan declares, the plan's
 * (the event's own, else the plan's `defaultCategory`); else `eventCategories` by event name
 * (track) or call type; else, for a track event, the plan's `defaultCategory`; else `analytics`.
 *
 * @example
 * categoryOf({ type: 'track', event: 'Ad Clicked' }, undefined, { eventCategories: { 'Ad Clicked': 'marketing' } }) // 'marketing'
 */
export function categoryOf(event: Record<string, unknown>, pathType: string | undefined, rules: ConsentRules): string {
  const type = typeof event.type === 'string' ? event.type : pathType;
  const track = type === 'track' && typeof event.event === 'string';
  const key = track ? (event.event as string) : type;
  const plan = track ? rules.plan?.current() : undefined;
  return (
    (key !== undefined ? (plan?.resolve(key)?.category ?? ownValue(rules.eventCategories, key)) : undefined) ??
    plan?.document.defaultCategory ??
    DEFAULT_EVENT_CATEGORY
  );
}

/** `map[key]` if it is the map's own (an event named `constructor` must not find Object's). */
function ownValue(map: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  return map !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
}

/**
 * Enforces the consent stamped on each event by the SDK (`context.consent.categoryPreferences`,
 * Segment's field): an event whose stamp does not grant its category (`true`; a category the
 * stamp leaves out is not granted) is refused with `consent_denied`. `necessary` events always
 * pass, and so do events without a stamp: server libraries send none, and a site without
 * consent management stamps nothing.
 *
 * A refused event is counted and quarantined without its content: the quarantine row keeps
 * the type, name, messageId and the stamp (what was refused and why), never the ids,
 * properties or context the visitor did not agree to share. It runs first, before any rule
 * that could quarantine the full event for another reason.
 *
 * @example
 * // {"type":"track","event":"Ad Clicked","context":{"consent":{"categoryPreferences":{"marketing":false}}}}
 * // with eventCategories {"Ad Clicked": "marketing"} → rejected: consent_denied
 */
export function createConsentStage(rules: ConsentRules = {}): Stage {
  return {
    name: 'check-consent',
    run(draft: Draft, context: IngestContext): Draft | Rejection {
      const preferences = stampedPreferences(draft.event);
      if (preferences === undefined) return draft;
      const category = categoryOf(draft.event, context.pathType, rules);
      if (category === NECESSARY_CATEGORY || preferences[category] === true) return draft;
      rules.denied?.inc({ source: context.source, category });
      return {
        reject: {
          code: ERROR_CODES.consentDenied,
          message: `the event's consent (context.consent.categoryPreferences) does not grant its category "${category}"`,
          raw: redact(draft.event, preferences),
        },
      };
    },
  };
}

function stampedPreferences(event: Record<string, unknown>): Record<string, unknown> | undefined {
  const consent = isPlainObject(event.context) ? event.context.consent : undefined;
  const preferences = isPlainObject(consent) ? consent.categoryPreferences : undefined;
  return isPlainObject(preferences) ? preferences : undefined;
}

/** What the quarantine keeps of a refused event: what it was and the consent it carried. */
function redact(event: Record<string, unknown>, categoryPreferences: Record<string, unknown>): string {
  const kept: Record<string, unknown> = {};
  for (const field of ['type', 'event', 'name', 'messageId', 'timestamp'] as const) {
    if (typeof event[field] === 'string') kept[field] = (event[field] as string).slice(0, 255);
  }
  // The stamp as sent, bounded: a forged one could be as large as the event.
  const stamp = Object.entries(categoryPreferences).filter(([key, value]) => key.length <= 64 && typeof value === 'boolean');
  kept.context = { consent: { categoryPreferences: Object.fromEntries(stamp.slice(0, 32)) } };
  return serializeJson(kept);
}
