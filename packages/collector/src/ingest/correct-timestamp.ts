import { ERROR_CODES } from '@cairn/protocol';
import { withNotes } from './cairn-notes.js';
import { clientTimeText, parseClientTime, readSentAt, type ClientTime } from './client-time.js';
import { DEFAULT_INGEST_RULES, type TimestampRules } from './ingest-rules.js';
import { formatTimestamp } from './parse-timestamp.js';
import type { RuleMetrics } from './rule-metrics.js';
import { reject, type Draft, type IngestContext, type Stage } from './stage.js';

const DAY_MS = 86_400_000;
/** Corrections smaller than this are network latency, not a wrong clock: not counted as skew. */
const SKEW_COUNTED_FROM_MS = 1000;
/** The minimal pipeline's rules: every format, skew corrected, no range check. */
const UNBOUNDED: TimestampRules = { ...DEFAULT_INGEST_RULES.timestamps, maxFutureSeconds: Infinity, maxAgeDays: Infinity };

/**
 * Sets the stored `timestamp`: the client's time (`timestamp`, else Segment's
 * `originalTimestamp`; ISO 8601 with any offset, epoch seconds or milliseconds) in UTC,
 * corrected for the client's clock skew when a `sentAt` is known:
 * `timestamp = receivedAt − (sentAt − clientTime)`. Both client times come from the same
 * (possibly wrong) clock, so their difference is trustworthy while each alone is not.
 * No client time: the server's receive time. An unparseable `sentAt` only disables the
 * correction (it is envelope metadata, not the event). A corrected time far ahead of the
 * receive time or implausibly old is flagged (`context.cairn.flags`) or quarantined.
 *
 * @example
 * // receivedAt 12:00:10Z, sentAt 09:00:05Z, timestamp 09:00:00Z → stored 12:00:05.000Z
 * const stage = createTimestampStage(() => rules.timestamps, ruleMetrics(metrics));
 */
export function createTimestampStage(rules: () => TimestampRules = () => UNBOUNDED, counters?: RuleMetrics): Stage {
  return {
    name: 'correct-timestamp',
    run(draft, context) {
      const settings = rules();
      const clientValue = firstPresent(draft.event.timestamp, draft.event.originalTimestamp);
      if (clientValue === undefined) return { ...draft, timestamp: receivedText(context) };
      const client = parseClientTime(clientValue, settings.epoch);
      if (client === undefined) {
        return reject(ERROR_CODES.invalidEvent, 'timestamp must be an ISO-8601 date-time string' + (settings.epoch ? ' or epoch seconds/milliseconds' : ''));
      }
      const sentAt = settings.skewCorrection ? sentAtFor(draft.event.sentAt, context, settings.epoch) : undefined;
      const skew = sentAt ? sentAt.time.ms - context.receivedAt : 0;
      const corrected = client.ms - skew;
      const timestamp = formatTimestamp(corrected);
      if (timestamp === undefined) {
        return reject(ERROR_CODES.invalidEvent, 'timestamp corrected by sentAt falls outside the years 0000–9999');
      }
      if (client.format !== 'iso_utc') counters?.add('timestampsNormalized', context.source, 1, ['format', client.format]);
      if (Math.abs(skew) >= SKEW_COUNTED_FROM_MS) counters?.add('skewCorrected', context.source);
      let next: Draft = {
        ...draft,
        timestamp,
        originalTimestamp: clientTimeText(clientValue),
        sentAt: sentAt ? clientTimeText(sentAt.value) : undefined,
        timeFormat: client.format,
      };
      const flag =
        corrected > context.receivedAt + settings.maxFutureSeconds * 1000
          ? 'timestamp_in_future'
          : corrected < context.receivedAt - settings.maxAgeDays * DAY_MS
            ? 'timestamp_too_old'
            : undefined;
      if (flag) {
        counters?.add('timestampsFlagged', context.source, 1, ['flag', flag]);
        if (settings.outOfRange === 'quarantine') {
          const bound = flag === 'timestamp_in_future' ? `${settings.maxFutureSeconds} s ahead of` : `${settings.maxAgeDays} days before`;
          return reject(ERROR_CODES.invalidEvent, `timestamp ${timestamp} is more than ${bound} the time it was received (${receivedText(context)})`);
        }
        next = withNotes(next, { flags: [flag] });
      }
      return next;
    },
  };
}

/** The minimal pipeline's timestamp stage (no range check, no counters). */
export const correctTimestamp: Stage = createTimestampStage();

/** The receive time as text, formatted once per request rather than once per event. */
const receivedTexts = new WeakMap<IngestContext, string>();

function receivedText(context: IngestContext): string {
  let text = receivedTexts.get(context);
  if (text === undefined) {
    text = formatTimestamp(context.receivedAt) ?? new Date().toISOString();
    receivedTexts.set(context, text);
  }
  return text;
}

/** The batch's sentAt, parsed once per request rather than once per event. */
const batchSentAt = new WeakMap<IngestContext, { value: unknown; time: ClientTime } | null>();

/** The sentAt to correct with: the event's own when it is a client time, else the batch's (see readSentAt). */
function sentAtFor(own: unknown, context: IngestContext, epoch: boolean): { value: unknown; time: ClientTime } | undefined {
  if (own !== undefined && own !== null) {
    const time = readSentAt(own, epoch);
    if (time) return time;
  }
  let batch = batchSentAt.get(context);
  if (batch === undefined) {
    batch = readSentAt(context.sentAt, epoch) ?? null;
    batchSentAt.set(context, batch);
  }
  return batch ?? undefined;
}

// Two fixed arguments, not rest + find: no array and no closure per event.
function firstPresent(first: unknown, second: unknown): unknown {
  if (first !== undefined && first !== null) return first;
  return second !== undefined && second !== null ? second : undefined;
}
