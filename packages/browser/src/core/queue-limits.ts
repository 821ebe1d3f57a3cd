import { byteLength } from './batch-body.js';
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
 * (UTF-8 bytes of their JSON, measured here if not yet) and are younger than `queueTtl` (read from the
 * ULID key, so no JSON is parsed). Dropping the oldest keeps what the user did last, which is
 * what a marketer acts on (a cart, a checkout), and it keeps the queue in capture order.
 *
 * @example
 * countOverLimits(await queue.read(), options, Date.now()) // 0 when within the limits
 */
export function countOverLimits(events: QueuedEvent[], limits: QueueLimits, now: number): number {
  const oldest = ulidTime(now - limits.queueTtl);
  // Events are measured when first sent (bytes 0 until then). Three bytes a UTF-16 unit bound
  // the rest from above: only a queue that may be over its byte limit is measured here.
  let most = 0;
  for (const event of events) most += event.bytes || 3 * event.json.length;
  if (most > limits.maxQueueBytes) for (const event of events) event.bytes ||= byteLength(event.json);
  let cut = events.length;
  for (
    let bytes = 0, event;
    (event = events[cut - 1]) &&
    events.length - cut < limits.maxQueueEvents &&
    (bytes += event.bytes) <= limits.maxQueueBytes &&
    event.id >= oldest;
    cut--
  );
  return cut;
}
