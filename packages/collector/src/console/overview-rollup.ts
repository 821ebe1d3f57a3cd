import { parsedContextOf, PARSED_CONTEXT } from '../ingest/to-event-row.js';
import { isPlainObject } from '../json/is-plain-object.js';
import type { EventRow } from '../store/store.js';

/** Click-id parameter → ad platform, as the SDK copies them into `context.campaign`. */
export const CLICK_ID_PLATFORMS: Readonly<Record<string, string>> = {
  gclid: 'google',
  gbraid: 'google',
  wbraid: 'google',
  dclid: 'google',
  fbclid: 'meta',
  msclkid: 'microsoft',
  ttclid: 'tiktok',
  li_fat_id: 'linkedin',
  twclid: 'x',
  epik: 'pinterest',
  ScCid: 'snapchat',
  rdt_cid: 'reddit',
};

/** The device types the overview splits by; anything else counts as `''` (unknown). */
const DEVICES = new Set(['mobile', 'tablet', 'desktop']);

export interface HourlyRow {
  source: string;
  hour: string;
  type: string;
  label: string;
  device: string;
  events: number;
}
/** Per source and receive hour: events stored and resends refused (data-quality rates). */
export interface ReceivedRow {
  source: string;
  hour: string;
  accepted: number;
  duplicates: number;
}
export interface CampaignRow {
  source: string;
  hour: string;
  utmSource: string;
  utmMedium: string;
  utmCampaign: string;
  adPlatform: string;
  events: number;
}
export interface ConsentRow {
  source: string;
  hour: string;
  category: string;
  granted: number;
  denied: number;
}
/** An id seen in a month ('YYYY-MM'), with a bit per day of the month it was seen on. */
export interface PersonRow {
  kind: 'u' | 'a';
  month: string;
  days: number;
  source: string;
  id: string;
}

/** What one write adds to the overview tables: counts to add, ids to insert if absent. */
export interface RollupDelta {
  hourly: HourlyRow[];
  received: ReceivedRow[];
  campaigns: CampaignRow[];
  consent: ConsentRow[];
  people: PersonRow[];
}

/**
 * Folds the rows one write stored (and the resends it refused) into the overview's deltas, one
 * entry per key, sorted by key so that concurrent PostgreSQL writers lock rows in one order.
 * Keys and counts only: no property value, no payload (DESIGN.md). A resend only counts in
 * `overview_received.duplicates` of its receive hour (a row the write's own accepted events,
 * or an earlier write in that hour, usually created already).
 *
 * @example
 * const delta = buildRollupDelta(insertedRows, duplicateRows);
 * // delta.hourly[0] → { source: 'shop', hour: '2024-06-01T12', type: 'track', label: 'Product Added', device: 'mobile', events: 3 }
 */
