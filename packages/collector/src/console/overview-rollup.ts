import { CLICK_ID_PLATFORMS } from '../analytics/click-id-platforms.js';
import { parsedContextOf, PARSED_CONTEXT } from '../ingest/to-event-row.js';
import { isPlainObject } from '../json/is-plain-object.js';
import type { EventRow } from '../store/store.js';

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

/** The columns of an event that its `overview_people` rows come from. */
export type PeopleColumns = Pick<EventRow, 'source' | 'userId' | 'anonymousId' | 'timestamp'>;

/**
 * Adds the ids of one stored event to `people` (keyed by kind, month, source and id), with the
 * bit of the event's day: the one definition of an `overview_people` row, shared by the
 * PostgreSQL rollup and SQLite's fold. An empty id is no one.
 *
 * @example
 * const people = new Map<string, PersonRow>();
 * addPeopleOf(people, { source: 'web', userId: 'u1', anonymousId: 'a1', timestamp: '2024-06-03T10:00:00.000Z' });
 * // people.size → 2; each entry's days → 4 (bit 2: the 3rd)
 */
export function addPeopleOf(people: Map<string, PersonRow>, row: PeopleColumns): void {
  const month = row.timestamp.slice(0, 7);
  const dayBit = 2 ** (Number(row.timestamp.slice(8, 10)) - 1);
  const seen = (kind: 'u' | 'a', id: string) => {
    const key = keyOf(kind, month, row.source, id);
    const entry = people.get(key);
    if (entry) entry.days |= dayBit;
    else people.set(key, { kind, month, source: row.source, id, days: dayBit });
  };
  if (row.userId !== null && row.userId !== '') seen('u', row.userId);
  if (row.anonymousId !== null && row.anonymousId !== '') seen('a', row.anonymousId);
}

/** What a {@link RollupAccumulator} leaves out. */
export interface RollupDeltaOptions {
  /** `false`: no `people` rows (the SQLite overview counts the unfolded events' ids from their columns). */
  people?: boolean;
}

/** The only event columns the rollup reads (the context from `normalized ?? raw`, or parsed). */
export type RollupColumns = Pick<EventRow, 'source' | 'type' | 'event' | 'name' | 'timestamp' | 'receivedAt' | 'raw' | 'normalized' | 'userId' | 'anonymousId'>;

/** Counts of stored events (and resends) gathered over one or many writes; see {@link createRollupAccumulator}. */
export interface RollupAccumulator {
  /** Counts stored events. */
  add(inserted: readonly RollupColumns[]): void;
  /** Counts resends (refused duplicates) in their receive hour. */
  addDuplicates(duplicates: readonly Pick<EventRow, 'source' | 'receivedAt'>[]): void;
  /** Everything counted so far, one entry per key, sorted by key. */
  delta(): RollupDelta;
}

/**
 * Gathers the overview's deltas of stored rows (and resends), one entry per key. Keys and
 * counts only: no property value, no payload (DESIGN.md). A resend only counts in
 * `overview_received.duplicates` of its receive hour. PostgreSQL builds one per write; SQLite
 * keeps one across the writes of a fold, and one for the not-yet-folded events an overview reads.
 *
 * @example
 * const rollup = createRollupAccumulator();
 * rollup.add(insertedRows);
 * rollup.delta().hourly[0] // → { source: 'shop', hour: '2024-06-01T12', type: 'track', label: 'Product Added', device: 'mobile', events: 3 }
 */
