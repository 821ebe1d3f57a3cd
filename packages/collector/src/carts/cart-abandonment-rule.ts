import { CART_ABANDONED_EVENT, MAX_EVENT_BYTES } from '@cairn/protocol';
import { utf8Length } from '../json/utf8-length.js';
import { describeError, type Logger } from '../logger.js';
import type { EventRow, Store } from '../store/store.js';
import { CART_EVENTS, type AbandonedCart } from './detect-abandoned-carts.js';

/** The SDK's default `cartIdle` (packages/browser/src/commerce/cart-watch.ts CART_IDLE): 30 minutes. */
export const DEFAULT_CART_IDLE_MS = 1_800_000;
/** How often the rule runs by default. */
export const DEFAULT_CART_CHECK_INTERVAL_MS = 60_000;
/** How far back cart events are read: carts idle longer than this are not reported. */
const DEFAULT_LOOKBACK_MS = 7 * 86_400_000;
/** Events stamped a little ahead of this clock (client clocks, another instance's) still count. */
const FUTURE_SLACK_MS = 86_400_000;

export interface CartAbandonmentOptions {
  store: Store;
  logger: Logger;
  /** A cart untouched this long is abandoned; default the SDK's (30 minutes). */
  idleMs?: number;
  /** Time between runs; default one minute. */
  intervalMs?: number;
  /** How far back carts are looked for; default 7 days. */
  lookbackMs?: number;
  /** Rows per fetch where the store reads in chunks (PostgreSQL's cursor); every row is read whatever this is. */
  chunkRows?: number;
  /**
   * This process's erasure count (watchErasures): a pass during which an erasure ran writes
   * nothing, so no report is built from the erased person's rows; the next pass looks again.
   */
  erasures?: () => number;
  now?: () => number;
}

export interface CartAbandonment {
  /** One pass now: resolves with how many Cart Abandoned were stored and how many were already there. Never rejects. */
  runOnce(): Promise<{ reported: number; duplicates: number }>;
  stop(): void;
}

/**
 * The collector-side abandoned-cart rule, for visitors who never come back (the SDK reports an
 * abandoned cart only on the visitor's next page): every `intervalMs` it streams every cart
 * event of the lookback through the cart rule (store.findAbandonedCarts: memory holds the open
 * carts, never the events), finds carts with products, no checkout or order, untouched for `idleMs` and not yet
 * reported, and stores one "Cart Abandoned" per cart `{cart_id, products, value, currency,
 * minutes_idle, detected_by: "collector"}`. Its messageId is the cart's
 * cartAbandonedMessageId, the one the SDK's report of the same cart is stored under, so the
 * dedup on (source, messageId) keeps one whoever reports first, and several collectors on one
 * PostgreSQL database can all run the rule.
 *
 * @example
 * const carts = startCartAbandonment({ store, logger });
 * // on shutdown: carts.stop();
 */
