import { sqliteJsonPath } from '../segments/json-path.js';
import type { Filter } from '../segments/segment-definition.js';

/**
 * Collects bound parameters while a query is put together from fixed fragments: every name,
 * value, path and time of a definition goes through `add` and reaches the database as a
 * parameter, never as SQL text.
 */
export class SqlParams {
  readonly values: unknown[] = [];
  constructor(private readonly style: 'sqlite' | 'postgres') {}

  /**
   * The placeholder of a new parameter, numbered (`@pn` on SQLite, `$n` on PostgreSQL) so that
   * fragments may be assembled in any order.
   */
  add(value: unknown): string {
    this.values.push(typeof value === 'boolean' ? Number(value) : value);
    return this.style === 'sqlite' ? `@p${this.values.length}` : `$${this.values.length}`;
  }
}

/**
 * SQLite's bindings for collected values: better-sqlite3 binds numbered placeholders by
 * name (`@p1` → `{p1: …}`).
 *
 * @example
 * db.prepare(sql).all(sqliteBindings(params))
 */
export function sqliteBindings(values: readonly unknown[]): Record<string, unknown> {
  return Object.fromEntries(values.map((value, i) => [`p${i + 1}`, value]));
}

/** Which events a query step reads: one name, a time range (from inclusive, to exclusive), filters. */
export interface EventSelection {
  event: string;
  from: string;
  to: string;
  where: readonly Filter[];
  /** Extra projected column `grp`: a path into the event (a funnel's breakdown); NULL when absent. */
  breakdown?: readonly string[];
}

/**
 * The SQL that differs between SQLite and PostgreSQL, as fragments of fixed text around
 * parameters. Every query selects events through `events(...)`, which yields one row per
 * matching event: `person` (the person key of people.person_id), `t` (its time) and `t_epoch`
 * (seconds), and `rid` (SQLite: the rowid) or `grp` (PostgreSQL: the breakdown value) for a
 * funnel's first step.
 */
export interface SqlDialect {
  readonly kind: 'sqlite' | 'postgres';
  params(): SqlParams;
  events(p: SqlParams, selection: EventSelection): string;
  /** A boolean test of one filter on a JSON document expression. */
  filter(p: SqlParams, doc: string, filter: Filter): string;
  /** The time expression plus a number of seconds (a parameter). */
  plusSeconds(p: SqlParams, time: string, seconds: number): string;
  /** A time parameter (ISO 8601 text). */
  time(p: SqlParams, iso: string): string;
  /** The people table's traits as a document expression. */
  readonly traits: string;
  /**
   * Per person of an events relation: the earliest `t_epoch` as `t`, with `grp`, the breakdown
   * value of that event (`breakdown`: its path, read for that one event per person only).
   */
  firstPerPerson(p: SqlParams, relation: string, breakdown: readonly string[] | undefined): string;
}

