import type { Fault } from './definition-faults.js';

/**
 * The builder's side of a value test (DESIGN.md, "Segment definition"): an operator, the value
 * as typed and how to read it. `missing` is `{"exists": false}`; `ne` ("≠") also matches
 * events without the key.
 */
export type FilterOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'contains' | 'exists' | 'missing';
/** `auto` reads 12 as a number and true/false as booleans, anything else as text. */
export type ValueType = 'auto' | 'text' | 'number' | 'boolean';

export interface ValueTestModel {
  op: FilterOp;
  value: string;
  type: ValueType;
}
/** A `where` entry: a dotted path into the event and its test. */
export interface FilterModel extends ValueTestModel {
  path: string;
}

export const OPS: readonly (readonly [FilterOp, string])[] = [
  ['eq', '='],
  ['ne', '≠'],
  ['gt', '>'],
  ['gte', '≥'],
  ['lt', '<'],
  ['lte', '≤'],
  ['in', 'is one of'],
  ['contains', 'contains'],
  ['exists', 'is set'],
  ['missing', 'is not set'],
];
export const VALUE_TYPES: readonly (readonly [ValueType, string])[] = [
  ['auto', 'auto'],
  ['text', 'text'],
  ['number', 'number'],
  ['boolean', 'true/false'],
];

export const emptyTest = (): ValueTestModel => ({ op: 'eq', value: '', type: 'auto' });
export const emptyFilter = (): FilterModel => ({ path: '', ...emptyTest() });

type Scalar = string | number | boolean;
// The JSON number grammar without exponent and without leading zeros: a zip code `00501`
// stays text (as the collector's numeric-text comparisons read it).
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** One typed value, or the fault's message. */
function typed(text: string, type: ValueType): Scalar | { fault: string } {
  const trimmed = text.trim();
  if (type === 'text') return text;
  if (type === 'number') return NUMBER.test(trimmed) ? Number(trimmed) : { fault: 'is not a number (digits, an optional - and decimal point)' };
  if (type === 'boolean') return trimmed === 'true' ? true : trimmed === 'false' ? false : { fault: 'must be true or false' };
  if (NUMBER.test(trimmed)) return Number(trimmed);
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  return trimmed;
}

/** The JSON of a test: a bare value for `=` (the `where` form), else `{op: value}`. */
export function testJson(test: ValueTestModel, path: string, faults: Fault[]): unknown {
  if (test.op === 'exists' || test.op === 'missing') return { exists: test.op === 'exists' };
  if (test.op === 'in') {
    const items = test.value.split(',').map((item) => item.trim()).filter((item) => item !== '');
    if (items.length === 0) faults.push({ path, message: 'give one or more values, separated by commas' });
    const values = items.map((item) => typed(item, test.type));
    const bad = values.find((value): value is { fault: string } => typeof value === 'object');
    if (bad) faults.push({ path, message: bad.fault });
    return { in: values };
  }
  const value = typed(test.value, test.type);
  if (typeof value === 'object') {
    faults.push({ path, message: value.fault });
    return null;
  }
  if (value === '' && test.type !== 'text') faults.push({ path, message: 'give a value (choose the type "text" to compare with an empty text)' });
  return test.op === 'eq' ? value : { [test.op]: value };
}

/** The type that shows a JSON value back as typed: `auto` when it would read the same. */
function typeOf(values: readonly unknown[]): ValueType | undefined {
  // A number the inputs cannot type back (1e21, 1e-7) does not fit.
  if (!values.every((v) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && NUMBER.test(String(v))))) return undefined;
  if (values.every((v) => typed(String(v), 'auto') === v && (typeof v !== 'string' || (v !== '' && v === v.trim())))) return 'auto';
  const kinds = new Set(values.map((v) => typeof v));
  if (kinds.size !== 1) return undefined;
  return kinds.has('string') ? 'text' : kinds.has('number') ? 'number' : 'boolean';
}

/** A JSON test back into the builder, or why it does not fit. */
export function testFromJson(json: unknown): ValueTestModel | string {
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const entries = Object.entries(json);
    const [op, value] = entries[0] ?? [];
    if (entries.length !== 1 || op === undefined) return 'a test object has one operator';
    if (op === 'exists') return typeof value === 'boolean' ? { op: value ? 'exists' : 'missing', value: '', type: 'auto' } : 'exists takes true or false';
    if (op === 'in') {
      if (!Array.isArray(value) || value.some((v) => typeof v === 'string' && v.includes(','))) return '"in" values with commas';
      // The input is split on commas and each item trimmed: such items would change on the way back.
      if (value.some((v) => typeof v === 'string' && (v === '' || v !== v.trim()))) return '"in" values that are empty or start or end with spaces';
      const type = typeOf(value);
      return type ? { op: 'in', value: value.map(String).join(', '), type } : '"in" values of mixed types';
    }
    if (!OPS.some(([known]) => known === op) || op === 'eq' || op === 'missing') return `the operator ${JSON.stringify(op)}`;
    const type = typeOf([value]);
    return type ? { op: op as FilterOp, value: String(value), type } : `the value of ${op}`;
  }
  const type = typeOf([json]);
  return type ? { op: 'eq', value: String(json), type } : 'a null or non-scalar value';
}

export type DurationUnit = 'minutes' | 'hours' | 'days' | 'weeks';
export interface DurationModel {
  amount: string;
  unit: DurationUnit;
}
export const DURATION_UNITS: readonly DurationUnit[] = ['minutes', 'hours', 'days', 'weeks'];
const UNIT_SECONDS: Record<DurationUnit, number> = { minutes: 60, hours: 3600, days: 86_400, weeks: 604_800 };
const UNIT_ISO: Record<DurationUnit, (n: number) => string> = { minutes: (n) => `PT${n}M`, hours: (n) => `PT${n}H`, days: (n) => `P${n}D`, weeks: (n) => `P${n}W` };

/** A number and a unit as ISO 8601 (`7 days` → `P7D`). */
export function durationIso(duration: DurationModel, path: string, faults: Fault[]): string {
  const amount = duration.amount.trim();
  if (!/^\d+$/.test(amount) || Number(amount) === 0) faults.push({ path, message: 'must be a whole number above 0' });
  return UNIT_ISO[duration.unit](Number(amount));
}

/** ISO 8601 back into a number and the largest unit that holds it exactly, or undefined. */
export function durationFromIso(iso: unknown): DurationModel | undefined {
  if (typeof iso !== 'string') return undefined;
  const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!match || iso === 'P' || iso.endsWith('T')) return undefined;
  const [, w, d, hh, mm, ss] = match.map((part) => Number(part ?? 0));
  const seconds = (w ?? 0) * 604_800 + (d ?? 0) * 86_400 + (hh ?? 0) * 3600 + (mm ?? 0) * 60 + (ss ?? 0);
  // Written in one unit: keep it (P14D stays 14 days); otherwise the largest exact unit.
  const single = [...DURATION_UNITS].reverse().find((unit) => seconds > 0 && seconds % UNIT_SECONDS[unit] === 0 && (iso === UNIT_ISO[unit](seconds / UNIT_SECONDS[unit])));
  const unit = single ?? [...DURATION_UNITS].reverse().find((candidate) => seconds > 0 && seconds % UNIT_SECONDS[candidate] === 0);
  return unit ? { amount: String(seconds / UNIT_SECONDS[unit]), unit } : undefined;
}
