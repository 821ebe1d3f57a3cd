import type { OverviewResponse } from '@cairn/protocol';
import type { ConsoleApi } from '../api.js';
import { h } from '../dom.js';
import { uniqueId } from './builder-field.js';

/** Paths most definitions filter on; consent categories are added from what the store has seen. */
export const COMMON_PATHS = [
  'context.device.type',
  'context.campaign.source',
  'context.campaign.medium',
  'context.campaign.name',
  'context.campaign.gclid',
  'context.campaign.fbclid',
  'context.page.path',
  'context.consent.categoryPreferences.analytics',
  'context.consent.categoryPreferences.marketing',
  'properties.product_id',
  'properties.price',
  'properties.currency',
  'properties.cart_id',
  'properties.order_id',
  'properties.revenue',
];
/** The overview reads at most 400 days. */
const LOOKBACK_DAYS = 399;

/** The datalists behind the builders' event-name and path inputs. */
export interface Suggestions {
  events: HTMLDataListElement;
  paths: HTMLDataListElement;
}

/**
 * Fills the datalists from `GET /admin/api/overview` over the last 400 days: its top 20
 * track event names and its consent categories (the JSON API has no list of every name; a name
 * outside the top 20 can still be typed, and the preview warns about one never stored).
 *
 * @example
 * const suggestions = createSuggestions(api); root.append(suggestions.events, suggestions.paths);
 */
export function createSuggestions(api: ConsoleApi): Suggestions {
  const events = h('datalist', { id: uniqueId('event-names'), 'data-testid': 'event-names' });
  const paths = h('datalist', { id: uniqueId('paths'), 'data-testid': 'paths' });
  const fill = (list: HTMLDataListElement, values: readonly string[]) => list.replaceChildren(...values.map((value) => h('option', { value })));
  fill(paths, COMMON_PATHS);
  const now = Date.now();
  api
    .get<OverviewResponse>('/overview', { from: new Date(now - LOOKBACK_DAYS * 86_400_000).toISOString(), to: new Date(now + 3_600_000).toISOString() })
    .then((overview) => {
      const names = [...new Set(overview.topEvents.filter((e) => e.type === 'track' && e.label !== '').map((e) => e.label))].sort();
      fill(events, names);
      const categories = overview.consent.map((c) => `context.consent.categoryPreferences.${c.category}`);
      fill(paths, [...new Set([...COMMON_PATHS, ...categories])]);
    })
    .catch(() => undefined); // suggestions only: the inputs take any name
  return { events, paths };
}
