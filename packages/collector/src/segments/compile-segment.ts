import type { SqlDialect, SqlParams } from '../analytics/sql-dialect.js';
import type { Condition, DefinitionFault, WindowSpec } from './segment-definition.js';

/** How far back a condition without a time window reads (it is capped, with a warning). */
export const DEFAULT_WINDOW_DAYS = 90;
/** The longest window a condition may read; longer ones are capped, with a warning. */
export const MAX_WINDOW_DAYS = 400;
const DAY = 86_400_000;

/**
 * A definition as one SQL statement: a first row with `head` 1 and `total` (how many people
 * are in the segment), then the asked page of them (`head` 0), latest seen first.
 */
export interface CompiledSegment {
  sql: string;
  params: unknown[];
  warnings: DefinitionFault[];
}

/**
 * Compiles a validated condition into one statement over `events`, `person_ids` and `people`:
 * the count of the segment's people (counted in the database), then `person_id, user_id,
 * traits, first_seen, last_seen` of one page of them (`limit` 0: all), latest seen first. Each
 * event condition is a materialized CTE of (person, t) rows picked through the (event,
 * timestamp) index within its window; conditions combine with INTERSECT / UNION / EXCEPT. A
 * `not` ranges over the people seen within the definition's widest window (see
 * populationWindow), never over everyone ever seen. Every value is a parameter (see SqlParams).
 *
 * @example
 * const { sql, params } = compileSegment(sqliteDialect, condition, Date.now(), { limit: 100, offset: 0 });
 * db.prepare(sql).all(sqliteBindings(params));
 */
export function compileSegment(dialect: SqlDialect, condition: Condition, now: number, page: { limit: number; offset?: number }): CompiledSegment {
  const p = dialect.params();
  const ctes: string[] = [];
  const warnings: DefinitionFault[] = [];
  const cte = (body: string) => {
    ctes.push(`c${ctes.length} AS MATERIALIZED (${body})`);
    return `c${ctes.length - 1}`;
  };
  let alias = 0;
  let population: string | undefined;
  const wrap = (set: string) => `SELECT person FROM (${set}) AS s${alias++}`;

  const compile = (node: Condition, path: string): string => {
    switch (node.kind) {
      case 'all':
      case 'any':
        return node.of.map((child, i) => wrap(compile(child, `${join(path, node.kind)}[${i}]`))).join(node.kind === 'all' ? ' INTERSECT ' : ' UNION ');
      case 'not':
        population ??= cte(populationOf(dialect, p, populationWindow(condition, now)));
        return `SELECT person FROM ${population} EXCEPT ${wrap(compile(node.of, join(path, 'not')))}`;
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

  const members = cte(`SELECT pe.person_id, pe.user_id, pe.traits, pe.first_seen, pe.last_seen
    FROM people pe WHERE pe.person_id IN (SELECT person FROM (${compile(condition, '')}) AS m)`);
  // The count as a first row: one statement, and no row of the segment leaves the database
  // beyond the page (an empty page still carries the count). limit 0 (exports): everyone.
  const limit = p.add(page.limit === 0 ? Number.MAX_SAFE_INTEGER : page.limit);
  const offset = p.add(Math.max(0, page.offset ?? 0));
  const sql = `WITH ${ctes.join(',\n')}
    SELECT 1 AS head, (SELECT count(*) FROM ${members}) AS total, NULL AS person_id, NULL AS user_id, NULL AS traits, NULL AS first_seen, NULL AS last_seen
    UNION ALL SELECT * FROM (SELECT 0 AS head, CAST(NULL AS BIGINT) AS total, person_id, user_id, traits, first_seen, last_seen
      FROM ${members} ORDER BY last_seen DESC, person_id LIMIT ${limit} OFFSET ${offset}) AS page
    ORDER BY head DESC, last_seen DESC, person_id`;
  return { sql, params: p.values, warnings };
}

/**
 * The widest window of a definition: from the earliest start to the latest end of its event
 * conditions' windows (as resolved at `now`), or the last DEFAULT_WINDOW_DAYS when it has none
 * (traits only). A `not` ranges over the people seen in it: "did not buy in the last 7 days"
 * means among the people seen in those 7 days, not among everyone ever seen.
 *
 * @example
 * populationWindow({ kind: 'not', of: { kind: 'did', event: 'A', where: [], atLeast: 1, window: { withinSeconds: 604800 } } }, now)
 * // { from: now − 7 days, to: now } as ISO times
 */
export function populationWindow(condition: Condition, now: number): { from: string; to: string } {
  const windows: { from: string; to: string }[] = [];
  const visit = (node: Condition): void => {
    if (node.kind === 'all' || node.kind === 'any') node.of.forEach(visit);
    else if (node.kind === 'not') visit(node.of);
    else if (node.kind === 'did' || node.kind === 'thenNot') windows.push(resolveWindow(node.window, now, '', []));
  };
  visit(condition);
  if (windows.length === 0) return resolveWindow({}, now, '', []);
  return { from: windows.map((w) => w.from).sort()[0] as string, to: windows.map((w) => w.to).sort().at(-1) as string };
}

/** The people seen within a window: their first event before its end, their last at or after its start. */
function populationOf(dialect: SqlDialect, p: SqlParams, window: { from: string; to: string }): string {
  return `SELECT person_id AS person FROM people WHERE last_seen >= ${dialect.time(p, window.from)} AND first_seen < ${dialect.time(p, window.to)}`;
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
