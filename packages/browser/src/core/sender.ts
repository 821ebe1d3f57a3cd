import {
  BATCH_PATH,
  KEEPALIVE_BUDGET_BYTES,
  MAX_EVENT_BYTES,
  MAX_REQUEST_BYTES,
  isRetryableStatus,
  type BatchResponse,
} from '@cairn/protocol';
import { buildBatchBody, byteLength } from './batch-body.js';
import { CairnError, type CairnErrorCode } from './cairn-error.js';
import type { ResolvedOptions } from './options.js';
import { countOverLimits } from './queue-limits.js';
import { backoffDelay, parseRetryAfter } from './retry.js';
import type { Lock, QueuedEvent, TrackerDeps, TransportResponse } from './types.js';
import { ulidTime } from './ulid-time.js';

/** Requests stay this far under the collector's limit (its count and ours may differ slightly). */
const BATCH_BUDGET = MAX_REQUEST_BYTES - 20 * 1024;
/**
 * Most events per request. `flushAt` only says when to start sending: a drain then empties the
 * queue in requests as large as this and the byte budget allow, so a burst of 2,000 events
 * costs four requests, not a hundred (each one costs milliseconds of main thread in Chromium).
 */
const BATCH_EVENTS = 500;
/**
 * Events tracked within this many ms go to the queue in one write. An IndexedDB transaction
 * costs hundreds of µs of main thread in Chromium whatever its size, so clicks and the events
 * they set off share one; a crash in that window is the only way to lose them (a navigation or
 * a closed tab goes through the page-exit send, which also writes at once).
 */
const WRITE_WINDOW = 100;
/** This page's events kept in memory for the page-exit send, envelope excluded. */
const EXIT_BUDGET = KEEPALIVE_BUDGET_BYTES - 1024;
/**
 * Without a cross-tab lock each tab sends the events it wrote, and those of other tabs only
 * once they are this old (ms): their tab is gone, or stuck in a retry. Two tabs may then both
 * send such an event; the collector's dedup on messageId stores it once.
 */
const ORPHAN_AGE = 30_000;

const ok = (status: number) => status > 199 && status < 300;

/** The newest of `events` (oldest first) whose sizes, and a comma each, fit in EXIT_BUDGET. */
function newest(events: QueuedEvent[], size: (event: QueuedEvent) => number) {
  let keep = events.length;
  for (let bytes = 0; keep && (bytes += size(events[keep - 1]!) + 1) <= EXIT_BUDGET; ) keep--;
  return events.slice(keep);
}
/** Where there is no lock to take, this tab just runs. */
const unlocked: Lock = (_wait, fn) => fn();

/**
 * Moves events from the tracker to the collector: buffers each burst's events into one queue
 * write, drains the queue when `flushAt` events wait or `flushInterval` passed (in batches as
 * large as the byte budget allows, one tab at a time, holding the lock for the whole drain),
 * deletes only after a 2xx, retries with backoff (paused offline, capped in time), keeps the
 * queue within its limits, and sends from memory with keepalive when the page goes away.
 * Every loss is reported.
 */
