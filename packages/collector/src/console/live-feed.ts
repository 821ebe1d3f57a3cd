import type { ConsoleReads, EventCursor, EventSummary } from './console-reads.js';

export interface LiveFeedOptions {
  reads: Pick<ConsoleReads, 'eventsSince'>;
  /** How often the store is polled while someone listens; default 1,000 ms. */
  intervalMs?: number;
  /**
   * Events are read again this far behind the newest one seen (default 3,000 ms): a write that
   * took a receive time before another's but committed after it (group commit, another
   * collector instance on PostgreSQL) still shows; what was shown already is skipped.
   */
  lateMs?: number;
  /** Rows per read; a poll reads at most 10 pages, the rest comes on the next one. */
  pageSize?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

/** A stream of stored events for the live view, shared by every listener. */
export interface LiveFeed {
  /** Calls `listener` with each batch of newly stored events; returns the unsubscribe. */
  subscribe(listener: (events: EventSummary[]) => void): () => void;
  /** Polls soon (this instance just stored events): the view updates without waiting a tick. */
  wake(): void;
  readonly listeners: number;
  close(): void;
}

/**
 * Polls the store by received time while someone listens. Polling the store, rather than
 * hearing this instance's writes, is what makes events stored by the other collector
 * instances on the same PostgreSQL database appear too; `wake()` makes local ones immediate.
 *
 * @example
 * const feed = createLiveFeed({ reads });
 * const stop = feed.subscribe((events) => send(events));
 */
export function createLiveFeed(options: LiveFeedOptions): LiveFeed {
  const intervalMs = options.intervalMs ?? 1000;
  const lateMs = options.lateMs ?? 3000;
  const pageSize = options.pageSize ?? 500;
  const now = options.now ?? Date.now;
  const listeners = new Set<(events: EventSummary[]) => void>();
  /** Keys shown, with their receive time, kept for the lateness window. */
  const seen = new Map<string, number>();
  let newest = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let polling: Promise<void> | undefined;
  let closed = false;

  const schedule = (delay: number) => {
    if (closed || listeners.size === 0) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      polling ??= poll().finally(() => {
        polling = undefined;
        schedule(intervalMs);
      });
    }, delay);
    timer.unref?.();
  };

  async function poll(): Promise<void> {
    try {
      let after: EventCursor = { receivedAt: new Date(Math.max(0, newest - lateMs)).toISOString(), source: '', messageId: '' };
      for (let page = 0; page < 10; page++) {
        const rows = await options.reads.eventsSince({ after, limit: pageSize });
        const fresh: EventSummary[] = [];
        for (const row of rows) {
          const key = `${row.source}\u0000${row.messageId}`;
          const at = Date.parse(row.receivedAt);
          if (seen.has(key)) continue;
          seen.set(key, at);
          if (at > newest) newest = at;
          fresh.push(row);
        }
        if (fresh.length > 0) for (const listener of listeners) listener(fresh);
        const last = rows[rows.length - 1];
        if (!last || rows.length < pageSize) break;
        after = { receivedAt: last.receivedAt, source: last.source, messageId: last.messageId };
      }
      for (const [key, at] of seen) if (at < newest - lateMs) seen.delete(key);
    } catch (error) {
      options.onError?.(error);
    }
  }

  return {
    subscribe(listener) {
      if (listeners.size === 0) {
        // A new listener wants what is stored from now on; the first page comes from listEvents.
        newest = Math.max(newest, now());
        seen.clear();
      }
      listeners.add(listener);
      schedule(0);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer !== undefined) {
          clearTimeout(timer);
          timer = undefined;
        }
      };
    },
    wake: () => {
      if (listeners.size > 0 && polling === undefined) schedule(50);
    },
    get listeners() {
      return listeners.size;
    },
    close: () => {
      closed = true;
      listeners.clear();
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
