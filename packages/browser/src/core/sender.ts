import {
  BATCH_PATH,
  KEEPALIVE_BUDGET_BYTES,
  MAX_EVENT_BYTES,
  MAX_REQUEST_BYTES,
  isRetryableStatus,
  type BatchResponse,
} from '@cairn/protocol';
import { buildBatchBody, byteLength } from './batch-body.js';
import { CairnError } from './cairn-error.js';
import type { ResolvedOptions } from './options.js';
import { backoffDelay, parseRetryAfter } from './retry.js';
import type { QueuedEvent, TrackerDeps, TransportResponse } from './types.js';

/** Requests stay this far under the collector's limit (its count and ours may differ slightly). */
const BATCH_BUDGET = MAX_REQUEST_BYTES - 20 * 1024;
/** Records read from the queue per request; the byte budget usually binds first. */
const READ_LIMIT = 100;
/** This page's events kept in memory for the page-exit send, envelope excluded. */
const EXIT_BUDGET = KEEPALIVE_BUDGET_BYTES - 1024;

const ok = (status: number) => status > 199 && status < 300;

/**
 * Moves events from the tracker to the collector: buffers each task's events into one queue
 * write, sends in batches (count / interval triggers, one tab at a time), deletes only after
 * a 2xx, retries with backoff, and sends from memory with keepalive when the page goes away.
 */
export function createSender(options: ResolvedOptions, deps: TrackerDeps, report: (error: unknown) => void) {
  const { queue, transport, clock, lock } = deps;
  const { writeKey, flushAt, flushInterval } = options;
  const url = options.endpoint + BATCH_PATH;
  let buffer: QueuedEvent[] = [];
  let written: Promise<unknown> = Promise.resolve();
  let chain = written;
  // This page's unacknowledged events, oldest first: the page-exit send cannot wait for IndexedDB.
  let recent: (QueuedEvent & { bytes: number })[] = [];
  let exited: unknown;
  let waiting = 0;
  let timerAt = 1 / 0;
  let attempt = 0;
  let blockedUntil = 0;

  const body = (events: QueuedEvent[], budget: number) =>
    buildBatchBody(events, new Date(clock.now()).toISOString(), writeKey, budget);

  function enqueue(json: string, id: string) {
    const bytes = byteLength(json);
    if (bytes > MAX_EVENT_BYTES) throw new CairnError('event_too_large', `${id}: ${bytes} bytes`);
    const event = { id, json };
    // A put costs ~40 µs of main thread in Chromium: every event of this task goes in one write.
    if (buffer.push(event) == 1) {
      written = written
        .then(() => queue.add(buffer.splice(0)))
        .catch(report);
    }
    recent.push({ id, json, bytes });
    while (recent.reduce((sum, event) => sum + event.bytes + 1, 0) > EXIT_BUDGET) recent.shift();
    schedule(++waiting >= flushAt ? 0 : flushInterval);
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
  }

  /**
   * Sends the oldest batch. Resolves -1 when no record (up to `mark`) is left, 0 when a batch
   * was settled, or the ms to wait before trying again (backoff, or another tab is sending).
   */
  async function pump(wait: boolean, mark?: string): Promise<number> {
    await written;
    const blocked = blockedUntil - clock.now();
    if (blocked > 0) return blocked;
    const next = await lock(wait, async () => {
      const events = await queue.read(READ_LIMIT);
      if (!events[0] || (mark && events[0].id > mark)) return -1;
      waiting = 0;
      const batch = body(events, BATCH_BUDGET);
      let response: TransportResponse = { status: 0 };
      try {
        response = await transport(url, batch.body, false);
      } catch {
        // Network error: status 0, retried.
      }
      const { status } = response;
      if (status && !isRetryableStatus(status)) {
        attempt = 0;
        await drop(batch.ids);
        if (!ok(status)) report(new CairnError('send_failed', `HTTP ${status}, ${batch.ids.length} events dropped`, status));
        // Rejected events sit in the collector's quarantine with their reason: done on our side.
        // The message is the collector's list: [{messageId, index, code, message}, …].
        const { rejected } = (response.body || {}) as BatchResponse;
        if (rejected && rejected[0]) report(new CairnError('event_rejected', JSON.stringify(rejected)));
        return 0;
      }
      const delay = Math.max(parseRetryAfter(response.retryAfter, clock.now()), backoffDelay(attempt++, deps.random || Math.random));
      blockedUntil = clock.now() + delay;
      return delay;
    });
    return next ?? flushInterval + 100;
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
    const newest = recent[recent.length - 1];
    // visibilitychange and pagehide both fire on a navigation: nothing new, nothing to send.
    if (!newest || newest == exited) return;
    exited = newest;
    const batch = body(recent, KEEPALIVE_BUDGET_BYTES);
    // Records stay queued until acknowledged; if a normal send repeats one, the collector's
    // dedup on messageId absorbs the copy.
    transport(url, batch.body, true)
      .then((response) => {
        if (ok(response.status)) return drop(batch.ids);
      })
      .catch(() => {});
  }

  if (deps.onPageExit) deps.onPageExit(exit);
  // Events left by earlier page loads go out soon after start-up.
  schedule(flushInterval);

  return { enqueue, flush };
}
