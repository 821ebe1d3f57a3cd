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
import type { Lock, QueuedEvent, TransportResponse } from './ports.js';
import { backoffDelay, parseRetryAfter } from './retry.js';
import { STASH_PREFIX } from './storage-keys.js';
import { SCRIPT_TAG, VERBOSE } from './build-flags.js';
import type { TrackerDeps } from './types.js';

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
/** Room kept for a keepalive body's envelope (`{"batch":[…],"sentAt":…,"writeKey":…}`). */
const ENVELOPE = 1024;

const ok = (status: number) => status > 199 && status < 300;

/**
 * The newest of `events` (oldest first) whose sizes, and a comma each, fit in a keepalive body
 * beside `inflight` bytes already on their way.
 */
function newest(events: QueuedEvent[], size: (event: QueuedEvent) => number, inflight = 0) {
  let keep = events.length;
  for (let bytes = inflight; keep && (bytes += size(events[keep - 1]!) + 1) <= KEEPALIVE_BUDGET_BYTES - ENVELOPE; ) keep--;
  return events.slice(keep);
}
/**
 * Where there is no lock to take (no Web Locks API: browsers before 2022, insecure origins),
 * this tab just runs: tabs then send uncoordinated, and the collector's dedup on messageId
 * stores an event two tabs both sent once.
 */
const unlocked: Lock = (_wait, fn) => fn();

/**
 * Moves events from the tracker to the collector: buffers each burst's events into one queue
 * write, drains the queue when `flushAt` events wait or `flushInterval` passed (in batches as
 * large as the byte budget allows, one tab at a time, holding the lock for the whole drain),
 * deletes only after a 2xx, keeps and retries on anything else with capped, jittered backoff
 * (paused offline), and sends from memory with keepalive when the page goes away, after
 * stashing in `storage` what IndexedDB has not confirmed. Only an acknowledgement, `queueTtl`
 * and the queue caps remove events; `keep` (consent) is asked again before every send, and
 * `purge()` deletes what it now refuses. Every loss is reported.
 */
