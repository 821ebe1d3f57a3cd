import type { SqlDialect } from '../analytics/sql-dialect.js';
import { resolveWindow } from '../segments/compile-segment.js';
import { MAX_QUERY_TIME } from '../segments/iso-date.js';
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
 * range, `grp` and `t0 … tn`: the epoch seconds of the first step (its earliest occurrence) and
 * of each later step reached in order, each the earliest occurrence at or after the previous
 * step and within `within` of the first (NULL from the first step missed on). Each step reads
 * its events once, by name and time through the (event, timestamp) index.
 *
 * One event is never two steps: steps of different names are different events anyway; a step
 * whose name an earlier step has too (Product Added → Product Added) must be a later event than
 * that step's by (time, identity), so two distinct events at the same time still count. Only
 * such funnels read the events' identity (SqlDialect.identity) and rank rows per person.
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
  // A range ending near year 9999 plus the window would need a six-digit year (see MAX_QUERY_TIME).
  const lastEnd = new Date(Math.min(Date.parse(to) + funnel.withinSeconds * 1000, MAX_QUERY_TIME)).toISOString();
  const names = funnel.steps.map((step) => step.event);
  // The latest earlier step of the same name, whose event this step must come after; and the steps whose event identity a later step compares with.
  const sameBefore = names.map((name, i) => (i === 0 ? -1 : names.lastIndexOf(name, i - 1)));
  const compared = names.map((_, k) => sameBefore.includes(k));
  const identity = names.map((_, i) => compared[i] || (sameBefore[i] as number) >= 0);
  const ctes: string[] = [];
  funnel.steps.forEach((step, i) => {
    const events = dialect.events(p, {
      event: step.event,
      from,
      to: i === 0 ? to : lastEnd,
      where: step.where,
      ...(i === 0 && funnel.by && dialect.kind === 'postgres' ? { breakdown: funnel.by } : {}),
      ...(identity[i] ? { identity: true } : {}),
    });
    ctes.push(`s${i} AS MATERIALIZED (${events})`);
  });
  ctes.push(`f0 AS MATERIALIZED (${dialect.firstPerPerson(p, 's0', funnel.by, compared[0] as boolean)})`);
  const within = p.add(funnel.withinSeconds);
  // Columns carried along the chain: time and identity of each step a later step compares with.
  const carried = (k: number) => (compared[k] ? [`c${k}_t`, ...dialect.identity.map((column) => `c${k}_${column}`)] : []);
  const carriedUpTo = (i: number) => names.slice(0, i + 1).flatMap((_, k) => carried(k));
  // Each step carries the first step's time (t0), so reaching step i joins only step i's events.
  for (let i = 1; i < funnel.steps.length; i++) {
    const prev = i === 1 ? `(SELECT f0.*, f0.t AS t0 FROM f0)` : `f${i - 1}`;
    const keep = carriedUpTo(i - 1).map((column) => `, prev.${column}`).join('');
    const join = `FROM ${prev} prev JOIN s${i} s ON s.person = prev.person AND s.t_epoch >= prev.t AND s.t_epoch <= prev.t0 + ${within}`;
    if (!identity[i]) {
      ctes.push(`f${i} AS MATERIALIZED (SELECT prev.person, min(s.t_epoch) AS t, prev.t0${keep} ${join} GROUP BY prev.person, prev.t0${keep})`);
      continue;
    }
    const j = sameBefore[i] as number;
    const ids = dialect.identity;
    const after = j < 0 ? '' : ` AND (s.t_epoch > prev.c${j}_t OR (${ids.map((c) => `s.${c}`).join(', ')}) > (${ids.map((c) => `prev.c${j}_${c}`).join(', ')}))`;
    const own = compared[i] ? [`, s.t_epoch AS c${i}_t`, ...ids.map((c) => `, s.${c} AS c${i}_${c}`)].join('') : '';
    const columns = ['person', 't', 't0', ...carriedUpTo(i)].join(', ');
    ctes.push(`f${i} AS MATERIALIZED (SELECT ${columns} FROM (
      SELECT prev.person, s.t_epoch AS t, prev.t0${keep}${own},
        row_number() OVER (PARTITION BY prev.person ORDER BY s.t_epoch${ids.map((c) => `, s.${c}`).join('')}) AS rn
      ${join}${after}) AS r WHERE rn = 1)`);
  }
  const columns = funnel.steps.map((_, i) => `f${i}.t AS t${i}`).join(', ');
  const joins = funnel.steps.slice(1).map((_, i) => ` LEFT JOIN f${i + 1} ON f${i + 1}.person = f0.person`).join('');
  return { sql: `WITH ${ctes.join(',\n')}\nSELECT f0.person, f0.grp, ${columns} FROM f0${joins}`, params: p.values, warnings };
}
