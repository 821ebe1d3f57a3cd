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
import type { QueuedEvent, TrackerDeps, TransportResponse } from './types.js';

/** Requests stay this far under the collector's limit (its count and ours may differ slightly). */
const BATCH_BUDGET = MAX_REQUEST_BYTES - 20 * 1024;
/**
 * Events tracked within this many ms go to the queue in one write. An IndexedDB transaction
 * costs hundreds of µs of main thread in Chromium (a put in an open one far less), so clicks
 * and the events they set off share one; a crash in that window is the only way to lose them
 * (a navigation or a closed tab goes through the page-exit send, which also writes at once).
 */
const WRITE_WINDOW = 100;
/** This page's events kept in memory for the page-exit send, envelope excluded. */
const EXIT_BUDGET = KEEPALIVE_BUDGET_BYTES - 1024;

const ok = (status: number) => status > 199 && status < 300;

/**
 * Moves events from the tracker to the collector: buffers each task's events into one queue
 * write, sends in batches (count / interval triggers, byte budgets, one tab at a time),
 * deletes only after a 2xx, retries with backoff (paused offline, capped in time), keeps the
 * queue within its limits, and sends from memory with keepalive when the page goes away.
 * Every loss is reported.
 */
export function createSender(options: ResolvedOptions, deps: TrackerDeps, report: (error: unknown) => void) {
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
  let recentBytes = 0;
  // The newest event a page-exit send carried: the next one sends only what came after it.
  let exited = '';
  let waiting = 0;
  let timerAt = 1 / 0;
  let attempt = 0;
  // Ms the head batch has waited on retries in this page: capped by maxRetryTime.
  let retried = 0;
  let blockedUntil = 0;
  // Events per request: the byte budget usually binds first. A 413 halves it.
  let batchEvents = 100;

  const body = (events: QueuedEvent[], budget: number) =>
    buildBatchBody(events, new Date(clock.now()).toISOString(), options.writeKey, budget);

  function enqueue(json: string, id: string) {
    const event = { id, json, bytes: byteLength(json) };
    if (event.bytes > MAX_EVENT_BYTES) throw new CairnError('event_too_large', `${id}: ${event.bytes} bytes`);
    if (buffer.push(event) == 1) clock.setTimeout(commit, WRITE_WINDOW);
    recent.push(event);
    for (recentBytes += event.bytes; recentBytes > EXIT_BUDGET; ) recentBytes -= recent.shift()!.bytes;
    schedule(++waiting >= flushAt ? 0 : flushInterval);
  }

  /** Writes the buffered events to the queue (one write); resolves once they are in. */
  function commit() {
    if (buffer[0]) written = written.then(() => buffer[0] && queue.add(buffer.splice(0))).catch(report);
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

  /** One send at a time in this tab, whatever the lock does; flush() passes its `mark`. */
  function exclusive(wait: boolean, mark?: string): Promise<number> {
    const run = chain.then(() => pump(wait, mark));
    chain = run.catch(() => {});
    return run;
  }

  async function drop(ids: string[]) {
    await queue.remove(ids);
    recent = recent.filter((event) => !ids.includes(event.id));
    recentBytes = recent.reduce((sum, event) => sum + event.bytes, 0);
  }

  /** Deletes events that will never be delivered, and says so: a loss is never silent. */
  async function lose(code: CairnErrorCode, why: string, ids: string[], status?: number) {
    await drop(ids);
    report(new CairnError(code, `${ids.length} events dropped: ${why}`, status, ids.length));
    return 0;
  }

  /**
   * Sends the oldest batch. Resolves -1 when no record (up to `mark`) is left, 0 when a batch
   * was settled, or the ms to wait before trying again (backoff, offline, another tab sends).
   */
  async function pump(wait: boolean, mark?: string): Promise<number> {
    await commit();
    const blocked = blockedUntil - clock.now();
    if (blocked > 0) return blocked;
    const next = await lock(wait, async () => {
      // All of it: the limits are on the whole queue. Within them it stays small (1,000
      // events read in a few ms), and only the tab holding the lock reads it.
      const events = await queue.read();
      const over = countOverLimits(events, options, clock.now());
      if (over) await lose('events_dropped', 'queue full or expired', events.splice(0, over).map((event) => event.id));
      if (!events[0] || (mark && events[0].id > mark)) return -1;
      // Offline: no attempt, no retry time spent; the `online` event (or the next poll) resumes.
      if (!online()) return idle;
      waiting = 0;
      const batch = body(events.slice(0, batchEvents), BATCH_BUDGET);
      const { ids } = batch;
      let response: TransportResponse = { status: 0 };
      try {
        response = await transport(url, batch.body, false);
      } catch {
        // Network error: status 0, retried.
      }
      const { status } = response;
      if (status == 413 && ids[1]) {
        // The collector's limit is below ours: halve the batches, for the rest of the page.
        batchEvents = ids.length >> 1;
        return 0;
      }
      if (status && !isRetryableStatus(status)) {
        attempt = retried = 0;
        if (!ok(status)) return lose('send_failed', 'HTTP ' + status, ids, status);
        await drop(ids);
        // Rejected events sit in the collector's quarantine with their reason: done on our side.
        // The message is the collector's list: [{messageId, index, code, message}, …].
        const { rejected } = (response.body || {}) as BatchResponse;
        if (rejected?.[0]) report(new CairnError('event_rejected', JSON.stringify(rejected), status, rejected.length));
        return 0;
      }
      // The network went away during the request: that attempt does not count either.
      if (!online()) return idle;
      const delay = Math.max(
        parseRetryAfter(response.retryAfter, clock.now()),
        backoffDelay(attempt++, deps.random || Math.random, options.retryDelay),
      );
      if ((retried += delay) > options.maxRetryTime) {
        attempt = retried = 0;
        return lose('send_failed', 'retries exhausted', ids, status);
      }
      blockedUntil = clock.now() + delay;
      return delay;
    });
    return next ?? idle;
  }

  async function flush(): Promise<void> {
    // ULIDs sort by time: every record keyed up to a fresh one was queued before this call.
    const mark = deps.ids();
    try {
      for (let next; (next = await exclusive(true, mark)) >= 0; ) {
        if (next) await new Promise((resolve) => clock.setTimeout(resolve as () => void, next));
      }
    } catch (error) {
      report(error);
    }
  }

  /** The page may be going away: send this page's pending events now, from memory, with keepalive. */
  function exit() {
    commit();
    // visibilitychange and pagehide both fire on a navigation: the second finds nothing new.
    // Sending only what came after the last exit send also keeps the keepalive requests in
    // flight together within the browser's 64 KiB.
    const events = recent.filter((event) => event.id > exited);
    if (!events[0]) return;
    exited = events[events.length - 1]!.id;
    const batch = body(events, KEEPALIVE_BUDGET_BYTES);
    // Records stay queued until acknowledged; if a normal send repeats one, the collector's
    // dedup on messageId absorbs the copy.
    transport(url, batch.body, true)
      .then((response) => {
        if (ok(response.status)) return drop(batch.ids);
      })
      .catch(() => {});
  }

  deps.onPageExit?.(exit);
  deps.onOnline?.(() => schedule(0));
  // Events left by earlier page loads go out soon after start-up.
  schedule(flushInterval);

  return { enqueue, flush };
}
