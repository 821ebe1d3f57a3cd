import type { Draft } from './stage.js';

/** A rule the event broke without being refused (`allow` mode), with the field it names. */
export interface Violation {
  /** `event`, `properties.price`, `properties.products[0].sku` … */
  path: string;
  message: string;
}

/**
 * What the ingest rules did to an event, written to the normalized JSON as `context.cairn`
 * (a key the collector owns: a client's own `context.cairn` is replaced there, and stays in
 * `raw`). Query it, e.g. `json_extract(normalized, '$.context.cairn.violations')`.
 */
export interface CairnNotes {
  /** The event name as sent, when it was mapped to the plan's canonical name. */
  originalEvent?: string;
  /** Property keys filled from the plan's defaults. */
  defaults?: string[];
  /** The rate that gave the `*_base` amounts: 1 `from` = `rate` `to`. */
  currency?: { from: string; to: string; rate: number };
  /** Data-quality flags: `timestamp_in_future`, `timestamp_too_old`, `currency_missing`. */
  flags?: string[];
  /** Tracking-plan and money violations tagged in `allow` mode. */
  violations?: Violation[];
}

/**
 * A copy of `draft` with `notes` merged into its notes (lists appended).
 *
 * @example
 * return withNotes({ ...draft, event }, { originalEvent: 'add to cart' });
 */
export function withNotes(draft: Draft, notes: CairnNotes): Draft {
  const current = draft.notes ?? {};
  const merged: CairnNotes = { ...current, ...notes };
  for (const key of ['defaults', 'flags', 'violations'] as const) {
    const before = current[key];
    const added = notes[key];
    if (before && added) (merged as Record<string, unknown>)[key] = [...before, ...added];
  }
  return { ...draft, notes: merged };
}
