import { historyDay as day, type HistoryPerson } from './people-history.js';

/**
 * People who came from ad clicks and campaigns, beside HISTORY (testing/people-history.ts),
 * with their own event names (Deal Viewed, Deal Claimed) so HISTORY's answers stand. Known by
 * construction (HISTORY_NOW is 2026-12-06T12:00Z):
 * - henry: signed-in user on a desktop, via a Google Ads click (gclid), campaign google / cpc /
 *   winter-sale, page /deals, marketing consent granted; 2 days ago views a deal TWICE in the
 *   same millisecond (two distinct events; price the STRING "30", flag true), claims it 10
 *   minutes later.
 * - ivy: anonymous, phone, via a Meta click (fbclid), campaign facebook / paid-social /
 *   winter-sale, page /deals/boots, marketing consent denied; 1 day ago views a deal once
 *   (price the number 25, flag the NUMBER 1), never claims.
 * - kim: anonymous, desktop, via a Microsoft click (msclkid), seen only 200 days ago (May 20,
 *   2026): outside every default window.
 */
export const CONTEXT_HISTORY: readonly HistoryPerson[] = [
  {
    name: 'henry', anonymousId: 'anon-henry', userId: 'henry', device: 'desktop',
    context: {
      campaign: { source: 'google', medium: 'cpc', name: 'winter-sale', gclid: 'Cj0KCQ' },
      page: { path: '/deals' },
      consent: { categoryPreferences: { analytics: true, marketing: true } },
    },
    batches: [[
      { ago: day(2), event: 'Deal Viewed', signedIn: true, properties: { price: '30', flag: true } },
      { ago: day(2), event: 'Deal Viewed', signedIn: true, properties: { price: '30', flag: true } },
      { ago: day(2) - 10, event: 'Deal Claimed', signedIn: true },
    ]],
  },
  {
    name: 'ivy', anonymousId: 'anon-ivy', device: 'mobile',
    context: {
      campaign: { source: 'facebook', medium: 'paid-social', name: 'winter-sale', fbclid: 'IwAR0' },
      page: { path: '/deals/boots' },
      consent: { categoryPreferences: { analytics: true, marketing: false } },
    },
    batches: [[{ ago: day(1), event: 'Deal Viewed', properties: { price: 25, flag: 1 } }]],
  },
  {
    name: 'kim', anonymousId: 'anon-kim', device: 'desktop',
    context: { campaign: { source: 'bing', medium: 'cpc', msclkid: 'm-1' }, page: { path: '/deals' } },
    batches: [[{ ago: day(200), event: 'Deal Viewed', properties: { price: 12 } }]],
  },
];
