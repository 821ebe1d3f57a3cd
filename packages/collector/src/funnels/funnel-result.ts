import type { DefinitionFault } from '../segments/segment-definition.js';
import type { Funnel } from './funnel-definition.js';

/** One step of a funnel's answer. */
export interface FunnelStep {
  event: string;
  /** People who reached this step (in order, within the window). */
  people: number;
  /** people / the previous step's people (1 for the first step; 0 when the previous had none). */
  conversion: number;
  /** people / the first step's people. */
  conversionFromFirst: number;
  /** Median seconds from the previous step to this one among those who reached it; null for the first step or none. */
  medianSeconds: number | null;
}

/** A funnel's answer: the steps for everyone, and per breakdown value when `by` was given. */
export interface FunnelResult {
  steps: FunnelStep[];
  breakdown?: { value: string | null; steps: FunnelStep[] }[];
  warnings: DefinitionFault[];
}

/** A funnel query: the validated funnel and the clock. */
export interface FunnelQuery {
  funnel: Funnel;
  now: number;
}

/** The statement's row: person, breakdown value, and t0…tn (seconds, null when not reached). */
export type FunnelRow = { person: string; grp: unknown } & Record<string, unknown>;

/**
 * Aggregates the per-person step times into counts, conversions and medians, overall and
 * per breakdown value (the most common values first).
 *
 * @example
 * toFunnelResult(funnel, rows, warnings).steps[1].conversion // 0.42
 */
export function toFunnelResult(funnel: Funnel, rows: readonly FunnelRow[], warnings: DefinitionFault[]): FunnelResult {
  const times = rows.map((row) => funnel.steps.map((_, i) => toNumber(row[`t${i}`])));
  const result: FunnelResult = { steps: summarize(funnel, times), warnings };
  if (funnel.by) {
    const groups = new Map<string | null, (number | null)[][]>();
    rows.forEach((row, i) => {
      const value = row.grp === null || row.grp === undefined ? null : String(row.grp);
      const group = groups.get(value);
      if (group) group.push(times[i] as (number | null)[]);
      else groups.set(value, [times[i] as (number | null)[]]);
    });
    result.breakdown = [...groups]
      .sort((a, b) => b[1].length - a[1].length || String(a[0]).localeCompare(String(b[0])))
      .map(([value, group]) => ({ value, steps: summarize(funnel, group) }));
  }
  return result;
}

function summarize(funnel: Funnel, times: readonly (number | null)[][]): FunnelStep[] {
  const counts = funnel.steps.map((_, i) => times.filter((person) => person[i] !== null).length);
  return funnel.steps.map((step, i) => {
    const previous = i === 0 ? (counts[0] as number) : (counts[i - 1] as number);
    const gaps = i === 0 ? [] : times.filter((person) => person[i] !== null).map((person) => (person[i] as number) - (person[i - 1] as number));
    return {
      event: step.event,
      people: counts[i] as number,
      conversion: previous === 0 ? 0 : round((counts[i] as number) / previous),
      conversionFromFirst: counts[0] === 0 ? 0 : round((counts[i] as number) / (counts[0] as number)),
      medianSeconds: gaps.length === 0 ? null : Math.round(median(gaps) * 1000) / 1000,
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : null;
}