export function buildRollupDelta(inserted: readonly EventRow[], duplicates: readonly EventRow[]): RollupDelta {
  const hourly = new Map<string, HourlyRow>();
  const received = new Map<string, ReceivedRow>();
  const campaigns = new Map<string, CampaignRow>();
  const consent = new Map<string, ConsentRow>();
  const people = new Map<string, PersonRow>();
  const countReceived = (row: EventRow, accepted: number, duplicates: number) => {
    const hour = row.receivedAt.slice(0, 13);
    const key = keyOf(row.source, hour);
    const entry = received.get(key);
    if (entry) {
      entry.accepted += accepted;
      entry.duplicates += duplicates;
    } else received.set(key, { source: row.source, hour, accepted, duplicates });
  };

  for (const row of inserted) {
    const context = contextOf(row);
    const hour = row.timestamp.slice(0, 13);
    const month = row.timestamp.slice(0, 7);
    const dayBit = 2 ** (Number(row.timestamp.slice(8, 10)) - 1);
    const seen = (kind: 'u' | 'a', id: string) => {
      const key = keyOf(kind, month, row.source, id);
      const entry = people.get(key);
      if (entry) entry.days |= dayBit;
      else people.set(key, { kind, month, source: row.source, id, days: dayBit });
    };
    const label = row.type === 'track' ? (row.event ?? '') : (row.name ?? '');
    const device = deviceOf(context);
    const hourKey = keyOf(row.source, hour, row.type, label, device);
    const counted = hourly.get(hourKey);
    if (counted) counted.events++;
    else hourly.set(hourKey, { source: row.source, hour, type: row.type, label, device, events: 1 });
    countReceived(row, 1, 0);
    const campaign = campaignOf(context);
    if (campaign) {
      const key = keyOf(row.source, hour, campaign.utmSource, campaign.utmMedium, campaign.utmCampaign, campaign.adPlatform);
      const entry = campaigns.get(key);
      if (entry) entry.events++;
      else campaigns.set(key, { source: row.source, hour, ...campaign, events: 1 });
    }
    for (const [category, granted] of consentOf(context)) {
      const key = keyOf(row.source, hour, category);
      const entry = consent.get(key) ?? { source: row.source, hour, category, granted: 0, denied: 0 };
      if (granted) entry.granted++;
      else entry.denied++;
      consent.set(key, entry);
    }
    if (row.userId !== null && row.userId !== '') seen('u', row.userId);
    if (row.anonymousId !== null && row.anonymousId !== '') seen('a', row.anonymousId);
  }
  for (const row of duplicates) countReceived(row, 0, 1);
  return { hourly: sorted(hourly), received: sorted(received), campaigns: sorted(campaigns), consent: sorted(consent), people: sorted(people) };
}

function keyOf(...parts: string[]): string {
  // \u0001 cannot be confused with text that an id or a name carries in practice, and a
  // collision would only merge two counts, never leak a value.
  return parts.join('\u0001');
}

function sorted<T>(map: Map<string, T>): T[] {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
}

/** The event's context after the rules (normalized), else as received; `{}` if unreadable. */
function contextOf(row: EventRow): Record<string, unknown> {
  if (PARSED_CONTEXT in row) {
    const context = parsedContextOf(row);
    return isPlainObject(context) ? context : {};
  }
  const json = row.normalized ?? row.raw;
  // Most events carry a context; skipping the parse for those that don't is cheap insurance.
  if (!json.includes('"context"')) return {};
  try {
    const event: unknown = JSON.parse(json);
    return isPlainObject(event) && isPlainObject(event.context) ? event.context : {};
  } catch {
    return {};
  }
}

function deviceOf(context: Record<string, unknown>): string {
  const type = isPlainObject(context.device) ? context.device.type : undefined;
  return typeof type === 'string' && DEVICES.has(type) ? type : '';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 200) : '';
}

function campaignOf(context: Record<string, unknown>): Omit<CampaignRow, 'source' | 'hour' | 'events'> | undefined {
  const campaign = context.campaign;
  if (!isPlainObject(campaign)) return undefined;
  let adPlatform = '';
  for (const param in campaign) {
    const platform = Object.hasOwn(CLICK_ID_PLATFORMS, param) ? CLICK_ID_PLATFORMS[param] : undefined;
    if (platform !== undefined && typeof campaign[param] === 'string' && campaign[param] !== '') {
      adPlatform = platform;
      break;
    }
  }
  const row = { utmSource: text(campaign.source), utmMedium: text(campaign.medium), utmCampaign: text(campaign.name), adPlatform };
  return row.utmSource || row.utmMedium || row.utmCampaign || adPlatform ? row : undefined;
}

function consentOf(context: Record<string, unknown>): [string, boolean][] {
  const consent = context.consent;
  const preferences = isPlainObject(consent) ? consent.categoryPreferences : undefined;
  if (!isPlainObject(preferences)) return [];
  const entries: [string, boolean][] = [];
  for (const [category, value] of Object.entries(preferences)) {
    // A bounded number of categories per event: a client cannot grow the table without limit.
    if (typeof value === 'boolean' && entries.length < 20) entries.push([category.slice(0, 64), value]);
  }
  return entries;
}