export function createRollupAccumulator(options: RollupDeltaOptions = {}): RollupAccumulator {
  const hourly = new Map<string, HourlyRow>();
  const received = new Map<string, ReceivedRow>();
  const campaigns = new Map<string, CampaignRow>();
  const consent = new Map<string, ConsentRow>();
  const people = new Map<string, PersonRow>();
  const withPeople = options.people !== false;
  const countReceived = (row: Pick<EventRow, 'source' | 'receivedAt'>, accepted: number, duplicates: number): ReceivedRow => {
    const hour = row.receivedAt.slice(0, 13);
    const key = keyOf(row.source, hour);
    let entry = received.get(key);
    if (entry) {
      entry.accepted += accepted;
      entry.duplicates += duplicates;
    } else received.set(key, (entry = { source: row.source, hour, accepted, duplicates }));
    return entry;
  };
  // Events that follow each other are mostly alike (a browser's batch: one visitor, one page,
  // one hour), so each table first compares with the entry the previous event counted in: no
  // key string built, no map lookup, for most events (this runs at ingest).
  let lastHourly: HourlyRow | undefined;
  let lastReceived: ReceivedRow | undefined;
  let lastCampaign: CampaignRow | undefined;
  let lastConsent: ConsentMemo | undefined;

  const addOne = (row: RollupColumns) => {
    const context = contextOf(row);
    const hour = row.timestamp.slice(0, 13);
    const label = row.type === 'track' ? (row.event ?? '') : (row.name ?? '');
    const device = deviceOf(context);
    const h = lastHourly;
    if (h && h.hour === hour && h.source === row.source && h.type === row.type && h.label === label && h.device === device) {
      h.events++;
    } else {
      const key = keyOf(row.source, hour, row.type, label, device);
      lastHourly = hourly.get(key);
      if (lastHourly) lastHourly.events++;
      else hourly.set(key, (lastHourly = { source: row.source, hour, type: row.type, label, device, events: 1 }));
    }
    if (lastReceived && lastReceived.source === row.source && row.receivedAt.slice(0, 13) === lastReceived.hour) lastReceived.accepted++;
    else lastReceived = countReceived(row, 1, 0);
    const campaign = campaignOf(context);
    if (campaign) {
      const c = lastCampaign;
      if (c && c.hour === hour && c.source === row.source && c.utmSource === campaign.utmSource && c.utmMedium === campaign.utmMedium
        && c.utmCampaign === campaign.utmCampaign && c.adPlatform === campaign.adPlatform) {
        c.events++;
      } else {
        const key = keyOf(row.source, hour, campaign.utmSource, campaign.utmMedium, campaign.utmCampaign, campaign.adPlatform);
        lastCampaign = campaigns.get(key);
        if (lastCampaign) lastCampaign.events++;
        else campaigns.set(key, (lastCampaign = { source: row.source, hour, ...campaign, events: 1 }));
      }
    }
    lastConsent = countConsent(consent, context, row.source, hour, lastConsent);
    if (withPeople) addPeopleOf(people, row);
  };

  return {
    add(inserted) {
      for (const row of inserted) addOne(row);
    },
    addDuplicates(duplicates) {
      for (const row of duplicates) countReceived(row, 0, 1);
    },
    delta: () => ({ hourly: sorted(hourly), received: sorted(received), campaigns: sorted(campaigns), consent: sorted(consent), people: sorted(people) }),
  };
}

/**
 * Folds the rows one write stored (and the resends it refused) into the overview's deltas, one
 * entry per key, sorted by key so that concurrent PostgreSQL writers lock rows in one order.
 *
 * @example
 * const delta = buildRollupDelta(insertedRows, duplicateRows);
 * // delta.hourly[0] → { source: 'shop', hour: '2024-06-01T12', type: 'track', label: 'Product Added', device: 'mobile', events: 3 }
 */
export function buildRollupDelta(inserted: readonly RollupColumns[], duplicates: readonly Pick<EventRow, 'source' | 'receivedAt'>[], options: RollupDeltaOptions = {}): RollupDelta {
  const rollup = createRollupAccumulator(options);
  rollup.add(inserted);
  rollup.addDuplicates(duplicates);
  return rollup.delta();
}

/** The consent entries the previous event counted in, by position (see the memo above). */
interface ConsentMemo {
  source: string;
  hour: string;
  entries: ConsentRow[];
}

/** Adds an event's consent stamp (at most 20 categories) to the per-hour grant counts. */
function countConsent(consent: Map<string, ConsentRow>, context: Record<string, unknown>, source: string, hour: string, memo: ConsentMemo | undefined): ConsentMemo | undefined {
  const stamp = context.consent;
  const preferences = isPlainObject(stamp) ? stamp.categoryPreferences : undefined;
  if (!isPlainObject(preferences)) return memo;
  const previous = memo !== undefined && memo.source === source && memo.hour === hour ? memo.entries : [];
  const entries: ConsentRow[] = [];
  for (const name in preferences) {
    if (!Object.hasOwn(preferences, name)) continue;
    const value = preferences[name];
    // A bounded number of categories per event: a client cannot grow the table without limit.
    if (typeof value !== 'boolean') continue;
    if (entries.length === 20) break;
    const category = name.slice(0, 64);
    let entry = previous[entries.length];
    if (entry?.category !== category) {
      const key = keyOf(source, hour, category);
      entry = consent.get(key);
      if (!entry) consent.set(key, (entry = { source, hour, category, granted: 0, denied: 0 }));
    }
    if (value) entry.granted++;
    else entry.denied++;
    entries.push(entry);
  }
  return { source, hour, entries };
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
function contextOf(row: RollupColumns): Record<string, unknown> {
  if (PARSED_CONTEXT in row) {
    const context = parsedContextOf(row as unknown as EventRow);
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
