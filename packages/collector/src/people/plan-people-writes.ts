import { isPlainObject } from '../json/is-plain-object.js';
import type { EventRow } from '../store/store.js';

/** A person's key in `people.person_id` / `person_ids.person_id`. */
export const userPerson = (userId: string) => `u:${userId}`;
/** The key of a visitor whose anonymousId was never linked to a userId. */
export const anonymousPerson = (anonymousId: string) => `a:${anonymousId}`;

/** What one batch of inserted events changes in `person_ids` and `people`. */
export interface PeopleWrites {
  /** anonymousId → person, in event order (a later link of the same id wins). */
  links: { anonymousId: string; personId: string; at: string }[];
  /** An anonymous person whose id was just linked: fold its row into the user's and drop it. */
  merges: { from: string; to: string; userId: string }[];
  /** anonymousIds seen for the first time and not linked: their own person. */
  unlinked: string[];
  /** Seen times and traits per person (traits: the identify calls' traits merged, in order). */
  people: { personId: string; userId: string | null; firstSeen: string; lastSeen: string; traits: string | null }[];
}

/**
 * Works out the people changes of a batch in two steps, so SQLite (synchronous) and
 * PostgreSQL (async) share the logic: `anonymousIdsOf(rows)` names the ids whose current
 * person the store must look up, then `planPeopleWrites(rows, current)` decides.
 *
 * Rules: an event carrying both ids links its anonymousId to its userId (identify, "Signed
 * In", any call after them); an alias links its `previousId` to its userId. Every event then
 * counts for its person: the user for an event with a userId, else the person its anonymousId
 * belongs to after this batch's links (so a visit's events before sign-in, sent in the same
 * batch, count for the user too).
 *
 * @example
 * const current = lookup(anonymousIdsOf(rows)); // Map anonymousId → person_id
 * const writes = planPeopleWrites(rows, current);
 */
export function planPeopleWrites(rows: readonly EventRow[], current: ReadonlyMap<string, string>): PeopleWrites {
  const person = new Map(current);
  const writes: PeopleWrites = { links: [], merges: [], unlinked: [], people: [] };
  const link = (anonymousId: string, userId: string, at: string) => {
    const to = userPerson(userId);
    const was = person.get(anonymousId);
    if (was === to) return;
    person.set(anonymousId, to);
    writes.links.push({ anonymousId, personId: to, at });
    if (was === undefined || was.startsWith('a:')) writes.merges.push({ from: was ?? anonymousPerson(anonymousId), to, userId });
  };
  for (const row of rows) {
    if (row.userId !== null && row.anonymousId !== null) link(row.anonymousId, row.userId, row.timestamp);
    if (row.type === 'alias' && row.userId !== null) {
      const previousId = idText(readDoc(row)?.previousId);
      if (previousId !== undefined && previousId !== row.userId) link(previousId, row.userId, row.timestamp);
    }
  }
  for (const row of rows) {
    if (row.anonymousId === null || person.has(row.anonymousId)) continue;
    person.set(row.anonymousId, anonymousPerson(row.anonymousId));
    writes.unlinked.push(row.anonymousId);
  }

  const seen = new Map<string, PeopleWrites['people'][number]>();
  for (const row of rows) {
    const personId = row.userId !== null ? userPerson(row.userId) : person.get(row.anonymousId as string);
    if (personId === undefined) continue;
    let entry = seen.get(personId);
    if (entry === undefined) {
      entry = { personId, userId: personId.startsWith('u:') ? personId.slice(2) : null, firstSeen: row.timestamp, lastSeen: row.timestamp, traits: null };
      seen.set(personId, entry);
    }
    if (row.timestamp < entry.firstSeen) entry.firstSeen = row.timestamp;
    if (row.timestamp > entry.lastSeen) entry.lastSeen = row.timestamp;
    if (row.type === 'identify' && row.userId !== null) {
      const traits = readDoc(row)?.traits;
      if (isPlainObject(traits) && Object.keys(traits).length > 0) {
        entry.traits = JSON.stringify({ ...(entry.traits === null ? {} : (JSON.parse(entry.traits) as object)), ...traits });
      }
    }
  }
  writes.people = [...seen.values()];
  return writes;
}

/** The anonymousIds (and alias previousIds) of a batch, each once: look their person up first. */
export function anonymousIdsOf(rows: readonly EventRow[]): string[] {
  const ids = new Set<string>();
  for (const row of rows) {
    if (row.anonymousId !== null) ids.add(row.anonymousId);
    if (row.type === 'alias') {
      const previousId = idText(readDoc(row)?.previousId);
      if (previousId !== undefined) ids.add(previousId);
    }
  }
  return [...ids];
}

function readDoc(row: EventRow): Record<string, unknown> | undefined {
  try {
    const doc: unknown = JSON.parse(row.normalized ?? row.raw);
    return isPlainObject(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

function idText(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}
