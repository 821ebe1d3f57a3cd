import { sqliteJsonPath } from '../segments/json-path.js';
import type { Filter } from '../segments/segment-definition.js';
import { CAMPAIGN_PATH, CLICK_ID_PLATFORMS } from './click-id-platforms.js';

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

/** What a funnel is broken down by: a path into the event, or the ad platform of its click id. */
export type Breakdown = { kind: 'path'; path: readonly string[] } | { kind: 'clickIdPlatform' };

/** Which events a query step reads: one name, a time range (from inclusive, to exclusive), filters. */
export interface EventSelection {
  event: string;
  from: string;
  to: string;
  where: readonly Filter[];
  /** Extra projected column `grp` (PostgreSQL): a funnel's breakdown value; NULL when absent. */
  breakdown?: Breakdown;
  /** Project the event's identity columns (SqlDialect.identity) too: SQLite always has its rowid. */
  identity?: boolean;
}

/** The JSON number grammar without exponent: what a string must hold to compare as a number. */
const NUMERIC_TEXT_PG = '^-?(0|[1-9][0-9]*)([.][0-9]+)?$';

/**
 * The SQL that differs between SQLite and PostgreSQL, as fragments of fixed text around
 * parameters. Every query selects events through `events(...)`, which yields one row per
 * matching event: `person` (the person key of people.person_id), `t` (its time) and `t_epoch`
 * (seconds), and `rid` (SQLite: the rowid) or `grp` (PostgreSQL: the breakdown value) for a
 * funnel's first step, and the identity columns when asked.
 *
 * Comparisons are type-strict and the same on both stores: a number equals only a JSON number,
 * a string only a JSON string, true only true (SQLite's json_extract reads true as 1, so its
 * JSON type is tested too). gt/gte/lt/lte with a number also read a string holding a plain
 * decimal number ("30", "29.90": the JSON number grammar without exponent) as that number.
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
  /** The columns that tell two events apart and order them (after their time), as `events` names them. */
  readonly identity: readonly string[];
  /**
   * Per person of an events relation: the earliest `t_epoch` as `t`, with `grp`, the breakdown
   * value of that event (read for that one event per person only); with `identity`, the
   * earliest by (time, identity), carried as `c0_t` and `c0_<identity column>`.
   */
  firstPerPerson(p: SqlParams, relation: string, breakdown: Breakdown | undefined, identity: boolean): string;
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
    const at = () => sqlitePath(p, doc, path);
    const value = () => `json_extract(${doc}, ${at()})`;
    const type = () => `json_type(${doc}, ${at()})`;
    switch (test.op) {
      case 'exists':
        return `${type()} IS ${test.value ? 'NOT ' : ''}NULL`;
      case 'eq':
        return sqliteIn(p, value, type, [test.value]);
      case 'ne':
        // An absent key (NULL) is "not equal" too.
        return `coalesce(${sqliteIn(p, value, type, [test.value])}, 0) = 0`;
      case 'in':
        return sqliteIn(p, value, type, test.value);
      case 'anyKey':
        return `${test.present ? '' : 'NOT '}EXISTS (SELECT 1 FROM json_each(${doc}, ${at()}) AS k
          WHERE k.key IN (SELECT value FROM json_each(${p.add(JSON.stringify(test.value))})) AND k.type = 'text' AND k.atom <> '')`;
      case 'contains':
        return `(CASE ${type()} WHEN 'text' THEN instr(${value()}, ${p.add(String(test.value))}) > 0
          WHEN 'array' THEN EXISTS (SELECT 1 FROM json_each(${doc}, ${at()}) AS c
            WHERE c.value = ${p.add(typeof test.value === 'boolean' ? Number(test.value) : test.value)}
              AND c.type ${typeof test.value === 'string' ? "= 'text'" : typeof test.value === 'boolean' ? `= ${p.add(String(test.value))}` : "IN ('integer', 'real')"})
          ELSE 0 END)`;
      default: {
        const operator = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[test.op];
        // SQLite orders every number before every text: compare like with like only.
        if (typeof test.value === 'string') return `(${type()} = 'text' AND ${value()} ${operator} ${p.add(test.value)})`;
        // json_valid on digits, '.' and '-' only: the JSON number grammar without exponent, as on PostgreSQL.
        return `(CASE ${type()} WHEN 'integer' THEN ${value()} WHEN 'real' THEN ${value()}
          WHEN 'text' THEN CASE WHEN ${value()} NOT GLOB '*[^0-9.-]*' AND json_valid(${value()}) THEN CAST(${value()} AS REAL) END
          END ${operator} ${p.add(test.value)})`;
      }
    }
  },
  plusSeconds: (p, time, seconds) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${time}, ${p.add(`${seconds >= 0 ? '+' : ''}${seconds} seconds`)})`,
  time: (p, iso) => p.add(iso),
  traits: 'pe.traits',
  identity: ['rid'],
  firstPerPerson(p, relation, breakdown, identity) {
    // SQLite takes the bare column `rid` from a row that holds the min() (any one of ties).
    const first = identity
      ? `SELECT person, t, rid FROM (SELECT person, t_epoch AS t, rid, row_number() OVER (PARTITION BY person ORDER BY t_epoch, rid) AS rn
          FROM ${relation}) AS r WHERE rn = 1`
      : `SELECT person, min(t_epoch) AS t, rid FROM ${relation} GROUP BY person`;
    const carried = identity ? ', f.t AS c0_t, f.rid AS c0_rid' : '';
    if (breakdown === undefined) return `SELECT f.person, f.t, NULL AS grp${carried} FROM (${first}) AS f`;
    return `SELECT f.person, f.t, ${sqliteBreakdown(p, 'coalesce(e.normalized, e.raw)', breakdown)} AS grp${carried}
      FROM (${first}) AS f JOIN events e ON e.rowid = f.rid`;
  },
};

/** A path segment PostgreSQL's `#>` reads as an array position when it meets an array. */
const POSITION = /^-?\d{1,9}$/;

