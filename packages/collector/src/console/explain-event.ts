import { isPlainObject } from '../json/is-plain-object.js';
import type { StoredEvent } from './console-reads.js';

/** One thing the ingest pipeline did to an event, in words and data. */
export interface PipelineStep {
  /** `clock_skew`, `defaults`, `currency`, `canonical_name`, `consent`, `ip`, `flags`, `violations`. */
  step: string;
  summary: string;
  detail?: unknown;
}

/**
 * What the pipeline did to a stored event, read from its columns, its raw JSON and the notes
 * the rules left in the normalized JSON (`context.cairn`, see cairn-notes.ts): the console's
 * event detail shows it beside raw and normalized.
 *
 * @example
 * explainEvent(row) // [{ step: 'canonical_name', summary: 'renamed "add to cart" to "Product Added"', … }]
 */
export function explainEvent(row: StoredEvent, ipMode: string = 'truncate'): PipelineStep[] {
  const raw = parseObject(row.raw);
  const normalized = row.normalized === null ? undefined : parseObject(row.normalized);
  const notes = normalized && isPlainObject(normalized.context) && isPlainObject(normalized.context.cairn) ? normalized.context.cairn : {};
  const steps: PipelineStep[] = [];

  const sent = row.originalTimestamp === null ? NaN : Date.parse(row.originalTimestamp);
  const stored = Date.parse(row.timestamp);
  if (!Number.isNaN(sent) && sent !== stored) {
    const ms = stored - sent;
    steps.push({
      step: 'clock_skew',
      summary: `timestamp corrected by ${ms > 0 ? '+' : ''}${(ms / 1000).toFixed(3)} s for the client's clock (sent ${row.originalTimestamp}, sentAt ${row.sentAt ?? 'absent'}, received ${row.receivedAt})`,
      detail: { originalTimestamp: row.originalTimestamp, sentAt: row.sentAt, receivedAt: row.receivedAt, timestamp: row.timestamp, correctionMs: ms },
    });
  }
  if (typeof notes.originalEvent === 'string') {
    steps.push({ step: 'canonical_name', summary: `event name "${notes.originalEvent}" mapped to its canonical name "${row.event ?? ''}"`, detail: { from: notes.originalEvent, to: row.event } });
  }
  if (Array.isArray(notes.defaults) && notes.defaults.length > 0) {
    steps.push({ step: 'defaults', summary: `filled from the plan's defaults: ${notes.defaults.join(', ')}`, detail: notes.defaults });
  }
  if (isPlainObject(notes.currency)) {
    const { from, to, rate } = notes.currency;
    steps.push({ step: 'currency', summary: `amounts converted from ${String(from)} to ${String(to)} at ${String(rate)} (kept beside the originals as *_base)`, detail: notes.currency });
  }
  const consent = raw && isPlainObject(raw.context) && isPlainObject(raw.context.consent) ? raw.context.consent.categoryPreferences : undefined;
  steps.push(
    isPlainObject(consent)
      ? { step: 'consent', summary: `stamped at capture: ${Object.entries(consent).map(([k, v]) => `${k} ${v === true ? 'granted' : 'denied'}`).join(', ')}`, detail: consent }
      : { step: 'consent', summary: 'no stamp (context.consent.categoryPreferences absent)' },
  );
  // The privacy stage rewrites context.ip in raw too (the full address is never stored), so
  // the step is told from the configured mode and what is stored.
  const storedIp = (normalized ?? raw) && isPlainObject((normalized ?? raw)?.context) ? ((normalized ?? raw)?.context as Record<string, unknown>).ip : undefined;
  if (ipMode === 'drop') steps.push({ step: 'ip', summary: 'IP address dropped before storage (ip mode drop)' });
  else if (typeof storedIp === 'string') {
    steps.push({
      step: 'ip',
      summary: ipMode === 'full' ? `IP address ${storedIp} kept in full (ip mode full)` : `IP address truncated to ${storedIp} before storage (IPv4 /24, IPv6 /48); the full address is never stored`,
      detail: { mode: ipMode, stored: storedIp },
    });
  }
  if (Array.isArray(notes.flags) && notes.flags.length > 0) steps.push({ step: 'flags', summary: `data-quality flags: ${notes.flags.join(', ')}`, detail: notes.flags });
  if (Array.isArray(notes.violations) && notes.violations.length > 0) {
    steps.push({ step: 'violations', summary: `${notes.violations.length} tracking-plan violation(s) tagged (allow mode)`, detail: notes.violations });
  }
  return steps;
}

function parseObject(json: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return isPlainObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
