import { ERROR_CODES, type RejectedEvent } from '@cairn/protocol';
import { isPlainObject } from '../json/is-plain-object.js';
import { serializeJson } from '../json/serialize-json.js';
import type { EventRow, QuarantineRow } from '../store/store.js';
import { isIdText } from './check-envelope.js';
import { clientTimeText } from './client-time.js';
import { deriveMessageId } from './derive-message-id.js';
import { formatTimestamp } from './parse-timestamp.js';
import { isRejection, reject, type Draft, type IngestContext, type Rejection, type Stage } from './stage.js';
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
  // Kept on quarantine rows so a replay corrects clock skew with it, as this ingest did.
  const sentAt = context.sentAt === undefined || context.sentAt === null ? null : clientTimeText(context.sentAt);
  const outcome: PipelineOutcome = { events: [], quarantined: [], rejected: [] };
  for (let index = 0; index < items.length; index++) {
    const received = items[index];
    const rawJson = texts?.[index] ?? serializeJson(received);
    let result: Draft | Rejection;
    let last: Draft | undefined;
    // The rejection is built only for a non-object: two allocations per event saved.
    if (!isPlainObject(received)) result = reject(ERROR_CODES.invalidEvent, 'event must be a JSON object');
    else {
      result = { index, received, rawJson, event: received };
      for (const stage of stages) {
        last = result;
        const out = stage.run(result, context);
        // Most stages are synchronous: awaiting their plain result would still cost a
        // microtask turn per stage and event, a measurable share of ingest throughput.
        result = out instanceof Promise ? await out : out;
        if (isRejection(result)) break;
      }
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
  for (const stage of stages) stage.flush?.();
  return outcome;
}

function clientMessageId(received: unknown): string | undefined {
  if (!isPlainObject(received)) return undefined;
  // Only an id the store can hold as sent: a NUL in it would fail the quarantine insert.
  const { messageId } = received;
  return isIdText(messageId) ? messageId : undefined;
}
