import { describe, expect, it } from 'vitest';
import { useBrowserRigs } from './helpers/browser-rigs.js';
import { signIn, startConsoleCollector, type ConsoleCollector } from './helpers/console-rig.js';

interface Rig {
  collector: ConsoleCollector;
  dispose(): Promise<void>;
}
const rigs = useBrowserRigs<Rig>();

// Yesterday (UTC): event times are in the past, as the SDK sends them; the range runs to
// tomorrow so that it also holds the receive times (now) the data-quality numbers count by.
const DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const TOMORROW = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
/** Known answers: 6 stored events (2 of them resent), 1 rejected. */
const at = (time: string) => `${DAY}T${time}:00.000Z`;
const ctx = (device: string, consent: Record<string, boolean>, campaign?: Record<string, string>) => ({
  device: { type: device },
  consent: { categoryPreferences: consent },
  ...(campaign ? { campaign } : {}),
});
const EVENTS = [
  { type: 'track', event: 'Product Added', messageId: 'e1', userId: 'u1', anonymousId: 'a1', timestamp: at('09:10'), properties: { product_id: 'p' }, context: ctx('mobile', { analytics: true, marketing: true }, { source: 'newsletter', medium: 'email', name: 'spring' }) },
  { type: 'track', event: 'Product Added', messageId: 'e2', anonymousId: 'a2', timestamp: at('09:40'), properties: { product_id: 'p' }, context: ctx('mobile', { analytics: true, marketing: false }, { source: 'google', medium: 'cpc', gclid: 'Cj0K' }) },
  { type: 'track', event: 'Order Completed', messageId: 'e3', userId: 'u1', anonymousId: 'a1', timestamp: at('10:05'), context: ctx('desktop', { analytics: true, marketing: false }) },
  { type: 'page', name: 'Home', messageId: 'e4', anonymousId: 'a3', timestamp: at('10:30'), context: ctx('tablet', { analytics: true, marketing: false }, { source: 'facebook', fbclid: 'IwAR' }) },
  { type: 'track', event: 'Product Added', messageId: 'e5', userId: 'u2', anonymousId: 'a4', timestamp: at('14:00'), properties: { product_id: 'p' }, context: ctx('desktop', { analytics: true, marketing: false }) },
  { type: 'identify', messageId: 'e6', userId: 'u2', anonymousId: 'a4', timestamp: at('14:01'), context: ctx('desktop', { analytics: true, marketing: true }) },
];

describe('the overview in Chromium', () => {
  it('draws every chart with the numbers of the seeded events, and the same numbers as tables', async () => {
    const { collector } = await rigs.hold(
      startConsoleCollector({ mode: 'allow' }).then((collector) => ({ collector, dispose: () => collector.dispose() })),
    );
    expect(await collector.send(EVENTS)).toMatchObject({ accepted: 6 });
    expect(await collector.send(EVENTS.slice(0, 2))).toMatchObject({ duplicates: 2 });
    expect(await collector.send([{ type: 'track', messageId: 'no-name', timestamp: at('11:00') }])).toMatchObject({ rejected: [{ code: 'invalid_event' }] });

    const context = await rigs.browser().newContext({ viewport: { width: 1280, height: 1800 } });
    rigs.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, collector.url);
    await page.goto(`${collector.url}/console#overview?from=${DAY}T00:00:00.000Z&to=${TOMORROW}T00:00:00.000Z`);
    await page.waitForSelector('figure[data-chart="quality"] canvas');

    const chart = async (id: string) => {
      const figure = page.locator(`figure[data-chart="${id}"]`);
      // uPlot drew on a canvas of a real size: the chart is there, not only its data.
      const size = await figure.locator('canvas').evaluate((canvas) => [(canvas as HTMLCanvasElement).width, (canvas as HTMLCanvasElement).height]);
      expect(size[0]).toBeGreaterThan(100);
      expect(size[1]).toBeGreaterThan(100);
      return JSON.parse((await figure.getAttribute('data-series')) ?? '') as { x?: string[]; labels?: string[]; series: { values: number[] }[] };
    };
    const table = (id: string) =>
      page.locator(`table[data-table="${id}"] tbody tr`).evaluateAll((rows) => rows.map((row) => Array.from(row.querySelectorAll('td'), (td) => td.textContent)));

    const time = await chart('events-over-time');
    expect(time.x).toHaveLength(48);
    const byHour = Object.fromEntries((time.x ?? []).slice(0, 24).map((x, i) => [x.slice(11, 13), time.series[0]?.values[i]]));
    expect(byHour).toMatchObject({ '08': 0, '09': 2, '10': 2, '11': 0, '14': 2 });
    expect(time.series[0]?.values.reduce((a, b) => a + b, 0)).toBe(6);
    expect((await table('events-over-time')).filter((row) => row[1] !== '0')).toEqual([[`${DAY} 09:00`, '2'], [`${DAY} 10:00`, '2'], [`${DAY} 14:00`, '2']]);

    expect(await chart('top-events')).toMatchObject({ labels: ['Product Added', 'identify: (unnamed)', 'page: Home', 'Order Completed'], series: [{ values: [3, 1, 1, 1] }] });
    expect((await table('top-events'))[0]).toEqual(['track', 'Product Added', '3']);
    expect(await chart('devices')).toMatchObject({ labels: ['desktop', 'mobile', 'tablet'], series: [{ values: [3, 2, 1] }] });
    expect(await table('devices')).toEqual([['desktop', '3'], ['mobile', '2'], ['tablet', '1']]);
    const campaigns = await table('campaigns');
    expect(campaigns).toEqual(
      expect.arrayContaining([
        ['newsletter', 'email', 'spring', '', '1'],
        ['google', 'cpc', '', 'google', '1'],
        ['facebook', '', '', 'meta', '1'],
      ]),
    );
    expect((await chart('campaigns')).series[0]?.values).toEqual([1, 1, 1]);
    expect(await chart('consent')).toMatchObject({ labels: ['analytics', 'marketing'], series: [{ values: [100, 33.3] }] });
    expect(await table('consent')).toEqual([['analytics', '6', '0', '100.0 %'], ['marketing', '2', '4', '33.3 %']]);
    expect(await chart('quality')).toMatchObject({ labels: ['accepted', 'duplicates', 'rejected'], series: [{ values: [6, 2, 1] }] });
    expect(await table('quality')).toEqual([['accepted', '6', '66.7 %'], ['duplicates', '2', '22.2 %'], ['rejected', '1', '11.1 %']]);
    const metric = (id: string) => page.locator(`[data-metric="${id}"] strong`).textContent();
    expect(await metric('users')).toBe('2');
    expect(await metric('anonymousIds')).toBe('4');
    expect(await metric('events')).toBe('6');
  });
});
