import { CLICK_ID_PLATFORM_PATH } from '../analytics/click-id-platforms.js';
import type { Breakdown } from '../analytics/sql-dialect.js';
import { isPlainObject } from '../json/is-plain-object.js';
import { MAX_WINDOW_DAYS } from '../segments/compile-segment.js';
import { parseIsoDuration } from '../segments/iso-duration.js';
import { splitPath } from '../segments/json-path.js';
import { parseSegmentDefinition, type DefinitionFault, type Filter, type WindowSpec } from '../segments/segment-definition.js';

/** A validated funnel: ordered steps, the conversion window, the optional breakdown, the range of first steps. */
export interface Funnel {
  steps: { event: string; where: Filter[] }[];
  withinSeconds: number;
  by?: Breakdown;
  /** When the first step may happen (default: the last 7 days; a longer range reads more events, see docs/benchmarks.md). */
  range: WindowSpec;
}

const MAX_STEPS = 10;
/** How far back a funnel's first step is looked for by default. */
export const DEFAULT_FUNNEL_DAYS = 7;

/**
 * Checks `{"steps": [{"event": "Product Viewed", "where"?: {...}}, …], "within": "P7D",
 * "by"?: "context.device.type", "from"?, "to"?}` and collects every fault with its path.
 * Steps take the same `where` as segment conditions; `by` is a path or the virtual
 * `context.campaign.clickIdPlatform`; `within` is at most MAX_WINDOW_DAYS (its last step is read
 * that far past the range).
 *
 * @example
 * parseFunnelDefinition({ steps: [{ event: 'Product Viewed' }, { event: 'Order Completed' }], within: 'P7D' }).funnel?.withinSeconds // 604800
 */
export function parseFunnelDefinition(input: unknown): { funnel?: Funnel; faults: DefinitionFault[] } {
  const faults: DefinitionFault[] = [];
  if (!isPlainObject(input)) return { faults: [{ path: '(definition)', message: 'must be an object {steps, within, by?, from?, to?}' }] };
  for (const key of Object.keys(input)) {
    if (!['steps', 'within', 'by', 'from', 'to'].includes(key)) faults.push({ path: key, message: 'is not allowed here (allowed: steps, within, by, from, to)' });
  }
  const steps: Funnel['steps'] = [];
  if (!Array.isArray(input.steps) || input.steps.length < 2 || input.steps.length > MAX_STEPS) {
    faults.push({ path: 'steps', message: `must be an array of 2 to ${MAX_STEPS} steps such as {"event": "Product Viewed"}` });
  } else {
    input.steps.forEach((step, i) => {
      if (!isPlainObject(step)) return void faults.push({ path: `steps[${i}]`, message: 'must be an object {event, where?}' });
      for (const key of Object.keys(step)) if (key !== 'event' && key !== 'where') faults.push({ path: `steps[${i}].${key}`, message: 'is not allowed here (allowed: event, where)' });
      // A step is a `did` condition without a window: reuse its checks and paths.
      const parsed = parseSegmentDefinition({ did: step.event, ...(step.where === undefined ? {} : { where: step.where }) });
      for (const fault of parsed.faults) faults.push({ path: `steps[${i}].${fault.path.replace(/^did/, 'event')}`, message: fault.message });
      if (parsed.condition?.kind === 'did') steps.push({ event: parsed.condition.event, where: parsed.condition.where });
    });
  }
  const withinSeconds = typeof input.within === 'string' ? parseIsoDuration(input.within) : undefined;
  if (withinSeconds === undefined || withinSeconds <= 0) faults.push({ path: 'within', message: 'must be a positive ISO 8601 duration such as P7D or PT1H (the conversion window)' });
  // The last step is read up to `within` past the range: an unbounded window is an unbounded scan.
  else if (withinSeconds > MAX_WINDOW_DAYS * 86_400) faults.push({ path: 'within', message: `must be at most P${MAX_WINDOW_DAYS}D (the longest window a query reads)` });
  let by: Breakdown | undefined;
  if (input.by === CLICK_ID_PLATFORM_PATH) by = { kind: 'clickIdPlatform' };
  else if (input.by !== undefined) {
    const split = typeof input.by === 'string' ? splitPath(input.by, ['properties', 'context']) : 'must be a path such as context.device.type or context.campaign.source';
    if (typeof split === 'string') faults.push({ path: 'by', message: split });
    else by = { kind: 'path', path: split };
  }
  const range = parseSegmentDefinition({ did: 'x', ...pick(input, ['from', 'to']) });
  for (const fault of range.faults) faults.push(fault);
  if (faults.length > 0 || withinSeconds === undefined) return { faults };
  const window = range.condition?.kind === 'did' ? range.condition.window : {};
  return { funnel: { steps, withinSeconds, ...(by ? { by } : {}), range: window }, faults };
}

function pick(object: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => object[key] !== undefined).map((key) => [key, object[key]]));
}
