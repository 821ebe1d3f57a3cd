import type { Metrics } from '../metrics/metrics.js';
import type { PlanSource } from '../plan/plan-holder.js';
import { createPrivacyStages, type PrivacyOptions } from '../privacy/privacy-stages.js';
import { createRuleSource } from './active-rules.js';
import { createDefaultsStage } from './apply-defaults-stage.js';
import { applyPathType } from './apply-path-type.js';
import { assignMessageId } from './assign-message-id.js';
import { cartAbandonedId } from './cart-abandoned-id.js';
import { createCanonicalNameStage } from './canonical-name-stage.js';
import { checkEnvelope } from './check-envelope.js';
import { checkEventSize } from './check-event-size.js';
import { createLimitsStage } from './check-limits.js';
import { createPlanStage } from './check-plan-stage.js';
import { createMoneyStage } from './convert-money-stage.js';
import { createTimestampStage } from './correct-timestamp.js';
import type { IngestRules } from './ingest-rules.js';
import { ruleMetrics } from './rule-metrics.js';
import type { Stage } from './stage.js';
import { isNormalized } from './to-event-row.js';

/** What the full pipeline is built from. */
export interface IngestStagesOptions {
  /** The tracking plan in force (a `PlanHolder` makes it reloadable); none: plan rules are off. */
  plan?: PlanSource;
  /** Rule switches and limits; the plan file's `rules` override them. */
  rules?: IngestRules;
  /** Where the rule counters go (`GET /metrics`). */
  metrics?: Metrics;
  /** Consent categories and IP handling (see createPrivacyStages). */
  privacy?: PrivacyOptions;
}

/**
 * The collector's full ingest pipeline, in order: consent, IP, size, envelope, limits, message id,
 * timestamps (formats, skew, range), canonical names, defaults, tracking plan, money. Names
 * come before defaults and the plan (an alias gets its event's defaults and schema), defaults
 * before the plan (a required field may come from a default), money last (the schema judges
 * the properties as sent, not the `*_base` fields added).
 *
 * @example
 * const stages = createIngestStages({ plan: createPlanHolder(plan), metrics });
 * const outcome = await runPipeline(stages, batch, context);
 */
export function createIngestStages(options: IngestStagesOptions = {}): Stage[] {
  const source = createRuleSource(options.plan, options.rules);
  const counters = ruleMetrics(options.metrics);
  // Last: counts normalized events, and flushes every rule's tallies once per batch.
  const countNormalized: Stage = {
    name: 'count-normalized',
    run(draft, context) {
      if (isNormalized(draft)) counters.add('normalized', context.source);
      return draft;
    },
    flush: () => counters.flush(),
  };
  return [
    // Consent and IP first: nothing they refuse or rewrite reaches a quarantine in full.
    ...createPrivacyStages(options),
    checkEventSize,
    applyPathType,
    checkEnvelope,
    createLimitsStage(() => source.active().rules.limits),
    assignMessageId,
    createTimestampStage(() => source.active().rules.timestamps, counters),
    createCanonicalNameStage(source, counters),
    cartAbandonedId,
    createDefaultsStage(source, counters),
    createPlanStage(source, counters),
    createMoneyStage(source, counters),
    countNormalized,
  ];
}
