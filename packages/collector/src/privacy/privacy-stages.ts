import { createConsentStage } from '../ingest/check-consent.js';
import type { Stage } from '../ingest/stage.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import type { PlanSource } from '../plan/plan-holder.js';
import { createIpStage, type IpOptions } from './ip-stage.js';

/** Privacy settings of the collector: consent enforcement and IP handling. */
export interface PrivacyOptions extends IpOptions {
  /**
   * Consent category per track event name or call type where the tracking plan declares
   * none (default `analytics`), as the SDK's `eventCategories`:
   * `{ "Ad Clicked": "marketing", "Consent Updated": "necessary" }`.
   */
  eventCategories?: Readonly<Record<string, string>>;
}

/**
 * The privacy rules, first in the pipeline so nothing they refuse or rewrite is kept in full
 * by a later rule's quarantine: consent (`consent_denied`), then `context.ip`.
 *
 * @example
 * const stages = [...createPrivacyStages({ privacy: { ip: 'drop' }, plan, metrics }), ...DEFAULT_STAGES];
 */
export function createPrivacyStages(options: { privacy?: PrivacyOptions; plan?: PlanSource; metrics?: Metrics } = {}): Stage[] {
  const { privacy = {}, plan } = options;
  const denied = (options.metrics ?? createMetrics()).counter(
    'cairn_consent_denied_total',
    'Events refused because their stamped consent does not grant their category, by source and category',
  );
  return [createConsentStage({ plan, eventCategories: privacy.eventCategories, denied }), createIpStage(privacy)];
}
