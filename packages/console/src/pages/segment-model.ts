import type { Fault } from './definition-faults.js';
import {
  durationFromIso,
  durationIso,
  emptyTest,
  testFromJson,
  testJson,
  type DurationModel,
  type FilterModel,
  type ValueTestModel,
} from './filter-model.js';

export type RowKind = 'did' | 'thenNot' | 'trait';
/** When an event counts: any time, in the last N units (`within`), or between dates (`from`/`to`). */
export interface WindowModel {
  mode: 'any' | 'last' | 'between';
  last: DurationModel;
  from: string;
  to: string;
}
/**
 * One condition row of the builder. Flat (every kind's fields) so that switching a row's kind
 * keeps what was typed; `kind` says which fields the definition uses.
 */
export interface RowModel {
  kind: RowKind;
  not: boolean;
  event: string;
  atLeast: string;
  thenNot: string;
  after: DurationModel;
  window: WindowModel;
  where: FilterModel[];
  trait: string;
  test: ValueTestModel;
}
export interface SegmentModel {
  combine: 'all' | 'any';
  rows: RowModel[];
}

export const emptyRow = (kind: RowKind = 'did'): RowModel => ({
  kind,
  not: false,
  event: '',
  atLeast: '',
  thenNot: '',
  after: { amount: '1', unit: 'hours' },
  window: { mode: 'last', last: { amount: '7', unit: 'days' }, from: '', to: '' },
  where: [],
  trait: '',
  test: emptyTest(),
});

export const emptySegment = (): SegmentModel => ({ combine: 'all', rows: [emptyRow()] });

/**
 * The definition JSON of the builder's rows, always `{"all"|"any": [...]}` so that every
 * fault path starts with the row's index (`all[1].not.within`). Faults the builder can tell
 * by itself (a count that is no number) come back with the paths the API would use.
 */
export function segmentDefinition(model: SegmentModel): { definition: unknown; faults: Fault[] } {
  const faults: Fault[] = [];
  if (model.rows.length === 0) faults.push({ path: model.combine, message: 'add a condition' });
  const conditions = model.rows.map((row, i) => {
    const base = `${model.combine}[${i}]${row.not ? '.not' : ''}`;
    const condition = conditionJson(row, base, faults);
    return row.not ? { not: condition } : condition;
  });
  return { definition: { [model.combine]: conditions }, faults };
}

function conditionJson(row: RowModel, base: string, faults: Fault[]): Record<string, unknown> {
  if (row.kind === 'trait') {
    const test = testJson(row.test, `${base}.${row.test.op === 'eq' ? 'equals' : row.test.op === 'missing' ? 'exists' : row.test.op}`, faults);
    if (row.test.op === 'eq') return { trait: row.trait.trim(), equals: test };
    return { trait: row.trait.trim(), ...(test as Record<string, unknown>) };
  }
  const where = whereJson(row.where, `${base}.where`, faults);
  const window = windowJson(row.window, base, faults);
  if (row.kind === 'thenNot') {
    return { did: row.event.trim(), ...(where ? { where } : {}), thenNot: row.thenNot.trim(), after: durationIso(row.after, `${base}.after`, faults), ...window };
  }
  const atLeast = row.atLeast.trim();
  if (atLeast !== '' && !/^\d+$/.test(atLeast)) faults.push({ path: `${base}.atLeast`, message: 'must be a whole number from 1 to 1000000' });
  return { did: row.event.trim(), ...(where ? { where } : {}), ...(atLeast !== '' && atLeast !== '1' ? { atLeast: Number(atLeast) } : {}), ...window };
}

/** `where` of filter rows; also used by funnel steps (same grammar). */
export function whereJson(filters: readonly FilterModel[], base: string, faults: Fault[]): Record<string, unknown> | undefined {
  if (filters.length === 0) return undefined;
  const where: Record<string, unknown> = {};
  for (const filter of filters) {
    const path = filter.path.trim();
    const at = `${base}[${JSON.stringify(path)}]`;
    if (path === '') faults.push({ path: at, message: 'give a path such as context.device.type or properties.price' });
    else if (path in where) faults.push({ path: at, message: 'is filtered twice in this condition: keep one (a path takes one test)' });
    where[path] = testJson(filter, at, faults);
  }
  return where;
}

