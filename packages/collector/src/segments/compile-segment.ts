import type { SqlDialect } from '../analytics/sql-dialect.js';
import type { Condition, DefinitionFault, WindowSpec } from './segment-definition.js';

/** How far back a condition without a time window reads (it is capped, with a warning). */
export const DEFAULT_WINDOW_DAYS = 90;
/** The longest window a condition may read; longer ones are capped, with a warning. */
export const MAX_WINDOW_DAYS = 400;
const DAY = 86_400_000;

/** A definition as one SQL statement: the people in the segment, newest first. */
export interface CompiledSegment {
  sql: string;
  params: unknown[];
  warnings: DefinitionFault[];
}

/**
 * Compiles a validated condition into one statement over `events`, `person_ids` and `people`
 * selecting `person_id, user_id, traits, first_seen, last_seen` of every person in the
 * segment, latest seen first. Each event condition is a materialized CTE of (person, t) rows
 * picked through the (event, timestamp) index within its window; conditions combine with
 * INTERSECT / UNION / EXCEPT. Every value is a parameter (see SqlParams).
 *
 * @example
 * const { sql, params } = compileSegment(sqliteDialect, condition, Date.now());
 * db.prepare(sql).all(params);
 */
export function compileSegment(dialect: SqlDialect, condition: Condition, now: number): CompiledSegment {
  const p = dialect.params();
  const ctes: string[] = [];
  const warnings: DefinitionFault[] = [];
  const cte = (body: string) => {
    ctes.push(`c${ctes.length} AS MATERIALIZED (${body})`);
    return `c${ctes.length - 1}`;
  };
  let alias = 0;
  const wrap = (set: string) => `SELECT person FROM (${set}) AS s${alias++}`;

  const compile = (node: Condition, path: string): string => {
    switch (node.kind) {
      case 'all':
      case 'any':
        return node.of.map((child, i) => wrap(compile(child, `${join(path, node.kind)}[${i}]`))).join(node.kind === 'all' ? ' INTERSECT ' : ' UNION ');
      case 'not':
        return `SELECT person_id AS person FROM people EXCEPT ${wrap(compile(node.of, join(path, 'not')))}`;
      case 'trait':
        return `SELECT pe.person_id AS person FROM people pe WHERE ${dialect.filter(p, dialect.traits, { path: node.path, test: node.test })}`;
      case 'did': {
        const { from, to } = resolveWindow(node.window, now, path, warnings);
        const events = dialect.events(p, { event: node.event, from, to, where: node.where });
        const having = node.atLeast > 1 ? ` HAVING count(*) >= ${p.add(node.atLeast)}` : '';
        return `SELECT person FROM ${cte(`SELECT person FROM (${events}) AS x GROUP BY person${having}`)}`;
      }
      case 'thenNot': {
        const { from, to } = resolveWindow(node.window, now, path, warnings);
        // Only firsts whose `after` has fully passed can be known to lack the second.
        const settled = new Date(Math.min(Date.parse(to), now - node.afterSeconds * 1000)).toISOString();
        const firsts = cte(dialect.events(p, { event: node.event, from, to: settled, where: node.where }));
        const laterEnd = new Date(Date.parse(settled) + node.afterSeconds * 1000).toISOString();
        const seconds = cte(dialect.events(p, { event: node.thenNot, from, to: laterEnd, where: [] }));
        return `SELECT DISTINCT a.person FROM ${firsts} a WHERE NOT EXISTS (
          SELECT 1 FROM ${seconds} b WHERE b.person = a.person AND b.t >= a.t AND b.t <= ${dialect.plusSeconds(p, 'a.t', node.afterSeconds)})`;
      }
    }
  };

  const set = compile(condition, '');
  const sql = `${ctes.length > 0 ? `WITH ${ctes.join(',\n')}\n` : ''}SELECT pe.person_id, pe.user_id, pe.traits, pe.first_seen, pe.last_seen
    FROM people pe WHERE pe.person_id IN (SELECT person FROM (${set}) AS members)
    ORDER BY pe.last_seen DESC, pe.person_id`;
  return { sql, params: p.values, warnings };
}

/**
 * A condition's window as [from, to) ISO times: `within` back from now, else the dates (to
 * defaults to now); no window reads the last DEFAULT_WINDOW_DAYS, and a window longer than
 * MAX_WINDOW_DAYS is cut to its last MAX_WINDOW_DAYS, each with a warning naming the path.
 *
 * @example
 * resolveWindow({ withinSeconds: 604800 }, Date.parse('2026-12-08T00:00:00Z'), 'did', [])
 * // { from: '2026-12-01T00:00:00.000Z', to: '2026-12-08T00:00:00.000Z' }
 */
export function resolveWindow(window: WindowSpec, now: number, path: string, warnings: DefinitionFault[]): { from: string; to: string } {
  const to = window.to !== undefined ? Date.parse(window.to) : now;
  let from: number;
  if (window.withinSeconds !== undefined) from = now - window.withinSeconds * 1000;
  else if (window.from !== undefined) from = Date.parse(window.from);
  else {
    from = to - DEFAULT_WINDOW_DAYS * DAY;
    warnings.push({ path: path || '(definition)', message: `no time window (within, or from/to): read over the last ${DEFAULT_WINDOW_DAYS} days` });
  }
  if (to - from > MAX_WINDOW_DAYS * DAY) {
    from = to - MAX_WINDOW_DAYS * DAY;
    warnings.push({ path: path || '(definition)', message: `the window is longer than ${MAX_WINDOW_DAYS} days: read over its last ${MAX_WINDOW_DAYS} days` });
  }
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
