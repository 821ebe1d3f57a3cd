import { Hono } from 'hono';
import { ERROR_CODES } from '@cairn/protocol';
import { httpError } from '../http/http-error.js';
import { parseJsonBody } from '../http/parse-json-body.js';
import { readRequestBody } from '../http/read-body.js';
import { isPlainObject } from '../json/is-plain-object.js';
import type { DestinationsControl } from '../destinations/destinations-control.js';
import type { Logger } from '../logger.js';
import { userPerson } from '../people/plan-people-writes.js';
import type { ErasureSubject, Store } from '../store/store.js';

/** An erasure request names a person, nothing more. */
const MAX_ERASE_BODY_BYTES = 16 * 1024;

/**
 * `POST /admin/erase` with `{"userId"?, "anonymousId"?, "source"?}` (behind the admin token):
 * the right to erasure. Deletes every event and quarantine row of that user or anonymous id
 * (in one source, or all) — for a userId, also of every anonymousId linked to it — with the
 * person's links and rollup ids, and answers the counts: `{"erased": {"events": n, "quarantine": n}}`.
 * With destinations, the person's undelivered deliveries are deleted first and a deletion
 * message is queued for each destination that takes one (docs/destinations.md); the answer
 * then also holds `"destinations": {"deliveriesDeleted": n, "deletionMessages": [names]}`.
 * The log line carries the counts only, never the id being erased.
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $TOKEN" -d '{"userId":"u-42"}' http://localhost:8787/admin/erase
 */
export function createAdminEraseRoutes(store: Store, logger: Logger, destinations?: DestinationsControl): Hono {
  const routes = new Hono();
  routes.post('/erase', async (c) => {
    const body = parseJsonBody(await readRequestBody(c.req.raw, MAX_ERASE_BODY_BYTES));
    const subject = readSubject(body);
    // A person is a userId with every anonymousId linked to it (DESIGN.md): the visits before
    // sign-in are that person's too, so each linked id is erased like the userId.
    const linked = subject.userId === undefined ? [] : await linkedIds(store, subject.userId);
    // A linked id may be an older userId (alias previousId → userId): it is erased as that user
    // too, so its own events, traits and links go with it (and a destination's deletion message
    // names it as a userId only then).
    const users = await userIdsAmong(store, linked);
    const subjects: ErasureSubject[] = [
      subject,
      ...linked
        .filter((id) => id !== subject.anonymousId)
        .map((id) => ({ anonymousId: id, ...(users.has(id) ? { userId: id } : {}), ...(subject.source === undefined ? {} : { source: subject.source }) })),
    ];
    let forwarded: Awaited<ReturnType<DestinationsControl['erase']>> | undefined;
    const erased = { events: 0, quarantine: 0 };
    for (const one of subjects) {
      // Before the events go: the deliveries are found through them.
      const sent = destinations === undefined ? undefined : await destinations.erase(one);
      if (sent) {
        forwarded = forwarded
          ? { ...sent, deliveriesDeleted: forwarded.deliveriesDeleted + sent.deliveriesDeleted, deletionMessages: [...new Set([...forwarded.deletionMessages, ...sent.deletionMessages])] }
          : sent;
      }
      const counts = await store.erase(one);
      erased.events += counts.events;
      erased.quarantine += counts.quarantine;
    }
    logger.info('erasure', {
      by: subject.userId !== undefined && subject.anonymousId !== undefined ? 'userId+anonymousId' : subject.userId !== undefined ? 'userId' : 'anonymousId',
      source: subject.source ?? null,
      ...erased,
      linkedAnonymousIds: linked.length,
      ...(forwarded === undefined ? {} : { deliveriesDeleted: forwarded.deliveriesDeleted, deletionMessages: forwarded.deletionMessages.length }),
    });
    return c.json(forwarded === undefined ? { erased } : { erased, destinations: forwarded });
  });
  return routes;
}

/** Ids linked to one erasure, followed through alias chains: at most this many. */
const MAX_LINKED_IDS = 100_000;

/**
 * Every id linked to `userId`, and, for a linked id that is itself a userId (an alias from an
 * old userId to this one), every id linked to that one, and so on (a → b → c: erasing c finds
 * b, then a). Bounded by MAX_LINKED_IDS so a pathological graph cannot make it unbounded.
 */
async function linkedIds(store: Store, userId: string): Promise<string[]> {
  if (!store.linkedAnonymousIds) return [];
  const seen = new Set<string>([userId]);
  const found: string[] = [];
  let level = [userId];
  while (level.length > 0) {
    const next: string[] = [];
    for (const id of level) {
      for (const linked of await store.linkedAnonymousIds(id)) {
        if (seen.has(linked)) continue;
        seen.add(linked);
        found.push(linked);
        next.push(linked);
        if (found.length >= MAX_LINKED_IDS) return found;
      }
    }
    // Only a userId has ids linked to it (an older account aliased to it): one lookup for the
    // level instead of a query per anonymous id, which can have none.
    level = store.readPeople ? [...(await userIdsAmong(store, next))] : next;
  }
  return found;
}

/** The ids among `ids` that are userIds of a person (people keeps one row per userId seen). */
async function userIdsAmong(store: Store, ids: readonly string[]): Promise<Set<string>> {
  const users = new Set<string>();
  if (!store.readPeople) return users;
  for (let i = 0; i < ids.length; i += 1000) {
    for (const person of await store.readPeople(ids.slice(i, i + 1000).map(userPerson))) if (person.userId !== null) users.add(person.userId);
  }
  return users;
}

function readSubject(body: unknown): ErasureSubject {
  if (!isPlainObject(body)) throw httpError(400, ERROR_CODES.invalidBody, 'body must be a JSON object {userId?, anonymousId?, source?}');
  const subject: ErasureSubject = {};
  for (const key of ['userId', 'anonymousId', 'source'] as const) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || value === '') throw httpError(400, ERROR_CODES.invalidBody, `${key} must be a non-empty string`);
    subject[key] = value;
  }
  const unknown = Object.keys(body).filter((key) => !['userId', 'anonymousId', 'source'].includes(key));
  if (unknown.length > 0) throw httpError(400, ERROR_CODES.invalidBody, `unknown field ${unknown[0]}; expected userId, anonymousId, source`);
  if (subject.userId === undefined && subject.anonymousId === undefined) {
    throw httpError(400, ERROR_CODES.invalidBody, 'name a userId or an anonymousId to erase');
  }
  return subject;
}