/**
 * The SQLite JSON path of a `where` or `by` path, as an SQL expression: a parameter
 * (`$."context"."device"."type"`) when no segment is a number; else built as the document is
 * walked, so that a number is an array position where the value there is an array (`[0]`,
 * from the end when negative: `[#-1]`) and an object key elsewhere (`."0"`) — what
 * PostgreSQL's `#>` does, so both stores read `properties.products.0.sku` alike.
 */
function sqlitePath(p: SqlParams, doc: string, segments: readonly string[]): string {
  if (!segments.some((segment) => POSITION.test(segment))) return p.add(sqliteJsonPath(segments));
  let path = p.add('$');
  for (const segment of segments) {
    const key = p.add(sqliteJsonPath([segment]).slice(1));
    if (!POSITION.test(segment)) {
      path = `(${path} || ${key})`;
      continue;
    }
    const position = Number(segment);
    const step = p.add(position < 0 ? `[#${position}]` : `[${position}]`);
    path = `(${path} || CASE json_type(${doc}, ${path}) WHEN 'array' THEN ${step} ELSE ${key} END)`;
  }
  return path;
}

/** A type-strict `IN` on SQLite: each kind of value compared with values of its JSON type only. */
function sqliteIn(p: SqlParams, value: () => string, type: () => string, values: readonly (string | number | boolean | null)[]): string {
  const tests: string[] = [];
  const strings = values.filter((item) => typeof item === 'string');
  const numbers = values.filter((item) => typeof item === 'number');
  const types = values.filter((item) => typeof item === 'boolean' || item === null).map(String);
  if (strings.length > 0) tests.push(`(${value()} IN (SELECT value FROM json_each(${p.add(JSON.stringify(strings))})) AND ${type()} = 'text')`);
  if (numbers.length > 0) tests.push(`(${value()} IN (SELECT value FROM json_each(${p.add(JSON.stringify(numbers))})) AND ${type()} IN ('integer', 'real'))`);
  if (types.length > 0) tests.push(`${type()} IN (SELECT value FROM json_each(${p.add(JSON.stringify(types))}))`);
  return `(${tests.join(' OR ')})`;
}

/** The breakdown value of one SQLite event document: at a path, or the platform of its click id. */
function sqliteBreakdown(p: SqlParams, doc: string, breakdown: Breakdown): string {
  if (breakdown.kind === 'path') {
    // json_extract reads true as 1: name booleans as PostgreSQL's #>> does, so true and the number 1 are two groups.
    const at = () => sqlitePath(p, doc, breakdown.path);
    return `(CASE json_type(${doc}, ${at()}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE json_extract(${doc}, ${at()}) END)`;
  }
  // A click carrying ids of two platforms counts for the first platform by name.
  return `(SELECT m.value FROM json_each(${doc}, ${p.add(sqliteJsonPath(CAMPAIGN_PATH))}) AS k
    JOIN json_each(${p.add(JSON.stringify(CLICK_ID_PLATFORMS))}) AS m ON m.key = k.key
    WHERE k.type = 'text' AND k.atom <> '' ORDER BY m.value LIMIT 1)`;
}

