import type { Draft, IngestContext, Stage } from '../ingest/stage.js';
import { isPlainObject } from '../json/is-plain-object.js';
import { serializeJson } from '../json/serialize-json.js';
import { applyIpMode, type IpMode } from './ip.js';

/** IP handling of the collector (`createCollector({ privacy })`). */
export interface IpOptions {
  /** What is kept of an address (see IpMode). Default `truncate`. */
  ip?: IpMode;
  /**
   * Record the request's address as `context.ip` (after `ip`) on events that carry none.
   * Default false: it lands in the event's normalized copy, and a second copy of every
   * browser event costs more storage than most sites want for a coarse location. The Node
   * entry resolves IPv6 addresses to their /64, so `full` keeps no more than that.
   */
  recordIp?: boolean;
}

/**
 * Applies the IP mode to `context.ip`. Server libraries forward their end user's address
 * there; under `truncate` or `drop` that address is rewritten in everything stored, the raw
 * event included (the one edit the raw JSON gets: the setting promises that no full address is
 * kept). It runs before any rule that could quarantine the event, so a quarantined copy is
 * covered too. With `recordIp`, events without `context.ip` get the request's address.
 *
 * @example
 * // {"type":"track","event":"Order Completed","context":{"ip":"203.0.113.77"}}
 * // → stored as {"type":"track","event":"Order Completed","context":{"ip":"203.0.113.0"}}
 */
export function createIpStage(options: IpOptions = {}): Stage {
  const mode = options.ip ?? 'truncate';
  return {
    name: 'privacy-ip',
    run(draft: Draft, context: IngestContext): Draft {
      let next = draft;
      const sent = draft.received.context;
      if (mode !== 'full' && isPlainObject(sent) && 'ip' in sent) {
        // Not a string: it cannot be shown to hold no full address, so it goes.
        const kept = typeof sent.ip === 'string' ? applyIpMode(sent.ip, mode) : undefined;
        const received = withIp(draft.received, kept);
        const event = draft.event === draft.received ? received : withIp(draft.event, kept);
        next = { ...draft, received, rawJson: serializeJson(received), event };
      }
      const current = next.event.context;
      if (options.recordIp && context.clientIp !== undefined && !(isPlainObject(current) && 'ip' in current)) {
        const ip = applyIpMode(context.clientIp, mode);
        if (ip !== undefined) next = { ...next, event: withIp(next.event, ip) };
      }
      return next;
    },
  };
}

/** A copy of `event` with `context.ip` set to `ip`, or removed when `ip` is undefined. */
function withIp(event: Record<string, unknown>, ip: string | undefined): Record<string, unknown> {
  const context: Record<string, unknown> = { ...(isPlainObject(event.context) ? event.context : {}) };
  if (ip === undefined) delete context.ip;
  else context.ip = ip;
  return { ...event, context };
}
