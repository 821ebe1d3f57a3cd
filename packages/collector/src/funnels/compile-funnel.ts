import type { SqlDialect } from '../analytics/sql-dialect.js';
import { resolveWindow } from '../segments/compile-segment.js';
import type { DefinitionFault } from '../segments/segment-definition.js';
import { DEFAULT_FUNNEL_DAYS, type Funnel } from './funnel-definition.js';

/** One statement: per person who did the first step, the time of each step reached (seconds) and the breakdown value. */
export interface CompiledFunnel {
  sql: string;
  params: unknown[];
  warnings: DefinitionFault[];
}

/**
 * Compiles a funnel into one statement answering, per person whose first step falls in the
 * range, `by` and `t0 … tn`: the epoch seconds of the first step (its earliest occurrence) and
 * of each later step reached in order, each the earliest occurrence at or after the previous
 * step and within `within` of the first (NULL from the first step missed on). Each step reads
 * its events once, by name and time through the (event, timestamp) index.
 *
 * @example
 * const { sql, params } = compileFunnel(sqliteDialect, funnel, Date.now());
 */
export function compileFunnel(dialect: SqlDialect, funnel: Funnel, now: number): CompiledFunnel {
  const warnings: DefinitionFault[] = [];
  const p = dialect.params();
  const window = funnel.range.withinSeconds === undefined && funnel.range.from === undefined
    ? { ...funnel.range, from: new Date((funnel.range.to === undefined ? now : Date.parse(funnel.range.to)) - DEFAULT_FUNNEL_DAYS * 86_400_000).toISOString() }
    : funnel.range;
  const { from, to } = resolveWindow(window, now, '(range)', warnings);
  const lastEnd = new Date(Date.parse(to) + funnel.withinSeconds * 1000).toISOString();
  const ctes: string[] = [];
  funnel.steps.forEach((step, i) => {
    const events = dialect.events(p, {
      event: step.event,
      from,
      to: i === 0 ? to : lastEnd,
      where: step.where,
      ...(i === 0 && funnel.by && dialect.kind === 'postgres' ? { breakdown: funnel.by } : {}),
    });
    ctes.push(`s${i} AS MATERIALIZED (${events})`);
  });
  ctes.push(`f0 AS MATERIALIZED (${dialect.firstPerPerson(p, 's0', funnel.by)})`);
  const within = p.add(funnel.withinSeconds);
  // Each step carries the first step's time (t0), so reaching step i joins only step i's events.
  for (let i = 1; i < funnel.steps.length; i++) {
    ctes.push(`f${i} AS MATERIALIZED (
      SELECT prev.person, min(s.t_epoch) AS t, prev.t0 FROM ${i === 1 ? '(SELECT person, t, t AS t0 FROM f0)' : `f${i - 1}`} prev
      JOIN s${i} s ON s.person = prev.person AND s.t_epoch >= prev.t AND s.t_epoch <= prev.t0 + ${within}
      GROUP BY prev.person, prev.t0)`);
  }
  const columns = funnel.steps.map((_, i) => `f${i}.t AS t${i}`).join(', ');
  const joins = funnel.steps.slice(1).map((_, i) => ` LEFT JOIN f${i + 1} ON f${i + 1}.person = f0.person`).join('');
  return { sql: `WITH ${ctes.join(',\n')}\nSELECT f0.person, f0.grp, ${columns} FROM f0${joins}`, params: p.values, warnings };
}