export function createSender(
  options: ResolvedOptions,
  deps: TrackerDeps,
  report: (error: unknown, code?: CairnErrorCode, status?: number, count?: number) => void,
  keep: (json: string) => boolean = () => true,
) {
  const { queue, transport, clock, storage, online = () => true } = deps;
  // `||`: a missing API may read null, not undefined.
  const lock = deps.lock || unlocked;
  const { flushAt, flushInterval } = options;
  const url = options.endpoint + BATCH_PATH;
  // The wait when there is nothing to do now but may be later: another tab sends, offline.
  const idle = flushInterval + 100;
  let buffer: QueuedEvent[] = [];
  let written: Promise<unknown> = Promise.resolve();
  let chain = written;
  // This page's unacknowledged events, oldest first, within the keepalive budget: the
  // page-exit send cannot wait for IndexedDB.
  let recent: QueuedEvent[] = [];
  // This page's events IndexedDB has not confirmed (being written, or a queue in memory),
  // oldest first: a page exit stashes them in `storage` first.
  const unsaved = new Set<QueuedEvent>();
  // This page's stash record (named at its first exit): rewritten by each exit, deleted once
  // everything is in IndexedDB.
  let stash = '';
  // Page-exit sends in flight: their newest event (the next one sends only newer ones) and bytes.
  let flying = '';
  let inflight = 0;
  let waiting = 0;
  let timerAt = 1 / 0;
  let attempt = 0;
  let blockedUntil = 0;
  // A 413 halves it, for the rest of the page.
  let batchEvents = BATCH_EVENTS;
  // Bumped by purge(): a drain asks `keep` again before its next send.
  let epoch = 0;

  const body = (events: QueuedEvent[], budget: number) =>
    buildBatchBody(events, budget, options.writeKey, clock.now());

  function enqueue(json: string, id: string) {
    // Measured now only if it may be over the limit (a UTF-16 unit is at most 3 UTF-8 bytes),
    // so the caller hears of it at once; the others when their batch is encoded (bytes 0:
    // not measured yet).
    const bytes = json.length * 3 > MAX_EVENT_BYTES ? byteLength(json) : 0;
    if (bytes > MAX_EVENT_BYTES) throw new CairnError('event_too_large', VERBOSE ? `event ${id} is over ${MAX_EVENT_BYTES} bytes of JSON: not sent` : id);
    const burst = buffer;
    // A drain may write the burst first: then its timer, finding another burst, leaves that
    // one to its own timer (else every burst would be cut in pieces, a write each).
    if (burst.push({ id, json, bytes }) == 1) clock.setTimeout(() => burst == buffer && commit(), WRITE_WINDOW);
    schedule(++waiting >= flushAt ? 0 : flushInterval);
  }

  /**
   * Queues `events` (one write); once IndexedDB confirmed them they leave `unsaved`. `from`:
   * the stash record of an earlier page they came from, deleted once they are saved here (in
   * IndexedDB, or in `unsaved`, which this page's exit stashes again).
   */
  function save(events: QueuedEvent[], from?: string) {
    for (const event of events) unsaved.add(event);
    written = written
      .then(() => queue.add(events))
      .then((durable) => {
        if (durable) {
          for (const event of events) unsaved.delete(event);
          if (!unsaved.size && stash) storage.set(stash);
        }
        if (from) storage.set(from);
      })
      .catch(report);
  }

  /** Writes the buffered events to the queue (one write); resolves once they are in. */
  function commit() {
    const events = buffer;
    if (events[0]) {
      buffer = [];
      // By length, a lower bound of the UTF-8 size: exit() measures what it sends.
      recent = newest(recent.concat(events), (event) => event.json.length);
      save(events);
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
        exclusive(false).then(
          (next) => next < 0 || schedule(next),
          (error) => {
            // A failed drain (IndexedDB broke mid-way, a bug) is reported and tried again.
            report(error);
            schedule(idle);
          },
        );
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

  /** Forgets, in memory, the events `stay` refuses: no page-exit send or stash carries them. */
  function forget(stay: (event: QueuedEvent) => unknown) {
    recent = recent.filter(stay);
    for (const event of unsaved) if (!stay(event)) unsaved.delete(event);
  }

  async function drop(events: QueuedEvent[]) {
    if (!events[0]) return;
    await written; // a page-exit send may be answered before its events were even written
    const ids = new Set(events.map((event) => event.id));
    forget((event) => !ids.has(event.id));
    await queue.remove(events);
  }

  /**
   * Sends the queue (up to `mark`) batch after batch under one hold of the lock. Resolves -1
   * once none is left, else the ms to wait before trying again (backoff, offline, another tab
   * sends).
   */
  async function drain(wait: boolean, mark?: string): Promise<number> {
    waiting = 0;
    await commit();
    const blocked = blockedUntil - clock.now();
    if (blocked > 0) return blocked;
    const next = await lock(wait, async () => {
      // All of it: the limits are on the whole queue. Within them it stays small (1,000
      // events read in a few ms), and only the tab holding the lock reads it.
      let events = await queue.read();
      // Every read is checked against the consent in force (whatever a purge did or has yet
      // to do: earlier pages' events, a purge whose removal has not run), then again after
      // each change during the drain. keep() is free while no category is denied.
      let checked = -1;
      // Acknowledged or lost events, deleted together when the drain ends (still under the
      // lock): removing part of a record rewrites it, so one removal per batch would cost a
      // burst's record as many rewrites as it has batches.
      let done: QueuedEvent[] = [];
      try {
        // The caps bound a backlog the collector did not take (a send failed since the last
        // success), not a burst this tab has not sent yet; queueTtl always applies.
        const over = countOverLimits(events, options, clock.now(), !attempt);
        // A loss is never silent: every event that will never be delivered is reported.
        if (over) report(VERBOSE ? over + ' events dropped: queue over maxQueueEvents, maxQueueBytes or queueTtl' : '', 'events_dropped', 0, (done = events.splice(0, over)).length);
        for (;;) {
          // What consent now refuses is deleted, never sent.
          if (checked != epoch) {
            checked = epoch;
            events = events.filter((event) => keep(event.json) || !done.push(event));
          }
          if (!events[0] || (mark && events[0].id > mark)) return -1;
          // Offline: no attempt, no retry time spent; the `online` event (or the next poll) resumes.
          if (!online()) return idle;
          const batch = body(events.slice(0, batchEvents), BATCH_BUDGET);
          let response: TransportResponse = { status: 0 };
          try {
            response = await transport(url, batch.payload, false, options.timeout);
          } catch {
            // Network error or timeout: status 0, retried.
          }
          const { status } = response;
          if (status == 413 && batch.taken > 1) {
            // The collector's limit is below ours: halve the batches.
            batchEvents = batch.taken >> 1;
            continue;
          }
          if (!ok(status)) {
            // The network went away during the request: that attempt does not count.
            if (!online()) return idle;
            // Anything but an acknowledgement keeps the events: a 401 during a key rotation or
            // a 404 from a wrong endpoint must not empty the queue. Backoff caps the retries.
            report(VERBOSE ? `HTTP ${status || 'network error or timeout'} from ${url}: ${batch.taken} events kept, retried` : '', 'send_failed', status, batch.taken);
            const delay = Math.max(
              parseRetryAfter(response.retryAfter, clock.now()),
              backoffDelay(attempt++, (!SCRIPT_TAG && deps.random) || Math.random, options.retryDelay),
            );
            blockedUntil = clock.now() + delay;
            return delay;
          }
          attempt = 0;
          done.push(...events.splice(0, batch.taken));
          // Rejected events sit in the collector's quarantine with their reason: done on our side.
          // The message is the collector's list: [{messageId, index, code, message}, …].
          // The list stops at MAX_REJECTED_LISTED entries; `rejectedCount` then says how many.
          const answer = response.body as BatchResponse | undefined;
          const rejected = answer?.rejected;
          if (rejected?.[0]) report(JSON.stringify(rejected), 'event_rejected', status, answer!.rejectedCount || rejected.length);
        }
      } finally {
        await drop(done);
      }
    });
    return next ?? idle;
  }

  /**
   * Resolves once the events queued before the call are acknowledged, or once the next wait
   * (a retry, offline) would end past `timeout` ms from the call: then it reports
   * `flush_incomplete` and the events stay queued.
   */
  async function flush(): Promise<void> {
    // ULIDs sort by time: every event with an id up to a fresh one was queued before this call.
    const mark = deps.ids();
    const end = clock.now() + options.timeout;
    try {
      for (let next; (next = await exclusive(true, mark)) >= 0; ) {
        if (clock.now() + next > end) {
          // The timer takes over from here.
          schedule(next);
          return report(VERBOSE ? `flush() gave up after ${options.timeout} ms: events stay queued, sent later` : '', 'flush_incomplete');
        }
        if (next) await new Promise((resolve) => clock.setTimeout(resolve as () => void, next));
      }
    } catch (error) {
      report(error);
    }
  }

  /**
   * Consent changed: deletes the queued events `keep` now refuses, from memory at once (a
   * page-exit send must not carry them), from the queue once this burst is written, and from
   * any batch a running drain already read (it asks `keep` again before its next send).
   */
  function purge() {
    commit();
    epoch++;
    forget((event) => keep(event.json));
    return serial(async () => {
      await written;
      return drop((await queue.read()).filter((event) => !keep(event.json)));
    });
  }

  /**
   * The page may be going away: first makes this page's pending events durable (what
   * IndexedDB has not confirmed goes to `storage` at once, synchronously), then sends them
   * from memory with keepalive.
   */
  function exit() {
    commit();
    const pending = [...unsaved];
    if (pending[0] && !storage.set((stash ||= STASH_PREFIX + pending[0].id), JSON.stringify(pending))) {
      report(VERBOSE ? pending.length + ' events only in memory (no IndexedDB, storage full): lost if the page goes' : '', 'events_unsaved', 0, pending.length);
    }
    // visibilitychange and pagehide both fire on a navigation: the second sends only what the
    // first, still in flight, does not carry, within what is left of the browser's 64 KiB.
    const events = newest(
      recent.filter((event) => event.id > flying),
      (event) => (event.bytes ||= byteLength(event.json)),
      inflight,
    );
    if (!events[0]) return;
    const batch = body(events, KEEPALIVE_BUDGET_BYTES - inflight);
    const sent = events.slice(0, batch.taken);
    const last = (flying = sent[sent.length - 1]!.id);
    const size = batch.bytes;
    inflight += size;
    // Events stay queued until acknowledged, and the exit marker moves back unless they were:
    // a later exit (a tab switch, then the real exit) sends them again. If a normal send repeats
    // one, the collector's dedup on messageId absorbs the copy.
    transport(url, batch.payload, true)
      .then((response): unknown => ok(response.status) && drop(sent))
      .catch(() => {})
      .then(() => {
        inflight -= size;
        // Not at once: in a page being unloaded the browser may reject the promise of a send
        // that still goes out, and the pagehide right after the visibilitychange must not
        // repeat it. A page still alive (a tab switch) resends from its next exit on.
        clock.setTimeout(() => flying == last && (flying = ''), 1000);
      });
  }

  // Events an earlier page stashed on its way out go to the queue, before the first drain.
  for (const key of SCRIPT_TAG ? storage.keys!() : storage.keys?.() || []) {
    if (key.startsWith(STASH_PREFIX)) {
      try {
        save(JSON.parse(storage.get(key)!), key);
      } catch (error) {
        report(error);
        storage.set(key);
      }
    }
  }
  deps.onOnline?.(() => schedule(0));
  // Events left by earlier page loads go out soon after start-up.
  schedule(flushInterval);

  return { enqueue, flush, purge, exit };
}
