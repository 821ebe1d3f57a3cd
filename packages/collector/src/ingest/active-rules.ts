import type { PlanSource } from '../plan/plan-holder.js';
import type { TrackingPlan } from '../plan/tracking-plan.js';
import { resolveIngestRules, type IngestRules, type ResolvedIngestRules } from './ingest-rules.js';

/** The plan and rule settings one event is judged by. */
export interface ActiveRules {
  plan: TrackingPlan | undefined;
  rules: ResolvedIngestRules;
}

/** Where rule stages read the settings in force, per event (they change on a plan reload). */
export interface RuleSource {
  active(): ActiveRules;
}

/**
 * Rules in force: the collector's `normalisation` settings overridden by the current plan's
 * `rules`. Merged again only when the plan object changes, so reading them per event is free.
 *
 * @example
 * const source = createRuleSource(planHolder, { money: false });
 * source.active().rules.money // false, unless the plan file's rules say otherwise
 */
export function createRuleSource(plan?: PlanSource, base?: IngestRules): RuleSource {
  let seen: TrackingPlan | undefined;
  let cached: ActiveRules = { plan: undefined, rules: resolveIngestRules(base) };
  return {
    active() {
      const current = plan?.current();
      if (current !== seen) {
        seen = current;
        cached = { plan: current, rules: resolveIngestRules(base, current?.rules) };
      }
      return cached;
    },
  };
}