export const postgresDialect: SqlDialect = {
  kind: 'postgres',
  params: () => new SqlParams('postgres'),
  events(p, selection) {
    const needsDoc = selection.where.length > 0 || selection.breakdown !== undefined;
    const by = selection.breakdown ? `, ${postgresBreakdown(p, 'd.doc', selection.breakdown)} AS grp` : ', NULL::text AS grp';
    const identity = selection.identity ? ', e.source AS src, e.message_id AS mid' : '';
    const tests = selection.where.map((filter) => ` AND ${this.filter(p, 'd.doc', filter)}`).join('');
    return `SELECT coalesce('u:' || e.user_id, i.person_id, 'a:' || e.anonymous_id) AS person, e.timestamp AS t,
        extract(epoch FROM e.timestamp)::float8 AS t_epoch${by}${identity}
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
        // jsonb equality is type-strict: 'true' is not 1, '"30"' is not 30.
        return `${value()} = ${p.add(JSON.stringify(test.value))}::text::jsonb`;
      case 'ne':
        return `NOT coalesce(${value()} = ${p.add(JSON.stringify(test.value))}::text::jsonb, false)`;
      case 'in':
        return `EXISTS (SELECT 1 FROM jsonb_array_elements(${p.add(JSON.stringify(test.value))}::text::jsonb) AS c(value) WHERE c.value = ${value()})`;
      case 'anyKey':
        return `${test.present ? '' : 'NOT '}EXISTS (SELECT 1 FROM jsonb_each(CASE WHEN jsonb_typeof(${value()}) = 'object' THEN ${value()} END) AS k
          WHERE k.key = ANY(${p.add(test.value)}::text[]) AND jsonb_typeof(k.value) = 'string' AND k.value #>> '{}' <> '')`;
      case 'contains':
        return `(CASE jsonb_typeof(${value()}) WHEN 'string' THEN strpos(${value()} #>> '{}', ${p.add(String(test.value))}) > 0
          WHEN 'array' THEN ${value()} @> jsonb_build_array(${p.add(JSON.stringify(test.value))}::text::jsonb) ELSE false END)`;
      default: {
        const operator = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[test.op];
        if (typeof test.value === 'string') {
          return `(jsonb_typeof(${value()}) = 'string' AND (${value()} #>> '{}') COLLATE "C" ${operator} ${p.add(test.value)}::text)`;
        }
        const text = () => `(${value()} #>> '{}')`;
        return `(CASE jsonb_typeof(${value()}) WHEN 'number' THEN ${text()}::numeric
          WHEN 'string' THEN CASE WHEN ${text()} ~ '${NUMERIC_TEXT_PG}' THEN ${text()}::numeric END END) ${operator} ${p.add(test.value)}::numeric`;
      }
    }
  },
  plusSeconds: (p, time, seconds) => `(${time} + ${p.add(seconds)}::float8 * interval '1 second')`,
  time: (p, iso) => `${p.add(iso)}::timestamptz`,
  traits: 'pe.traits',
  identity: ['src', 'mid'],
  firstPerPerson: (_p, relation, _breakdown, identity) =>
    identity
      ? `SELECT DISTINCT ON (person) person, t_epoch AS t, grp, t_epoch AS c0_t, src AS c0_src, mid AS c0_mid FROM ${relation} ORDER BY person, t_epoch, src, mid`
      : `SELECT DISTINCT ON (person) person, t_epoch AS t, grp FROM ${relation} ORDER BY person, t_epoch`,
};

/** The breakdown value of one PostgreSQL event document: at a path, or the platform of its click id. */
function postgresBreakdown(p: SqlParams, doc: string, breakdown: Breakdown): string {
  if (breakdown.kind === 'path') return `${doc} #>> ${p.add(breakdown.path)}::text[]`;
  const campaign = `(${doc} #> ${p.add(CAMPAIGN_PATH)}::text[])`;
  // A click carrying ids of two platforms counts for the first platform by name (as on SQLite).
  return `(SELECT m.value FROM jsonb_each(CASE WHEN jsonb_typeof(${campaign}) = 'object' THEN ${campaign} END) AS k
    JOIN jsonb_each_text(${p.add(JSON.stringify(CLICK_ID_PLATFORMS))}::text::jsonb) AS m ON m.key = k.key
    WHERE jsonb_typeof(k.value) = 'string' AND k.value #>> '{}' <> '' ORDER BY m.value LIMIT 1)`;
}
