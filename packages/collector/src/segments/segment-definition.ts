import { CAMPAIGN_PATH, CLICK_ID_PLATFORM_NAMES, CLICK_ID_PLATFORM_PATH, clickIdKeys } from '../analytics/click-id-platforms.js';
import { isWellFormedText } from '../ingest/check-envelope.js';
import { isPlainObject } from '../json/is-plain-object.js';
import { parseIsoDate } from './iso-date.js';
import { parseIsoDuration } from './iso-duration.js';
import { splitPath } from './json-path.js';

/** One fault of a definition: where (`all[1].within`) and what is wrong there. */
export interface DefinitionFault {
  path: string;
  message: string;
}

/** A comparison on one JSON value. */
export type ValueTest =
  | { op: 'eq'; value: string | number | boolean | null }
  /** Not equal (type-strict, as eq), absent keys included: `exists` narrows it to present ones. */
  | { op: 'ne'; value: string | number | boolean | null }
  | { op: 'gt' | 'gte' | 'lt' | 'lte'; value: string | number }
  | { op: 'in'; value: (string | number | boolean)[] }
  | { op: 'contains'; value: string | number | boolean }
  | { op: 'exists'; value: boolean }
  /**
   * The object at the path has (`present`) or lacks every one of these keys as a non-empty
   * string: the `context.campaign.clickIdPlatform` condition, its platforms' click-id keys.
   */
  | { op: 'anyKey'; value: string[]; present: boolean };

/** `where` entry: a path into the event (or the traits) and its test. */
export interface Filter {
  path: string[];
  test: ValueTest;
}

/** Time window as written: `within` seconds back from now, or dates; resolved at query time. */
export interface WindowSpec {
  withinSeconds?: number;
  from?: string;
  to?: string;
}

/** A validated segment definition (the JSON of DESIGN.md, checked and normalised). */
export type Condition =
  | { kind: 'all' | 'any'; of: Condition[] }
  | { kind: 'not'; of: Condition }
  | { kind: 'did'; event: string; where: Filter[]; atLeast: number; window: WindowSpec }
  | { kind: 'thenNot'; event: string; where: Filter[]; thenNot: string; afterSeconds: number; window: WindowSpec }
  | { kind: 'trait'; path: string[]; test: ValueTest };

/** Bounds on a definition's size: it becomes one SQL statement. */
const MAX_CONDITIONS = 32;
const MAX_DEPTH = 6;
const MAX_FILTERS = 16;
const MAX_IN_VALUES = 500;
const MAX_NAME_LENGTH = 255;
const MAX_STRING = 1024;
/** The longest `after`: as long as the longest window (compile-segment's MAX_WINDOW_DAYS), past which no first settles. */
const MAX_AFTER_SECONDS = 400 * 86_400;
/** Ingest refuses NUL and lone surrogates in names; in values PostgreSQL cannot bind them (a 500), so both stores refuse them alike. */
const NOT_TEXT_MESSAGE = 'must not hold NUL (\\u0000) or a lone surrogate (\\ud800–\\udfff): no stored name or value can';
/** `thenNot` without `after`: a cart untouched for the SDK's idle time (30 min). */
export const DEFAULT_AFTER_SECONDS = 1800;

