import { isPlainObject } from '../json/is-plain-object.js';
import type { RuleSource } from './active-rules.js';
import { withNotes } from './cairn-notes.js';
import type { RuleMetrics } from './rule-metrics.js';
import type { Stage } from './stage.js';

/**
 * Fills a track event's missing properties (absent or null) from the plan's defaults: the
 * event's own first, then its source's, then the plan-wide ones. The keys filled are listed
 * in `context.cairn.defaults`. Runs after name canonicalisation, so an alias gets the
 * defaults of the event it stands for.
 *
 * @example
 * // plan: events["Product Added"].defaults = {quantity: 1}
 * // {event: 'add to cart', properties: {sku: 'A'}} → properties {sku: 'A', quantity: 1}
 */
export function createDefaultsStage(source: RuleSource, counters?: RuleMetrics): Stage {
  return {
    name: 'apply-defaults',
    run(draft, context) {
      const { plan, rules } = source.active();
      if (!plan || !rules.defaults || draft.event.type !== 'track') return draft;
      const layers = [
        plan.events.get(String(draft.event.event))?.defaults,
        plan.sourceDefaults(context.source),
        plan.defaults,
      ];
      const current = isPlainObject(draft.event.properties) ? draft.event.properties : {};
      let properties: Record<string, unknown> | undefined;
      const filled: string[] = [];
      for (const layer of layers) {
        if (!layer) continue;
        for (const key of Object.keys(layer)) {
          const target = properties ?? current;
          if (target[key] !== undefined && target[key] !== null) continue;
          properties ??= { ...current };
          properties[key] = layer[key];
          filled.push(key);
        }
      }
      if (!properties) return draft;
      counters?.add('defaultsApplied', context.source, filled.length);
      return withNotes({ ...draft, event: { ...draft.event, properties } }, { defaults: filled });
    },
  };
}
