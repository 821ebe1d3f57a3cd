import type { QueuedEvent } from './types.js';
import { ulidTime } from './ulid-time.js';

export interface QueueLimits {
  maxQueueEvents: number;
  maxQueueBytes: number;
  queueTtl: number;
}

/**
 * How many of the oldest events (`events` is oldest first) must go for the queue to keep within
 * its limits: the newest are kept while they fit in `maxQueueEvents` and `maxQueueBytes`
 * (counted in characters of their JSON: UTF-16 units, a byte each for ASCII, so nothing is
 * encoded to count; text beyond ASCII weighs up to 3× less than its UTF-8) and are younger
 * than `queueTtl` (read from the ULID key, so no JSON is parsed). Dropping the oldest keeps what the user did last, which is
 * what a marketer acts on (a cart, a checkout), and it keeps the queue in capture order.
 * `ttlOnly`: only `queueTtl` applies (the sender's caps bound a backlog, not a burst it has
 * not tried to send yet).
 *
 * @example
 * countOverLimits(await queue.read(), options, Date.now()) // 0 when within the limits
 */
export function countOverLimits(events: QueuedEvent[], limits: QueueLimits, now: number, ttlOnly?: unknown): number {
  const oldest = ulidTime(now - limits.queueTtl);
  let cut = events.length;
  for (
    let bytes = 0, event;
    (event = events[cut - 1]) &&
    (ttlOnly || (events.length - cut < limits.maxQueueEvents && (bytes += event.json.length) <= limits.maxQueueBytes)) &&
    event.id >= oldest;
    cut--
  );
  return cut;
}
