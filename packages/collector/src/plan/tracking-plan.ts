import type { ValidateFunction } from 'ajv';
import type { IngestRules } from '../ingest/ingest-rules.js';
import type { PlanJson, TrackingPlanDocument } from './tracking-plan-document.js';

/** One declared event, ready for ingest. */
export interface PlanEvent {
  /** The canonical name, stored in the `event` column. */
  readonly name: string;
  readonly aliases: readonly string[];
  /** Consent category (issue #4 decides with it whether the event may be kept). */
  readonly category: string | undefined;
  readonly defaults: Readonly<Record<string, PlanJson>>;
  /** The compiled properties schema; `undefined` when the event declares none. */
  readonly validate: ValidateFunction | undefined;
}

/** Money settings with codes upper-cased; `rates` includes the base currency at 1. */
export interface PlanMoney {
  readonly baseCurrency: string;
  readonly rates: ReadonlyMap<string, number>;
  readonly defaultCurrency: string | undefined;
  readonly fields: readonly string[];
  readonly productFields: readonly string[];
  readonly decimals: number;
}

/**
 * A compiled tracking plan (see `compileTrackingPlan`): immutable, so a reload swaps the whole
 * object and an event in flight sees one plan from its first rule to its last.
 *
 * @example
 * plan.resolve('add to cart')?.name  // 'Product Added'
 * plan.categoryOf('Product Added')   // 'analytics'
 */
export interface TrackingPlan {
  readonly document: TrackingPlanDocument;
  readonly mode: 'allow' | 'quarantine';
  readonly unknownEvents: 'allow' | 'quarantine';
  /** Declared events by canonical name. */
  readonly events: ReadonlyMap<string, PlanEvent>;
  /** Properties every track event gets when it lacks them. */
  readonly defaults: Readonly<Record<string, PlanJson>>;
  readonly money: PlanMoney | undefined;
  /** The file's rule overrides, if any. */
  readonly rules: IngestRules | undefined;
  /** Defaults of one source's track events. */
  sourceDefaults(source: string): Readonly<Record<string, PlanJson>>;
  /** Currency assumed for a source's amounts sent without one (the source's, else `money.defaultCurrency`). */
  sourceCurrency(source: string): string | undefined;
  /** The declared event a name as sent stands for: the canonical name, an alias, or either respelled. */
  resolve(name: string): PlanEvent | undefined;
  /** Consent category of an event name as sent (aliases resolved); the plan's default otherwise. */
  categoryOf(name: string): string | undefined;
}
