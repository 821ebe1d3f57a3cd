import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { useBrowserRigs } from './helpers/browser-rigs.js';
import { openSignedIn, startConsoleCollector, type ConsoleCollector } from './helpers/console-rig.js';

const rigs = useBrowserRigs<ConsoleCollector>();

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const phone = { device: { type: 'mobile' } };
const laptop = { device: { type: 'desktop' } };
const track = (id: string, event: string, who: { anonymousId: string; userId?: string }, minutesAgo: number, context: object, properties: object = {}) => ({
  type: 'track',
  event,
  messageId: id,
  ...who,
  timestamp: ago(minutesAgo),
  context,
  properties,
});
const identify = (id: string, userId: string, anonymousId: string, minutesAgo: number, traits: object) => ({ type: 'identify', messageId: id, userId, anonymousId, timestamp: ago(minutesAgo), traits });

/**
 * Who abandoned a cart (no Order Completed within 1 hour of Product Added, in the last 7 days)
 * and signed in on a phone in the last 7 days, by construction: Alice (anonymous add, then
 * signed in on her phone) and Erin (ordered, but 2 hours after adding). Not Bob (ordered after
 * 10 minutes), not Carol (signed in on a laptop), not Dave (added 10 days ago).
 */
const PEOPLE = [
  track('alice-add', 'Product Added', { anonymousId: 'anon-alice' }, 180, phone, { product_id: 'p1', price: 30 }),
  track('alice-in', 'Signed In', { anonymousId: 'anon-alice', userId: 'alice' }, 170, phone),
  identify('alice-id', 'alice', 'anon-alice', 169, { plan: 'pro' }),
  track('erin-add', 'Product Added', { anonymousId: 'anon-erin' }, 150, phone, { product_id: 'p2', price: 80 }),
  track('erin-in', 'Signed In', { anonymousId: 'anon-erin', userId: 'erin' }, 148, phone),
  identify('erin-id', 'erin', 'anon-erin', 147, { plan: 'free' }),
  track('erin-order', 'Order Completed', { anonymousId: 'anon-erin', userId: 'erin' }, 30, phone, { order_id: 'o2', revenue: 80 }),
  track('bob-add', 'Product Added', { anonymousId: 'anon-bob', userId: 'bob' }, 180, phone, { product_id: 'p3' }),
  track('bob-in', 'Signed In', { anonymousId: 'anon-bob', userId: 'bob' }, 179, phone),
  track('bob-order', 'Order Completed', { anonymousId: 'anon-bob', userId: 'bob' }, 170, phone, { order_id: 'o1', revenue: 10 }),
  track('carol-add', 'Product Added', { anonymousId: 'anon-carol', userId: 'carol' }, 100, laptop, { product_id: 'p4' }),
  track('carol-in', 'Signed In', { anonymousId: 'anon-carol', userId: 'carol' }, 99, laptop),
  track('dave-add', 'Product Added', { anonymousId: 'anon-dave', userId: 'dave' }, 10 * 24 * 60, phone, { product_id: 'p5' }),
  track('dave-in', 'Signed In', { anonymousId: 'anon-dave', userId: 'dave' }, 60, phone),
];

/**
 * Product Viewed → Product Added where price ≥ 50 → Order Completed, by construction:
 * viewed 5; added at ≥ 50: p1, p3, p5 (p2's was 20); ordered: p1, p5. View → add: 5, 10 and
 * 15 min (median 10 min); add → order: 20 and 40 min (median 30 min). Phones: p1, p2, p5
 * (3, 2, 2); laptops: p3, p4 (2, 1, 0).
 */
const SHOPPERS = [
  ['p1', phone, [['Product Viewed', 120], ['Product Added', 115, 80], ['Order Completed', 95]]],
  ['p2', phone, [['Product Viewed', 120], ['Product Added', 110, 20], ['Order Completed', 100]]],
  ['p3', laptop, [['Product Viewed', 120], ['Product Added', 110, 60]]],
  ['p4', laptop, [['Product Viewed', 120]]],
  ['p5', phone, [['Product Viewed', 120], ['Product Added', 105, 50], ['Order Completed', 65]]],
] as const;
const FUNNEL_SEED = SHOPPERS.flatMap(([who, context, steps]) =>
  steps.map(([event, minutes, price], i) => track(`${who}-${i}`, event, { anonymousId: `anon-${who}` }, minutes, context, price === undefined ? {} : { price })),
);

