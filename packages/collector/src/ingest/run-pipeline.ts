import { ERROR_CODES, type RejectedEvent } from '@cairn/protocol';
import { isPlainObject } from '../json/is-plain-object.js';
import { serializeJson } from '../json/serialize-json.js';
import { sha256Hex } from '../json/sha256-hex.js';
import type { EventRow, QuarantineRow } from '../store/store.js';
import { isIdText } from './check-envelope.js';
import { clientTimeText, readSentAt } from './client-time.js';
import { DERIVED_ID_PREFIX, deriveMessageId } from './derive-message-id.js';
import { formatTimestamp } from './parse-timestamp.js';
import { isRejection, type Draft, type IngestContext, type Rejection, type Stage } from './stage.js';
import { toEventRow } from './to-event-row.js';

/** What one request's events became: rows to store, quarantine rows, and the client's report. */
export interface PipelineOutcome {
  events: EventRow[];
  quarantined: QuarantineRow[];
  rejected: RejectedEvent[];
}

/**
 * Runs each event through the stages independently: a bad event is quarantined with its
 * reason and never sinks the batch. Stages run in order and stop at the first rejection.
 * `texts[i]`, when given, is item i's JSON text as received (sliced from the request body):
 * it becomes the event's `raw` as is, instead of a serialization of the parsed item.
 *
 * @example
 * const outcome = await runPipeline(DEFAULT_STAGES, body.batch, { source: 'default', receivedAt: Date.now() });
 */
export async function runPipeline(
  stages: readonly Stage[],
  items: readonly unknown[],
  context: IngestContext,
  texts?: readonly string[],
): Promise<PipelineOutcome> {
  const receivedAt = formatTimestamp(context.receivedAt) ?? new Date().toISOString();
  // Kept on quarantine rows so a replay corrects clock skew with it, as this ingest did; only
  // when it is a short client time, as ingest reads it: it is copied onto every row.
  const batchSentAt = readSentAt(context.sentAt);
  const sentAt = batchSentAt === undefined ? null : clientTimeText(batchSentAt.value);
  const outcome: PipelineOutcome = { events: [], quarantined: [], rejected: [] };
  const notObjects: NotObjects = { entries: [], raws: [], at: 0 };
  let sliceStart = Date.now();
  for (let index = 0; index < items.length; index++) {
    // A large batch must not hold the thread for its whole run: /healthz, and smaller
    // requests, get a turn every few milliseconds (checked every 64 events: Date.now is cheap).
    if ((index & 63) === 63 && Date.now() - sliceStart >= YIELD_AFTER_MS) {
      await yieldToEventLoop();
      sliceStart = Date.now();
    }
    const received = items[index];
    const rawJson = texts?.[index] ?? serializeJson(received);
    if (!isPlainObject(received)) {
      collectNotObject(notObjects, outcome, index, rawJson);
      continue;
    }
    let result: Draft | Rejection = { index, received, rawJson, event: received };
    let last: Draft | undefined;
    for (const stage of stages) {
      last = result;
      const out = stage.run(result, context);
      // Most stages are synchronous: awaiting their plain result would still cost a
      // microtask turn per stage and event, a measurable share of ingest throughput.
      result = out instanceof Promise ? await out : out;
      if (isRejection(result)) break;
    }
    if (!isRejection(result)) {
      outcome.events.push(toEventRow(result, context, receivedAt));
      continue;
    }
    // The client's own id when it sent a usable one, so it can match the rejection to its event.
    const messageId = last?.messageId ?? clientMessageId(received) ?? (await deriveMessageId(received));
    const { code, message } = result.reject;
    outcome.rejected.push({ messageId, index, code, message });
    // A stage may keep less than what was received (consent refusal, IP rewrite): see Rejection.
    const raw = result.reject.raw ?? last?.rawJson ?? rawJson;
    outcome.quarantined.push({ source: context.source, messageId, receivedAt, code, reason: message, raw, sentAt });
  }
  if (notObjects.entries.length > 0) await quarantineNotObjects(notObjects, outcome, context.source, receivedAt);
  for (const stage of stages) stage.flush?.();
  return outcome;
}

/** Longest stretch of pipeline work before other requests get the thread. */
const YIELD_AFTER_MS = 8;

/** A macrotask turn (timers run on every runtime the app supports), so pending I/O is served. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The items of one request that are not JSON objects: one quarantine row holds them all. */
interface NotObjects {
  /** Their rejections, in the response already; the shared messageId is filled in at the end. */
  entries: RejectedEvent[];
  raws: string[];
  /** Where their row goes in `outcome.quarantined`: at the first one's place, in batch order. */
  at: number;
}

const NOT_OBJECT = 'event must be a JSON object';

function collectNotObject(notObjects: NotObjects, outcome: PipelineOutcome, index: number, rawJson: string): void {
  const entry: RejectedEvent = { messageId: '', index, code: ERROR_CODES.invalidEvent, message: NOT_OBJECT };
  if (notObjects.entries.length === 0) notObjects.at = outcome.quarantined.length;
  notObjects.entries.push(entry);
  notObjects.raws.push(rawJson);
  outcome.rejected.push(entry);
}

/**
 * One quarantine row per request for its non-object items (`{"batch":[0,0,…]}` would
 * otherwise buy a row, a hash and an insert per item). A single one is kept as sent; several
 * are kept as a JSON array of them, the reason naming their positions. Their rejections all
 * carry the row's messageId, a hash of that text, so a resend gets the same id.
 */
async function quarantineNotObjects(notObjects: NotObjects, outcome: PipelineOutcome, source: string, receivedAt: string): Promise<void> {
  const { entries, raws } = notObjects;
  const single = entries.length === 1;
  if (!single) {
    // Brackets on the ends, so join makes the array's text flat in one allocation (a template
    // around it would be copied once more when hashed: up to a whole request each time).
    raws[0] = `[${raws[0] as string}`;
    raws[raws.length - 1] = `${raws[raws.length - 1] as string}]`;
  }
  const raw = single ? (raws[0] as string) : raws.join(',');
  // Hashed as sent: they are no events, so no canonical form to compute (a second copy of
  // up to a whole request, serialized again).
  const messageId = DERIVED_ID_PREFIX + (await sha256Hex(raw));
  for (const entry of entries) entry.messageId = messageId;
  const shown = entries.slice(0, 20).map((entry) => entry.index).join(', ');
  const reason = single
    ? NOT_OBJECT
    : `${entries.length} items of the batch are not JSON objects (positions ${shown}${entries.length > 20 ? ', …' : ''}); raw holds them as a JSON array`;
  outcome.quarantined.splice(notObjects.at, 0, { source, messageId, receivedAt, code: ERROR_CODES.invalidEvent, reason, raw });
}

function clientMessageId(received: unknown): string | undefined {
  if (!isPlainObject(received)) return undefined;
  // Only an id the store can hold as sent: a NUL in it would fail the quarantine insert.
  const { messageId } = received;
  return isIdText(messageId) ? messageId : undefined;
}
