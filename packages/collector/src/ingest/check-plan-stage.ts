import { ERROR_CODES } from '@cairn/protocol';
import { describeAjvErrors, joinProblems } from '../plan/ajv-messages.js';
import type { RuleSource } from './active-rules.js';
import { withNotes, type Violation } from './cairn-notes.js';
import type { RuleMetrics } from './rule-metrics.js';
import { reject, type Stage } from './stage.js';

/** Violations listed per event; a schema broken everywhere says enough in five lines. */
const MAX_VIOLATIONS = 5;

/**
 * Judges a track event by the tracking plan: its (canonical) name must be declared, when the
 * plan declares any, and its properties must pass the event's JSON Schema (compiled when the
 * plan loaded). In `quarantine` mode a violation refuses the event with `plan_violation` and
 * a message naming the field; in `allow` mode the event is stored and the violations are
 * listed in `context.cairn.violations`.
 *
 * @example
 * // plan mode quarantine, "Product Added" requires product_id:
 * // → rejected: 'properties.product_id is required (tracking plan event "Product Added")'
 */
export function createPlanStage(source: RuleSource, counters?: RuleMetrics): Stage {
  return {
    name: 'check-plan',
    run(draft, context) {
      const { plan, rules } = source.active();
      if (!plan || !rules.schemas || draft.event.type !== 'track' || plan.events.size === 0) return draft;
      const name = String(draft.event.event);
      const declared = plan.events.get(name) ?? (rules.aliases ? undefined : plan.resolve(name));
      let kind: 'unknown_event' | 'schema';
      let action: 'allow' | 'quarantine';
      let violations: Violation[];
      if (!declared) {
        kind = 'unknown_event';
        action = plan.unknownEvents;
        violations = [{ path: 'event', message: `${JSON.stringify(name.slice(0, 100))} is not in the tracking plan` }];
      } else {
        const validate = declared.validate;
        if (!validate || validate(draft.event.properties ?? {})) return draft;
        kind = 'schema';
        action = plan.mode;
        violations = describeAjvErrors(validate.errors ?? [], 'properties').slice(0, MAX_VIOLATIONS);
      }
      counters?.add('planViolations', context.source, 1, ['kind', kind], ['action', action === 'quarantine' ? 'quarantined' : 'tagged']);
      if (action === 'quarantine') {
        const where = declared ? ` (tracking plan event ${JSON.stringify(declared.name)})` : '';
        return reject(ERROR_CODES.planViolation, joinProblems(violations) + where);
      }
      return withNotes(draft, { violations });
    },
  };
}