export function createSender(options: ResolvedOptions, deps: TrackerDeps, report: (error: unknown, code?: CairnErrorCode, status?: number, count?: number) => void) {
  const { queue, transport, clock, lock, online = () => true } = deps;
  const { flushAt, flushInterval } = options;
  const url = options.endpoint + BATCH_PATH;
  // The wait when there is nothing to do now but may be later: another tab sends, offline.
  const idle = flushInterval + 100;
  let buffer: QueuedEvent[] = [];
  let written: Promise<unknown> = Promise.resolve();
  let chain = written;
  // This page's unacknowledged events, oldest first, within EXIT_BUDGET: the page-exit send
  // cannot wait for IndexedDB.
  let recent: QueuedEvent[] = [];
  // Without a lock: the ids of this page's events not yet acknowledged, the ones it sends.
  const mine = new Set<string>();
  // The newest event a page-exit send carried: the next one sends only what came after it.
  let exited = '';
  let waiting = 0;
  let timerAt = 1 / 0;
  let attempt = 0;
  // Ms the head batch has waited on retries in this page: capped by maxRetryTime.
  let retried = 0;
  let blockedUntil = 0;
  // A 413 halves it, for the rest of the page.
  let batchEvents = BATCH_EVENTS;

  const body = (events: QueuedEvent[], budget: number) =>
    buildBatchBody(events, budget, options.writeKey, clock.now());

  function enqueue(json: string, id: string) {
    // Measured now only if it may be over the limit (a UTF-16 unit is at most 3 UTF-8 bytes),
    // so the caller hears of it at once; the others when their batch is encoded (bytes 0:
    // not measured yet).
    const bytes = json.length * 3 > MAX_EVENT_BYTES ? byteLength(json) : 0;
    if (bytes > MAX_EVENT_BYTES) throw new CairnError('event_too_large', id);
    const burst = buffer;
    // A drain may write the burst first: then its timer, finding another burst, leaves that
    // one to its own timer (else every burst would be cut in pieces, a write each).
    if (burst.push({ id, json, bytes }) == 1) clock.setTimeout(() => burst == buffer && commit(), WRITE_WINDOW);
    schedule(++waiting >= flushAt ? 0 : flushInterval);
  }

  /** Writes the buffered events to the queue (one write); resolves once they are in. */
  function commit() {
    const events = buffer;
    if (events[0]) {
      buffer = [];
      if (!lock) for (const event of events) mine.add(event.id);
      // By length, a lower bound of the UTF-8 size: exit() measures what it sends.
      recent = newest(recent.concat(events), (event) => event.json.length);
      written = written.then(() => queue.add(events)).catch(report);
    }
    return written;
  }

  /** Arms the send timer `ms` from now unless it fires sooner already; never inside a backoff. */
  function schedule(ms: number) {
    const at = Math.max(clock.now() + ms, blockedUntil);
    if (at < timerAt) {
      timerAt = at;
      clock.setTimeout(() => {
        if (at != timerAt) return; // superseded by a sooner timer
        timerAt = 1 / 0;
        exclusive(false).then((next) => next < 0 || schedule(next), report);
      }, at - clock.now());
    }
  }

  /** Runs `step` after the drains and purges before it: one at a time in this tab, whatever the lock does. */
  function serial<T>(step: () => Promise<T>): Promise<T> {
    const run = chain.then(step);
    chain = run.catch(() => {});
    return run;
  }
  /** flush() passes its `mark`. */
  const exclusive = (wait: boolean, mark?: string) => serial(() => drain(wait, mark));

  async function drop(events: QueuedEvent[]) {
    if (!events[0]) return;
    await written; // a page-exit send may be answered before its events were even written
    await queue.remove(events);
    const ids = new Set(events.map((event) => event.id));
    recent = recent.filter((event) => !ids.has(event.id));
    ids.forEach((id) => mine.delete(id));
  }

  /**
   * Sends the queue (up to `mark`) batch after batch under one hold of the lock. Resolves -1
   * once none is left, else the ms to wait before trying again (backoff, offline, another tab
   * sends, another tab's events too young to be taken over).
   */
  async function drain(wait: boolean, mark?: string): Promise<number> {
    waiting = 0;
    await commit();
    const blocked = blockedUntil - clock.now();
    if (blocked > 0) return blocked;
    const next = await (lock || unlocked)(wait, async () => {
      // All of it: the limits are on the whole queue. Within them it stays small (1,000
      // events read in a few ms), and only the tab holding the lock reads it.
      let events = await queue.read();
      // Acknowledged or lost events, deleted together when the drain ends (still under the
      // lock): removing part of a record rewrites it, so one removal per batch would cost a
      // burst's record as many rewrites as it has batches.
      let done: QueuedEvent[] = [];
      try {
        const over = countOverLimits(events, options, clock.now());
        // A loss is never silent: every event that will never be delivered is reported.
        if (over) report('queue limits', 'events_dropped', undefined, (done = events.splice(0, over)).length);
        let skipped = events.length;
        const orphan = ulidTime(clock.now() - ORPHAN_AGE);
        if (!lock) events = events.filter((event) => mine.has(event.id) || event.id < orphan);
        skipped -= events.length;
        for (;;) {
          // Other tabs' young events skipped: look again once they would count as left behind.
          if (!events[0] || (mark && events[0].id > mark)) return mark || !skipped ? -1 : ORPHAN_AGE;
          // Offline: no attempt, no retry time spent; the `online` event (or the next poll) resumes.
          if (!online()) return idle;
          const batch = body(events.slice(0, batchEvents), BATCH_BUDGET);
          let response: TransportResponse = { status: 0 };
          try {
            response = await transport(url, batch.body, false);
          } catch {
            // Network error: status 0, retried.
          }
          const { status } = response;
          if (status == 413 && batch.count > 1) {
            // The collector's limit is below ours: halve the batches.
            batchEvents = batch.count >> 1;
            continue;
          }
          const retry = !status || isRetryableStatus(status);
          if (retry) {
            // The network went away during the request: that attempt does not count either.
            if (!online()) return idle;
            const delay = Math.max(
              parseRetryAfter(response.retryAfter, clock.now()),
              backoffDelay(attempt++, deps.random || Math.random, options.retryDelay),
            );
            if ((retried += delay) <= options.maxRetryTime) {
              blockedUntil = clock.now() + delay;
              return delay;
            }
          }
          attempt = retried = 0;
          done = done.concat(events.splice(0, batch.count));
          if (!ok(status)) report(retry ? 'retries' : 'HTTP ' + status, 'send_failed', status, batch.count);
          // Rejected events sit in the collector's quarantine with their reason: done on our side.
          // The message is the collector's list: [{messageId, index, code, message}, …].
          const rejected = (response.body as BatchResponse | undefined)?.rejected;
          if (rejected?.[0]) report(JSON.stringify(rejected), 'event_rejected', status, rejected.length);
        }
      } finally {
        await drop(done);
      }
    });
    return next ?? idle;
  }

  async function flush(): Promise<void> {
    // ULIDs sort by time: every event with an id up to a fresh one was queued before this call.
    const mark = deps.ids();
    try {
      for (let next; (next = await exclusive(true, mark)) >= 0; ) {
        if (next) await new Promise((resolve) => clock.setTimeout(resolve as () => void, next));
      }
    } catch (error) {
      report(error);
    }
  }

  /**
   * Deletes the queued events `keep` refuses (consent withdrawn), from memory at once (a
   * page-exit send must not carry them) and from the queue, after any drain in progress.
   */
  function purge(keep: (event: QueuedEvent) => boolean) {
    commit();
    recent = recent.filter(keep);
    return serial(async () => drop((await queue.read()).filter((event) => !keep(event))));
  }

  /** The page may be going away: send this page's pending events now, from memory, with keepalive. */
  function exit() {
    commit();
    // visibilitychange and pagehide both fire on a navigation: the second finds nothing new.
    // Sending only what came after the last exit send also keeps the keepalive requests in
    // flight together within the browser's 64 KiB.
    const events = newest(
      recent.filter((event) => event.id > exited),
      (event) => (event.bytes ||= byteLength(event.json)),
    );
    if (!events[0]) return;
    exited = events[events.length - 1]!.id;
    const batch = body(events, KEEPALIVE_BUDGET_BYTES);
    // Events stay queued until acknowledged; if a normal send repeats one, the collector's
    // dedup on messageId absorbs the copy.
    transport(url, batch.body, true)
      .then((response): unknown => ok(response.status) && drop(events.slice(0, batch.count)))
      .catch(() => {});
  }

  deps.onPageExit?.(exit);
  deps.onOnline?.(() => schedule(0));
  // Events left by earlier page loads go out soon after start-up.
  schedule(flushInterval);

  return { enqueue, flush, purge };
}