export function startCartAbandonment(options: CartAbandonmentOptions): CartAbandonment {
  const now = options.now ?? Date.now;
  const idleMs = options.idleMs ?? DEFAULT_CART_IDLE_MS;
  const lookbackMs = Math.max(options.lookbackMs ?? DEFAULT_LOOKBACK_MS, idleMs * 2);
  let running: Promise<{ reported: number; duplicates: number }> | undefined;
  const runOnce = () =>
    (running ??= (async () => {
      try {
        if (options.store.findAbandonedCarts === undefined) return { reported: 0, duplicates: 0 };
        const at = now();
        const erasuresBefore = options.erasures?.();
        // Every cart event of the lookback is streamed through the rule (no row limit: a limit
        // on the oldest-first read silently dropped the newest carts under load).
        const due = await options.store.findAbandonedCarts({
          events: CART_EVENTS,
          from: new Date(at - lookbackMs).toISOString(),
          to: new Date(at + FUTURE_SLACK_MS).toISOString(),
          now: at,
          idleMs,
          ...(options.chunkRows === undefined ? {} : { chunkRows: options.chunkRows }),
        });
        if (due.length === 0) return { reported: 0, duplicates: 0 };
        const erasuresAfter = options.erasures?.();
        if (erasuresBefore !== erasuresAfter || erasuresAfter === -1) {
          options.logger.info('cart abandonment skipped: an erasure ran during the scan; the carts are looked at again next run', { carts: due.length });
          return { reported: 0, duplicates: 0 };
        }
        // An erasure starting now still covers the report: it reads the events table to its
        // end after each chunk, rows written meanwhile included.
        const receivedAt = new Date(at).toISOString();
        const result = await options.store.write({ events: due.map((cart) => toEventRow(cart, receivedAt)), quarantined: [] });
        options.logger.info('cart abandonment', { reported: result.inserted.length, duplicates: result.duplicates.length });
        return { reported: result.inserted.length, duplicates: result.duplicates.length };
      } catch (error) {
        options.logger.error('cart abandonment failed', { error: describeError(error) });
        return { reported: 0, duplicates: 0 };
      } finally {
        running = undefined;
      }
    })());
  const timer = setInterval(() => void runOnce(), options.intervalMs ?? DEFAULT_CART_CHECK_INTERVAL_MS);
  (timer as { unref?: () => void }).unref?.();
  return { runOnce, stop: () => clearInterval(timer) };
}

/**
 * The stored row of a reported cart: a track "Cart Abandoned" as the SDK sends it, marked
 * `properties.detected_by: "collector"` and `context.library.name: "@cairn/collector"`.
 *
 * @example
 * toEventRow(cart, new Date().toISOString()).messageId // cartAbandonedMessageId(cart.cartId)
 */
export function toEventRow(cart: AbandonedCart, receivedAt: string): EventRow {
  const eventWith = (products: Record<string, unknown>[], omitted: number) => ({
    type: 'track',
    event: CART_ABANDONED_EVENT,
    messageId: cart.messageId,
    timestamp: cart.timestamp,
    ...(cart.anonymousId === null ? {} : { anonymousId: cart.anonymousId }),
    ...(cart.userId === null ? {} : { userId: cart.userId }),
    properties: {
      cart_id: cart.cartId,
      products,
      ...(omitted > 0 ? { products_omitted: omitted } : {}),
      value: cart.value,
      ...(cart.currency === undefined ? {} : { currency: cart.currency }),
      minutes_idle: cart.minutesIdle,
      detected_by: 'collector',
    },
    context: { library: { name: '@cairn/collector' } },
  });
  const kept = cart.products.slice(0, linesThatFit(cart, eventWith));
  const event = eventWith(kept, cart.products.length - kept.length);
  return {
    source: cart.source,
    messageId: cart.messageId,
    type: 'track',
    event: CART_ABANDONED_EVENT,
    name: null,
    anonymousId: cart.anonymousId,
    userId: cart.userId,
    timestamp: cart.timestamp,
    originalTimestamp: null,
    sentAt: null,
    receivedAt,
    raw: JSON.stringify(event),
    normalized: null,
  };
}

/**
 * How many of the cart's first lines fit in MAX_EVENT_BYTES, the limit of any ingested event:
 * each line is a whole "Product Added" (up to 32 KB), so a cart of many distinct products would
 * otherwise be one event of megabytes, sent on to every destination. `value` still counts every
 * line; `products_omitted` says how many were left out.
 */
function linesThatFit(cart: AbandonedCart, eventWith: (products: Record<string, unknown>[], omitted: number) => object): number {
  // The worst case of the envelope: every line omitted, so the count has the most digits.
  let bytes = utf8Length(JSON.stringify(eventWith([], cart.products.length)));
  let fit = 0;
  for (const line of cart.products) {
    bytes += utf8Length(JSON.stringify(line)) + (fit > 0 ? 1 : 0);
    if (bytes > MAX_EVENT_BYTES) break;
    fit++;
  }
  return fit;
}