export const sqliteDialect: SqlDialect = {
  kind: 'sqlite',
  params: () => new SqlParams('sqlite'),
  events(p, selection) {
    const doc = 'coalesce(e.normalized, e.raw)';
    const tests = selection.where.map((filter) => ` AND ${this.filter(p, doc, filter)}`).join('');
    // The rowid, not the JSON: the breakdown is read later for one event per person only.
    return `SELECT coalesce('u:' || e.user_id, i.person_id, 'a:' || e.anonymous_id) AS person, e.timestamp AS t,
        unixepoch(e.timestamp, 'subsec') AS t_epoch, e.rowid AS rid
      FROM events e LEFT JOIN person_ids i ON e.user_id IS NULL AND i.anonymous_id = e.anonymous_id
      WHERE e.event = ${p.add(selection.event)} AND e.timestamp >= ${p.add(selection.from)} AND e.timestamp < ${p.add(selection.to)}${tests}`;
  },
  filter(p, doc, { path, test }) {
    const at = () => p.add(sqliteJsonPath(path));
    const value = () => `json_extract(${doc}, ${at()})`;
    const type = () => `json_type(${doc}, ${at()})`;
    switch (test.op) {
      case 'exists':
        return `${type()} IS ${test.value ? 'NOT ' : ''}NULL`;
      case 'eq':
        if (test.value === null) return `${type()} = 'null'`;
        if (typeof test.value === 'boolean') return `${type()} = ${p.add(test.value ? 'true' : 'false')}`;
        return `${value()} = ${p.add(test.value)}`;
      case 'in':
        // json_each yields SQL values typed as the JSON (text, integer, real; booleans as 1/0).
        return `${value()} IN (SELECT value FROM json_each(${p.add(JSON.stringify(test.value))}))`;
      case 'contains':
        return `(CASE ${type()} WHEN 'text' THEN instr(${value()}, ${p.add(String(test.value))}) > 0
          WHEN 'array' THEN EXISTS (SELECT 1 FROM json_each(${doc}, ${at()}) AS c
            WHERE c.value = ${p.add(typeof test.value === 'boolean' ? Number(test.value) : test.value)}
              AND c.type ${typeof test.value === 'string' ? "= 'text'" : typeof test.value === 'boolean' ? `= ${p.add(String(test.value))}` : "IN ('integer', 'real')"})
          ELSE 0 END)`;
      default: {
        const operator = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[test.op];
        // SQLite orders every number before every text: compare like with like only.
        const kind = typeof test.value === 'number' ? "IN ('integer', 'real')" : "= 'text'";
        return `(${type()} ${kind} AND ${value()} ${operator} ${p.add(test.value)})`;
      }
    }
  },
  plusSeconds: (p, time, seconds) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${time}, ${p.add(`${seconds >= 0 ? '+' : ''}${seconds} seconds`)})`,
  time: (p, iso) => p.add(iso),
  traits: 'pe.traits',
  // SQLite takes the bare column `rid` from the row that holds the min().
  firstPerPerson: (p, relation, breakdown) =>
    breakdown === undefined
      ? `SELECT person, min(t_epoch) AS t, NULL AS grp FROM ${relation} GROUP BY person`
      : `SELECT f.person, f.t, json_extract(coalesce(e.normalized, e.raw), ${p.add(sqliteJsonPath(breakdown))}) AS grp
         FROM (SELECT person, min(t_epoch) AS t, rid FROM ${relation} GROUP BY person) AS f JOIN events e ON e.rowid = f.rid`,
};

export const postgresDialect: SqlDialect = {
  kind: 'postgres',
  params: () => new SqlParams('postgres'),
  events(p, selection) {
    const needsDoc = selection.where.length > 0 || selection.breakdown !== undefined;
    const by = selection.breakdown ? `, d.doc #>> ${p.add(selection.breakdown)}::text[] AS grp` : ', NULL::text AS grp';
    const tests = selection.where.map((filter) => ` AND ${this.filter(p, 'd.doc', filter)}`).join('');
    return `SELECT coalesce('u:' || e.user_id, i.person_id, 'a:' || e.anonymous_id) AS person, e.timestamp AS t,
        extract(epoch FROM e.timestamp)::float8 AS t_epoch${by}
      FROM events e LEFT JOIN person_ids i ON e.user_id IS NULL AND i.anonymous_id = e.anonymous_id
      ${needsDoc ? 'CROSS JOIN LATERAL (SELECT cairn_doc(e.raw, e.normalized) AS doc) AS d' : ''}
      WHERE e.event = ${p.add(selection.event)} AND e.timestamp >= ${p.add(selection.from)}::timestamptz
        AND e.timestamp < ${p.add(selection.to)}::timestamptz${tests}`;
  },
  filter(p, doc, { path, test }) {
    const value = () => `(${doc} #> ${p.add(path)}::text[])`;
    switch (test.op) {
      case 'exists':
        return `${value()} IS ${test.value ? 'NOT ' : ''}NULL`;
      case 'eq':
        return `${value()} = ${p.add(JSON.stringify(test.value))}::text::jsonb`;
      case 'in':
        return `EXISTS (SELECT 1 FROM jsonb_array_elements(${p.add(JSON.stringify(test.value))}::text::jsonb) AS c(value) WHERE c.value = ${value()})`;
      case 'contains':
        return `(CASE jsonb_typeof(${value()}) WHEN 'string' THEN strpos(${value()} #>> '{}', ${p.add(String(test.value))}) > 0
          WHEN 'array' THEN ${value()} @> jsonb_build_array(${p.add(JSON.stringify(test.value))}::text::jsonb) ELSE false END)`;
      default: {
        const operator = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[test.op];
        if (typeof test.value === 'number') return `cairn_number(${value()}) ${operator} ${p.add(test.value)}::numeric`;
        return `(jsonb_typeof(${value()}) = 'string' AND (${value()} #>> '{}') COLLATE "C" ${operator} ${p.add(test.value)}::text)`;
      }
    }
  },
  plusSeconds: (p, time, seconds) => `(${time} + ${p.add(seconds)}::float8 * interval '1 second')`,
  time: (p, iso) => `${p.add(iso)}::timestamptz`,
  traits: 'pe.traits',
  firstPerPerson: (_p, relation) => `SELECT DISTINCT ON (person) person, t_epoch AS t, grp FROM ${relation} ORDER BY person, t_epoch`,
};