const rows = (table: Locator) => table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
/** Controls of the page without a label (a `<label>` for them, or aria-label): there should be none. */
const unlabelled = (page: Page) =>
  page.locator('main').evaluate((main) =>
    Array.from(main.querySelectorAll<HTMLInputElement>('input, select, textarea'))
      .filter((control) => control.type !== 'hidden' && (control.labels?.length ?? 0) === 0 && !control.getAttribute('aria-label'))
      .map((control) => control.outerHTML),
  );
/** The text beside a field, as a screen reader reads it: its aria-describedby. */
const describedBy = async (field: Locator) => {
  const id = await field.getAttribute('aria-describedby');
  return id ? ((await field.page().locator(`[id="${id}"]`).textContent()) ?? '') : '';
};

describe('the segment and funnel builders in Chromium, against the collector CLI', () => {
  it('a person builds the abandoned-cart-on-a-phone segment by clicking and typing, previews, saves, reloads, loads it back and exports CSV', async () => {
    const collector = await rigs.hold(startConsoleCollector({ mode: 'allow' }));
    expect(await collector.send(PEOPLE)).toMatchObject({ accepted: PEOPLE.length, rejected: [] });
    const { page, problems } = await open(collector, 'Segments');

    // The event inputs suggest the names the store has seen.
    await expect
      .poll(() => page.getByTestId('event-names').locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)))
      .toEqual(['Order Completed', 'Product Added', 'Signed In']);

    // Condition 1: Product Added, then not Order Completed within 1 hour, in the last 7 days.
    const first = page.getByRole('group', { name: 'Condition 1', exact: true });
    await first.getByLabel('Condition', { exact: true }).selectOption({ label: 'did an event, then not another' });
    await first.getByLabel('Event', { exact: true }).fill('Product Added');
    await first.getByLabel('Then not event', { exact: true }).fill('Order Completed');
    await first.getByLabel('Within', { exact: true }).fill('1');
    await first.getByLabel('Within (unit)', { exact: true }).selectOption('hours');
    await first.getByLabel('When', { exact: true }).selectOption({ label: 'in the last' });
    await first.getByLabel('In the last', { exact: true }).fill('7');
    await first.getByLabel('In the last (unit)', { exact: true }).selectOption('days');
    // Condition 2: Signed In where context.device.type = mobile, in the last 7 days.
    await page.getByRole('button', { name: 'Add condition' }).click();
    const second = page.getByRole('group', { name: 'Condition 2', exact: true });
    await expect.poll(() => second.getByLabel('Condition', { exact: true }).evaluate((el) => el === document.activeElement)).toBe(true);
    await second.getByLabel('Event', { exact: true }).fill('Signed In');
    await second.getByRole('button', { name: 'Add a filter (where …)' }).click();
    const filter = second.getByRole('group', { name: 'Filter 1', exact: true });
    await filter.getByLabel('Path', { exact: true }).fill('context.device.type');
    await filter.getByLabel('Operator', { exact: true }).selectOption({ label: '=' });
    await filter.getByLabel('Value', { exact: true }).fill('mobile');
    await page.getByLabel('Match people who meet').selectOption({ label: 'all of these conditions (AND)' });

    // The JSON view holds the definition of DESIGN.md's example, built by the form.
    await page.getByText('JSON (advanced)').click();
    expect(JSON.parse(await page.getByLabel('Segment definition (JSON)').inputValue())).toEqual({
      all: [
        { did: 'Product Added', thenNot: 'Order Completed', after: 'PT1H', within: 'P7D' },
        { did: 'Signed In', where: { 'context.device.type': 'mobile' }, within: 'P7D' },
      ],
    });

    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByTestId('segment-count').waitFor();
    expect(await page.getByTestId('segment-count').textContent(), problems.join('\n')).toBe('2 people');
    const people = await rows(page.getByRole('table', { name: 'People in the segment, latest seen first' }));
    expect(people.map(([userId, anonymousIds, traits]) => [userId, anonymousIds, traits])).toEqual([
      ['erin', 'anon-erin', 'plan: free'],
      ['alice', 'anon-alice', 'plan: pro'],
    ]);

    await page.getByLabel('Segment name').fill('abandoned-on-phone');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByTestId('notice').filter({ hasText: 'Saved segment abandoned-on-phone' }).waitFor();

    // After a reload the builder is empty again; the saved segment loads back into it.
    await page.reload();
    await page.getByRole('button', { name: 'Load abandoned-on-phone' }).click();
    await page.getByTestId('notice').filter({ hasText: 'Loaded segment abandoned-on-phone' }).waitFor();
    expect(await page.getByLabel('Segment name').inputValue()).toBe('abandoned-on-phone');
    const loaded = page.getByRole('group', { name: 'Condition 1', exact: true });
    expect(await loaded.getByLabel('Condition', { exact: true }).inputValue()).toBe('thenNot');
    expect(await loaded.getByLabel('Event', { exact: true }).inputValue()).toBe('Product Added');
    expect(await loaded.getByLabel('Then not event', { exact: true }).inputValue()).toBe('Order Completed');
    expect([await loaded.getByLabel('Within', { exact: true }).inputValue(), await loaded.getByLabel('Within (unit)', { exact: true }).inputValue()]).toEqual(['1', 'hours']);
    const loadedFilter = page.getByRole('group', { name: 'Condition 2', exact: true }).getByRole('group', { name: 'Filter 1', exact: true });
    expect([await loadedFilter.getByLabel('Path', { exact: true }).inputValue(), await loadedFilter.getByLabel('Value', { exact: true }).inputValue()]).toEqual(['context.device.type', 'mobile']);
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByTestId('segment-count').filter({ hasText: '2 people' }).waitFor();

    // Export: the browser downloads everyone in the segment, with the session cookie.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export abandoned-on-phone as CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('segment-abandoned-on-phone.csv');
    const csv = (await readFile((await download.path())!, 'utf8')).split('\r\n');
    expect(csv[0]).toBe('user_id,anonymous_ids,first_seen,last_seen,traits');
    expect(csv.slice(1, 3).map((line) => line.split(',')[0]).sort()).toEqual(['alice', 'erin']);
    expect(csv.find((line) => line.startsWith('erin,'))).toMatch(/^erin,"\[""anon-erin""\]",.*,"{""plan"":""free""}"$/);
    expect(await unlabelled(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('keeps the JSON and the builder in step both ways, and says when the JSON does not fit', async () => {
    const collector = await rigs.hold(startConsoleCollector({ mode: 'allow' }));
    const { page } = await open(collector, 'Segments');
    await page.getByText('JSON (advanced)').click();
    const json = page.getByLabel('Segment definition (JSON)');
    await json.fill('{"any":[{"not":{"did":"Order Completed","atLeast":2,"from":"2026-11-01","to":"2026-12-01"}},{"trait":"plan","equals":"pro"}]}');
    expect(await page.getByLabel('Match people who meet').inputValue()).toBe('any');
    const first = page.getByRole('group', { name: 'Condition 1', exact: true });
    expect(await first.getByLabel(/^NOT/).isChecked()).toBe(true);
    expect(await first.getByLabel('At least (times)').inputValue()).toBe('2');
    expect([await first.getByLabel('From date').inputValue(), await first.getByLabel('To date').inputValue()]).toEqual(['2026-11-01', '2026-12-01']);
    const second = page.getByRole('group', { name: 'Condition 2', exact: true });
    expect([await second.getByLabel('Trait').inputValue(), await second.getByLabel('Value', { exact: true }).inputValue()]).toEqual(['plan', 'pro']);

    // Back the other way: the builder rewrites the JSON.
    await second.getByLabel('Value', { exact: true }).fill('team');
    expect(JSON.parse(await json.inputValue()).any[1]).toEqual({ trait: 'plan', equals: 'team' });

    // Values are typed sensibly: 42 is a number unless the person says it is text.
    await second.getByLabel('Value', { exact: true }).fill('42');
    expect(JSON.parse(await json.inputValue()).any[1]).toEqual({ trait: 'plan', equals: 42 });
    await second.getByLabel('Value type').selectOption({ label: 'text' });
    expect(JSON.parse(await json.inputValue()).any[1]).toEqual({ trait: 'plan', equals: '42' });

    // A group inside a group does not fit: the builder is off and the JSON counts.
    await json.fill('{"all":[{"any":[{"did":"Signed In"},{"did":"Order Completed"}]}]}');
    expect(await page.getByTestId('json-status').textContent()).toContain('does not fit the builder');
    expect(await page.getByRole('group', { name: 'Condition 1', exact: true }).getByLabel('Condition', { exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Add condition' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByTestId('segment-count').filter({ hasText: '0 people' }).waitFor();
  });

  it('works from the keyboard alone: Tab through the fields, Enter on buttons, Enter to preview', async () => {
    const collector = await rigs.hold(startConsoleCollector({ mode: 'allow' }));
    expect(await collector.send(PEOPLE)).toMatchObject({ accepted: PEOPLE.length });
    const { page } = await open(collector, 'Segments');
    /** What the focused control is called: its label, else its text. */
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLInputElement | null;
        return (el?.labels?.[0]?.textContent ?? el?.textContent ?? '').trim();
      });
    const tabTo = async (...names: string[]) => {
      for (const name of names) {
        await page.keyboard.press('Tab');
        expect(await focused()).toBe(name);
      }
    };
    await page.getByLabel('Match people who meet').focus();
    await tabTo('Condition', 'NOT (did not)', 'Event');
    await page.keyboard.type('Signed In');
    await tabTo('At least (times)', 'When', 'In the last', 'In the last (unit)', 'Add a filter (where …)');
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('Path');
    await page.keyboard.type('context.device.type');
    await tabTo('Operator', 'Value');
    await page.keyboard.type('mobile');
    await page.keyboard.press('Enter');
    // Signed in on a phone in the last 7 days: Alice, Erin, Bob and Dave (Carol used a laptop).
    await page.getByTestId('segment-count').filter({ hasText: '4 people' }).waitFor();
  });

  it('shows a bad date next to the date field, and an unknown event name next to the event', async () => {
    const collector = await rigs.hold(startConsoleCollector({ mode: 'allow' }));
    expect(await collector.send(PEOPLE)).toMatchObject({ accepted: PEOPLE.length });
    const { page } = await open(collector, 'Segments');
    const first = page.getByRole('group', { name: 'Condition 1', exact: true });
    await first.getByLabel('Event', { exact: true }).fill('Signed Inn');
    await first.getByLabel('When', { exact: true }).selectOption({ label: 'between dates' });
    await first.getByLabel('From date').fill('2026-13-45');
    await page.getByRole('button', { name: 'Preview' }).click();
    const from = first.getByLabel('From date');
    await expect.poll(() => from.getAttribute('aria-invalid')).toBe('true');
    expect(await describedBy(from)).toMatch(/must be an ISO 8601 date .*such as 2026-12-01/);
    expect(await from.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByTestId('faults-summary').textContent()).toBe('The definition has 1 fault: each shown beside its field.');
    expect(await page.getByTestId('segment-count').count()).toBe(0);

    // Fixed: counted, and the never-stored name is warned about beside its field.
    await from.fill('2026-01-01');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByTestId('segment-count').waitFor();
    expect(await from.getAttribute('aria-invalid')).toBeNull();
    expect(await describedBy(first.getByLabel('Event', { exact: true }))).toContain('no stored event is named "Signed Inn"');
  });

  it('a person builds a 3-step funnel with a filtered step and a device breakdown, partly by keyboard, and reads the known numbers', async () => {
    const collector = await rigs.hold(startConsoleCollector({ mode: 'allow' }));
    expect(await collector.send(FUNNEL_SEED)).toMatchObject({ accepted: FUNNEL_SEED.length, rejected: [] });
    const { page, problems } = await open(collector, 'Funnels');

    const step = (n: number) => page.getByRole('group', { name: `Step ${n}`, exact: true });
    await step(1).getByLabel('Event', { exact: true }).fill('Product Viewed');
    await step(2).getByLabel('Event', { exact: true }).fill('Order Completed');
    // A third step by keyboard: Enter on "Add step" puts the focus in the new step's event.
    await page.getByRole('button', { name: 'Add step' }).press('Enter');
    await expect.poll(() => step(3).getByLabel('Event', { exact: true }).evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('Product Added');
    await step(3).getByRole('button', { name: 'Move up' }).press('Enter');
    expect(await step(2).getByLabel('Event', { exact: true }).inputValue()).toBe('Product Added');
    expect(await step(3).getByLabel('Event', { exact: true }).inputValue()).toBe('Order Completed');
    await step(2).getByRole('button', { name: 'Add a filter (where …)' }).click();
    const filter = step(2).getByRole('group', { name: 'Filter 1', exact: true });
    await filter.getByLabel('Path', { exact: true }).fill('properties.price');
    await filter.getByLabel('Operator', { exact: true }).selectOption({ label: '≥' });
    await filter.getByLabel('Value', { exact: true }).fill('50');
    await page.getByLabel('Conversion window', { exact: true }).fill('1');
    await page.getByLabel('Conversion window (unit)').selectOption('days');
    await page.getByLabel('Breakdown', { exact: true }).selectOption({ label: 'device type' });
    await page.getByRole('button', { name: 'Show' }).click();

    const everyone = page.getByRole('table', { name: 'Everyone' });
    await everyone.waitFor();
    expect(await rows(everyone), problems.join('\n')).toEqual([
      ['Product Viewed', '5', '100.0 %', '100.0 %', '–'],
      ['Product Added (properties.price ≥ 50)', '3', '60.0 %', '60.0 %', '10 min'],
      ['Order Completed', '2', '66.7 %', '40.0 %', '30 min'],
    ]);
    expect((await rows(page.getByRole('table', { name: 'device type = mobile' }))).map((row) => row.slice(1, 4))).toEqual([
      ['3', '100.0 %', '100.0 %'],
      ['2', '66.7 %', '66.7 %'],
      ['2', '100.0 %', '66.7 %'],
    ]);
    expect((await rows(page.getByRole('table', { name: 'device type = desktop' }))).map((row) => row[1])).toEqual(['2', '1', '0']);
    const chart = JSON.parse((await page.locator('figure[data-chart="funnel"]').getAttribute('data-series'))!);
    expect(chart).toEqual({
      labels: ['Product Viewed', 'Product Added (properties.price ≥ 50)', 'Order Completed'],
      series: [
        { label: 'mobile', values: [3, 2, 2] },
        { label: 'desktop', values: [2, 1, 0] },
      ],
    });

    // A window that is no number: said beside the field, nothing sent.
    await page.getByLabel('Conversion window', { exact: true }).fill('a week');
    await page.getByRole('button', { name: 'Show' }).click();
    const window = page.getByLabel('Conversion window', { exact: true });
    await expect.poll(() => window.getAttribute('aria-invalid')).toBe('true');
    expect(await describedBy(window)).toBe('must be a whole number above 0');
    expect(await everyone.count()).toBe(0);
    await page.getByLabel('Breakdown', { exact: true }).selectOption({ label: 'a path…' });
    expect(await unlabelled(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});

/** Signed in, on one of the console's pages (by its navigation link). */
async function open(collector: ConsoleCollector, pageId: string): Promise<{ page: Page; problems: string[] }> {
  const opened = await openSignedIn(rigs.browser(), rigs.after, collector.url);
  await opened.page.getByRole('link', { name: pageId, exact: true }).click();
  return opened;
}
