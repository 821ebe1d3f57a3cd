import type { RuleSource } from './active-rules.js';
import { withNotes } from './cairn-notes.js';
import type { RuleMetrics } from './rule-metrics.js';
import type { Stage } from './stage.js';

/**
 * Maps a track event's name to the tracking plan's canonical name when it is an alias or a
 * respelling ("add to cart", "Add_To_Cart" → "Product Added"). The `event` column then holds
 * the canonical name; the name as sent stays in `raw` and in `context.cairn.originalEvent`.
 * Names the plan does not know pass unchanged (the plan stage judges them).
 *
 * @example
 * const stage = createCanonicalNameStage(createRuleSource(planHolder), ruleMetrics(metrics));
 */
export function createCanonicalNameStage(source: RuleSource, counters?: RuleMetrics): Stage {
  return {
    name: 'canonical-name',
    run(draft, context) {
      const { plan, rules } = source.active();
      const name = draft.event.event;
      if (!plan || !rules.aliases || draft.event.type !== 'track' || typeof name !== 'string') return draft;
      const declared = plan.resolve(name);
      if (!declared || declared.name === name) return draft;
      counters?.add('namesCanonicalized', context.source);
      return withNotes({ ...draft, event: { ...draft.event, event: declared.name } }, { originalEvent: name });
    },
  };
}