function windowJson(window: WindowModel, base: string, faults: Fault[]): Record<string, string> {
  if (window.mode === 'last') return { within: durationIso(window.last, `${base}.within`, faults) };
  if (window.mode === 'any') return {};
  const from = window.from.trim();
  const to = window.to.trim();
  if (from === '' && to === '') faults.push({ path: `${base}.from`, message: 'give a date such as 2026-12-01 (or choose "any time")' });
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * A definition back into the builder's rows, or the reason it does not fit (nested groups,
 * a NOT around a group, keys the builder has no field for): the JSON then stays authoritative.
 */
export function segmentFromDefinition(json: unknown): SegmentModel | string {
  if (!isObject(json)) return 'the definition is not an object';
  const keys = Object.keys(json);
  const combine = keys.length === 1 && (keys[0] === 'all' || keys[0] === 'any') ? keys[0] : undefined;
  if (combine === undefined) {
    const row = rowFromJson(json);
    return typeof row === 'string' ? row : { combine: 'all', rows: [row] };
  }
  const list = json[combine];
  if (!Array.isArray(list) || list.length === 0) return `"${combine}" is not a list of conditions`;
  const rows: RowModel[] = [];
  for (const item of list) {
    const row = rowFromJson(item);
    if (typeof row === 'string') return row;
    rows.push(row);
  }
  return { combine, rows };
}

function rowFromJson(json: unknown, negated = false): RowModel | string {
  if (!isObject(json)) return 'a condition is not an object';
  const keys = Object.keys(json);
  if (keys.includes('all') || keys.includes('any')) return 'groups inside groups (the builder has one level of all/any)';
  if (keys.includes('not')) {
    if (negated) return 'NOT inside NOT';
    if (keys.length !== 1) return 'a "not" with other keys';
    return rowFromJson(json.not, true);
  }
  const row = emptyRow();
  row.not = negated;
  const unknown = (allowed: string[]) => keys.find((key) => !allowed.includes(key));
  if ('trait' in json) {
    row.kind = 'trait';
    const extra = unknown(['trait', 'equals', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'exists']);
    if (extra) return `the key ${JSON.stringify(extra)}`;
    if (typeof json.trait !== 'string' || keys.length !== 2) return 'a trait condition the builder cannot show';
    const op = keys.find((key) => key !== 'trait') as string;
    const test = op === 'equals' ? testFromJson(json.equals) : testFromJson({ [op]: json[op] });
    if (typeof test === 'string') return test;
    return { ...row, trait: json.trait, test };
  }
  if (!('did' in json) || typeof json.did !== 'string') return 'a condition without "did" or "trait"';
  row.kind = 'thenNot' in json ? 'thenNot' : 'did';
  const extra = unknown(row.kind === 'thenNot' ? ['did', 'where', 'thenNot', 'after', 'within', 'from', 'to'] : ['did', 'where', 'atLeast', 'within', 'from', 'to']);
  if (extra) return `the key ${JSON.stringify(extra)}`;
  row.event = json.did;
  if (json.where !== undefined) {
    if (!isObject(json.where)) return '"where" is not an object';
    for (const [path, value] of Object.entries(json.where)) {
      const test = testFromJson(value);
      if (typeof test === 'string') return test;
      row.where.push({ path, ...test });
    }
  }
  if (row.kind === 'thenNot') {
    if (typeof json.thenNot !== 'string') return '"thenNot" is not an event name';
    row.thenNot = json.thenNot;
    if (json.after !== undefined) {
      const after = durationFromIso(json.after);
      if (!after) return `the duration ${JSON.stringify(json.after)}`;
      row.after = after;
    } else row.after = { amount: '30', unit: 'minutes' }; // the API's default
  } else if (json.atLeast !== undefined) {
    if (typeof json.atLeast !== 'number' || !Number.isInteger(json.atLeast)) return '"atLeast" is not a whole number';
    row.atLeast = json.atLeast === 1 ? '' : String(json.atLeast);
  }
  if (json.within !== undefined) {
    const last = durationFromIso(json.within);
    if (!last || json.from !== undefined || json.to !== undefined) return `the window ${JSON.stringify(json.within)}`;
    row.window = { ...row.window, mode: 'last', last };
  } else if (json.from !== undefined || json.to !== undefined) {
    if ((json.from !== undefined && typeof json.from !== 'string') || (json.to !== undefined && typeof json.to !== 'string')) return 'dates that are not text';
    row.window = { ...row.window, mode: 'between', from: (json.from as string | undefined) ?? '', to: (json.to as string | undefined) ?? '' };
  } else row.window = { ...row.window, mode: 'any' };
  return row;
}
