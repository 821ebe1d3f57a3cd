import type { Condition, DefinitionFault } from './segment-definition.js';

/** One person in a segment's answer (DESIGN.md, "Reading the data back"). */
export interface SegmentPerson {
  /** Null for a visitor never linked to a user id. */
  userId: string | null;
  anonymousIds: string[];
  traits: Record<string, unknown>;
  firstSeen: string;
  lastSeen: string;
}

/** What a segment query answers: how many, a page of them (latest seen first), and warnings. */
export interface SegmentResult {
  count: number;
  people: SegmentPerson[];
  warnings: DefinitionFault[];
}

/** A segment query: the validated condition, the clock, and the page (`limit` 0: everyone). */
export interface SegmentQuery {
  condition: Condition;
  now: number;
  limit: number;
  offset?: number;
}

/** A row of the compiled statement, as either driver returns it: the count row (`head` 1) or a person. */
export interface PersonRow {
  head: number;
  /** The segment's size, on the count row (PostgreSQL's bigint arrives as text). */
  total: number | string | null;
  person_id: string;
  user_id: string | null;
  traits: string | Record<string, unknown> | null;
  first_seen: string | Date;
  last_seen: string | Date;
}

/**
 * The anonymousIds of each person, from `person_ids` rows.
 *
 * @example
 * anonymousIdsByPerson([{ person_id: 'u:alice', anonymous_id: 'anon-1' }]) // Map { 'u:alice' => ['anon-1'] }
 */
export function anonymousIdsByPerson(links: readonly { person_id: string; anonymous_id: string }[]): Map<string, string[]> {
  const ids = new Map<string, string[]>();
  for (const link of links) {
    const list = ids.get(link.person_id);
    if (list) list.push(link.anonymous_id);
    else ids.set(link.person_id, [link.anonymous_id]);
  }
  return ids;
}

/**
 * People as the API answers them, from `people` rows and their anonymousIds.
 *
 * @example
 * toSegmentPeople(rows, anonymousIdsByPerson(links))
 */
export function toSegmentPeople(rows: readonly PersonRow[], anonymousIds: ReadonlyMap<string, string[]>): SegmentPerson[] {
  return rows.map((row) => ({
    userId: row.user_id,
    anonymousIds: [...(anonymousIds.get(row.person_id) ?? [])].sort(),
    traits: typeof row.traits === 'string' ? (JSON.parse(row.traits) as Record<string, unknown>) : (row.traits ?? {}),
    firstSeen: iso(row.first_seen),
    lastSeen: iso(row.last_seen),
  }));
}

/**
 * Builds the answer from the statement's rows and the anonymousIds of the page's people.
 *
 * @example
 * toSegmentResult(rows.slice(0, 100), rows.length, idsByPerson, warnings)
 */
export function toSegmentResult(
  page: readonly PersonRow[],
  count: number,
  anonymousIds: ReadonlyMap<string, string[]>,
  warnings: DefinitionFault[],
): SegmentResult {
  return { count, people: toSegmentPeople(page, anonymousIds), warnings };
}

/** Warnings for the event names a definition uses that no stored event has. */
export function unseenEventWarnings(names: readonly string[], seen: ReadonlySet<string>): DefinitionFault[] {
  return names
    .filter((name) => !seen.has(name))
    .map((name) => ({ path: 'events', message: `no stored event is named ${JSON.stringify(name)} (a typo? names are case-sensitive)` }));
}

/** The statement's count row apart from its page of people (see CompiledSegment). */
export function splitCount(rows: readonly PersonRow[]): { count: number; page: PersonRow[] } {
  const head = rows.find((row) => Number(row.head) === 1);
  return { count: Number(head?.total ?? 0), page: rows.filter((row) => Number(row.head) !== 1) };
}

function iso(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : value;
}