const OPS = ['ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'exists'] as const;

/**
 * Checks a segment definition and turns it into a {@link Condition}, collecting every fault
 * with its path (`all[0].within: must be an ISO 8601 duration such as P7D`), the way the
 * config file's faults are reported. Unknown keys, wrong types, bad durations and dates (see
 * parseIsoDate), paths outside `properties.`/`context.`, an unknown platform for the virtual
 * `context.campaign.clickIdPlatform` are faults; whether event names were ever seen is for the
 * query to warn about.
 *
 * @example
 * parseSegmentDefinition({ all: [{ did: 'Signed In', where: { 'context.device.type': 'mobile' }, within: 'P7D' }] })
 * // { condition: { kind: 'all', of: [...] }, faults: [] }
 */
export function parseSegmentDefinition(input: unknown): { condition?: Condition; faults: DefinitionFault[] } {
  const faults: DefinitionFault[] = [];
  let count = 0;
  const fault = (path: string, message: string) => {
    faults.push({ path: path || '(definition)', message });
  };

  const condition = (value: unknown, path: string, depth: number): Condition | undefined => {
    if (!isPlainObject(value)) return void fault(path, 'must be an object: a condition, or {"all"|"any": [...]}, {"not": condition}');
    if (++count > MAX_CONDITIONS) return void fault(path, `a definition holds at most ${MAX_CONDITIONS} conditions`);
    if (depth > MAX_DEPTH) return void fault(path, `nests deeper than ${MAX_DEPTH} levels`);
    for (const kind of ['all', 'any'] as const) {
      if (!(kind in value)) continue;
      onlyKeys(value, [kind], path);
      const list = value[kind];
      if (!Array.isArray(list) || list.length === 0) return void fault(join(path, kind), 'must be a non-empty array of conditions');
      const of = list.map((child, i) => condition(child, `${join(path, kind)}[${i}]`, depth + 1));
      return of.every((child) => child !== undefined) ? { kind, of: of as Condition[] } : undefined;
    }
    if ('not' in value) {
      onlyKeys(value, ['not'], path);
      const of = condition(value.not, join(path, 'not'), depth + 1);
      return of && { kind: 'not', of };
    }
    if ('trait' in value) {
      onlyKeys(value, ['trait', 'equals', ...OPS], path);
      const segments = typeof value.trait === 'string' ? splitPath(value.trait, []) : 'must be a trait name such as "plan" or "address.city"';
      if (typeof segments === 'string') fault(join(path, 'trait'), segments);
      const tests = OPS.filter((op) => op in value);
      if (('equals' in value ? 1 : 0) + tests.length !== 1) {
        return void fault(path, 'a trait condition needs exactly one of equals, ne, gt, gte, lt, lte, in, contains, exists');
      }
      const test = 'equals' in value ? eqTest(value.equals, join(path, 'equals')) : opTest(tests[0] as (typeof OPS)[number], value[tests[0] as string], join(path, tests[0] as string));
      return typeof segments !== 'string' && test ? { kind: 'trait', path: segments, test } : undefined;
    }
    if ('did' in value) {
      const thenNot = 'thenNot' in value;
      onlyKeys(value, thenNot ? ['did', 'where', 'thenNot', 'after', 'within', 'from', 'to'] : ['did', 'where', 'atLeast', 'within', 'from', 'to'], path);
      const event = eventName(value.did, join(path, 'did'));
      const where = filters(value.where, join(path, 'where'));
      const window = windowOf(value, path);
      if (thenNot) {
        const second = eventName(value.thenNot, join(path, 'thenNot'));
        let afterSeconds = DEFAULT_AFTER_SECONDS;
        if (value.after !== undefined) {
          const parsed = typeof value.after === 'string' ? parseIsoDuration(value.after) : undefined;
          if (parsed === undefined || parsed <= 0) fault(join(path, 'after'), 'must be a positive ISO 8601 duration such as PT1H');
          else if (parsed > MAX_AFTER_SECONDS) fault(join(path, 'after'), 'must be at most P400D (the longest window a query reads)');
          else afterSeconds = parsed;
        }
        return event !== undefined && second !== undefined && where && window
          ? { kind: 'thenNot', event, where, thenNot: second, afterSeconds, window }
          : undefined;
      }
      let atLeast = 1;
      if (value.atLeast !== undefined) {
        if (typeof value.atLeast !== 'number' || !Number.isInteger(value.atLeast) || value.atLeast < 1 || value.atLeast > 1e6) {
          fault(join(path, 'atLeast'), 'must be a whole number from 1 to 1000000');
        } else atLeast = value.atLeast;
      }
      return event !== undefined && where && window ? { kind: 'did', event, where, atLeast, window } : undefined;
    }
    return void fault(path, `has none of all, any, not, did, trait (got ${Object.keys(value).slice(0, 5).join(', ') || 'an empty object'})`);
  };

  const onlyKeys = (value: Record<string, unknown>, allowed: readonly string[], path: string) => {
    for (const key of Object.keys(value)) if (!allowed.includes(key)) fault(join(path, key), `is not allowed here (allowed: ${allowed.join(', ')})`);
  };
  const eventName = (value: unknown, path: string): string | undefined => {
    if (typeof value === 'string' && value !== '' && value.length <= MAX_NAME_LENGTH) return wellFormed(value, path) ? value : undefined;
    return void fault(path, `must be an event name (a non-empty string of at most ${MAX_NAME_LENGTH} characters)`);
  };
  const filters = (value: unknown, path: string): Filter[] | undefined => {
    if (value === undefined) return [];
    if (!isPlainObject(value)) return void fault(path, 'must be an object of {"properties.x" | "context.x": value or {op: value}}');
    const entries = Object.entries(value);
    if (entries.length > MAX_FILTERS) return void fault(path, `holds at most ${MAX_FILTERS} keys`);
    let ok = true;
    const list: Filter[] = [];
    for (const [key, test] of entries) {
      const keyPath = `${path}[${JSON.stringify(key)}]`;
      if (key === CLICK_ID_PLATFORM_PATH) {
        const parsed = clickIdTest(test, keyPath);
        if (parsed) list.push({ path: [...CAMPAIGN_PATH], test: parsed });
        else ok = false;
        continue;
      }
      const segments = splitPath(key, ['properties', 'context']);
      if (typeof segments === 'string') {
        fault(keyPath, segments);
        ok = false;
        continue;
      }
      const parsed = valueTest(test, keyPath);
      if (parsed) list.push({ path: segments, test: parsed });
      else ok = false;
    }
    return ok ? list : undefined;
  };
  const valueTest = (value: unknown, path: string): ValueTest | undefined => {
    if (!isPlainObject(value)) return eqTest(value, path);
    const keys = Object.keys(value);
    if (keys.length !== 1 || !(OPS as readonly string[]).includes(keys[0] as string)) {
      return void fault(path, `must be a value, or an object with one of ${OPS.join(', ')}`);
    }
    return opTest(keys[0] as (typeof OPS)[number], value[keys[0] as string], `${path}.${keys[0]}`);
  };
  const clickIdTest = (value: unknown, path: string): ValueTest | undefined => {
    // A virtual path: compiled to "has one of the platform's click-id keys" (gclid, fbclid …).
    const known = `(known: ${CLICK_ID_PLATFORM_NAMES.join(', ')})`;
    const platform = (name: unknown, at: string): boolean => {
      if (typeof name === 'string' && CLICK_ID_PLATFORM_NAMES.includes(name)) return true;
      fault(at, `must be an ad platform ${known}`);
      return false;
    };
    if (typeof value === 'string') return platform(value, path) ? { op: 'anyKey', value: clickIdKeys([value]), present: true } : undefined;
    if (isPlainObject(value) && Object.keys(value).length === 1 && Array.isArray(value.in) && value.in.length > 0) {
      const names = value.in as unknown[];
      return names.map((name, i) => platform(name, `${path}.in[${i}]`)).every(Boolean)
        ? { op: 'anyKey', value: clickIdKeys(names as string[]), present: true }
        : undefined;
    }
    if (isPlainObject(value) && Object.keys(value).length === 1 && typeof value.exists === 'boolean') {
      return { op: 'anyKey', value: clickIdKeys(CLICK_ID_PLATFORM_NAMES), present: value.exists };
    }
    return void fault(path, `must be an ad platform, {"in": [platforms]} or {"exists": true|false} ${known}`);
  };
  const eqTest = (value: unknown, path: string): ValueTest | undefined =>
    scalar(value, path, true) ? { op: 'eq', value: value as string | number | boolean | null } : undefined;
  const opTest = (op: (typeof OPS)[number], value: unknown, path: string): ValueTest | undefined => {
    switch (op) {
      case 'exists':
        return typeof value === 'boolean' ? { op, value } : void fault(path, 'must be true or false');
      case 'ne':
        return scalar(value, path, true) ? { op, value: value as string | number | boolean | null } : undefined;
      case 'in':
        if (!Array.isArray(value) || value.length === 0 || value.length > MAX_IN_VALUES) {
          return void fault(path, `must be an array of 1 to ${MAX_IN_VALUES} strings, numbers or booleans`);
        }
        return value.every((item, i) => scalar(item, `${path}[${i}]`, false)) ? { op, value: value as (string | number | boolean)[] } : undefined;
      case 'contains':
        return scalar(value, path, false) ? { op, value: value as string | number | boolean } : undefined;
      default:
        if (typeof value === 'number' && Number.isFinite(value)) return { op, value };
        if (typeof value === 'string' && value.length <= MAX_STRING) return wellFormed(value, path) ? { op, value } : undefined;
        return void fault(path, 'must be a number or a string');
    }
  };
  const scalar = (value: unknown, path: string, nullable: boolean): boolean => {
    if (typeof value === 'string' && value.length <= MAX_STRING) return wellFormed(value, path);
    if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return true;
    if (nullable && value === null) return true;
    fault(path, `must be a string (at most ${MAX_STRING} characters), a number or a boolean${nullable ? ' or null' : ''}`);
    return false;
  };
  const wellFormed = (text: string, path: string): boolean => {
    if (isWellFormedText(text)) return true;
    fault(path, NOT_TEXT_MESSAGE);
    return false;
  };
  const windowOf = (value: Record<string, unknown>, path: string): WindowSpec | undefined => {
    const window: WindowSpec = {};
    let ok = true;
    if (value.within !== undefined) {
      const seconds = typeof value.within === 'string' ? parseIsoDuration(value.within) : undefined;
      if (seconds === undefined || seconds <= 0) {
        fault(join(path, 'within'), 'must be a positive ISO 8601 duration such as P7D or PT12H (weeks, days, hours, minutes, seconds)');
        ok = false;
      } else window.withinSeconds = seconds;
    }
    for (const key of ['from', 'to'] as const) {
      if (value[key] === undefined) continue;
      const text = value[key];
      const time = typeof text === 'string' ? parseIsoDate(text) : undefined;
      if (time === undefined) {
        fault(join(path, key), 'must be an ISO 8601 date (UTC midnight) or a date-time with Z or an offset, such as 2026-12-01, 2026-12-01T09:00:00Z or 2026-12-01T10:00:00+01:00');
        ok = false;
      } else window[key] = new Date(time).toISOString();
    }
    if (window.withinSeconds !== undefined && (window.from !== undefined || window.to !== undefined)) {
      fault(join(path, 'within'), 'give either within or from/to, not both');
      ok = false;
    }
    if (window.from !== undefined && window.to !== undefined && window.from >= window.to) {
      fault(join(path, 'to'), 'must be after from');
      ok = false;
    }
    return ok ? window : undefined;
  };

  const result = condition(input, '', 0);
  return faults.length === 0 && result ? { condition: result, faults } : { faults };
}

/** Every event name a condition refers to (for the "never seen" warnings). */
export function eventNamesOf(condition: Condition): string[] {
  switch (condition.kind) {
    case 'all':
    case 'any':
      return [...new Set(condition.of.flatMap(eventNamesOf))];
    case 'not':
      return eventNamesOf(condition.of);
    case 'did':
      return [condition.event];
    case 'thenNot':
      return [condition.event, condition.thenNot];
    default:
      return [];
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
