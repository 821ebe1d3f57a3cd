import type { WireEvent } from '@cairn/protocol';
import { IDBFactory } from 'fake-indexeddb';
import { max as segmentSnippet } from '@segment/snippet';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubCollectorFetch } from '../test-support/test-kit.js';
import type { Tracker } from './core/types.js';

const win = window as unknown as { cairn?: unknown; analytics?: any };
let sent: WireEvent[];
let warn: { mock: { calls: unknown[][] } };

/** Runs an entry as a fresh copy of its script would. */
async function load(entry: './script-tag.js' | './segment-script-tag.js' | './commerce-script-tag.js') {
  vi.resetModules();
  await import(entry);
}
/** Segment's official snippet as its npm package renders it, without the analytics.load line unless asked. */
const runSnippet = (load = false) => new Function(segmentSnippet({ apiKey: 'SEGMENT_KEY', load, page: true }))();
const flush = () => (win.cairn as Tracker).flush();
const names = () => sent.map((event) => [event.type, event.event ?? event.name ?? null]);

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
  document.cookie = 'ajs_anonymous_id=; max-age=0';
  document.cookie = 'ajs_user_id=; max-age=0';
  document.head.innerHTML = '<script data-write-key="wk_site" data-endpoint="https://collect.test"></script>';
  delete win.cairn;
  delete win.analytics;
  sent = stubCollectorFetch().events;
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});

afterEach(async () => {
  // A tracker left with events would send them into the next test's fetch stub.
  const tracker = win.cairn as Tracker | undefined;
  if (tracker && !Array.isArray(tracker)) await tracker.flush();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  delete win.cairn;
  delete win.analytics;
});

describe('cairn-segment.js: Segment’s snippet on Cairn', () => {
  for (const order of [['./script-tag.js', './segment-script-tag.js'], ['./segment-script-tag.js', './script-tag.js']] as const) {
    it(`replays the snippet's calls in order, without its page-context object (${order.join(' then ')})`, async () => {
      document.title = 'Pricing';
      runSnippet();
      const queue = win.analytics;
      win.analytics.track('Signed Up', { plan: 'pro' });
      win.analytics.identify('user-1', { email: 'a@example.com' });
      win.analytics.track('Plain');
      // Recent snippets append {__t: 'bpc', …} to each call.
      expect(queue.map((entry: unknown[]) => (entry.at(-1) as { __t?: string }).__t)).toEqual(['bpc', 'bpc', 'bpc', 'bpc']);
      for (const entry of order) await load(entry);

      expect(win.analytics).toBe(queue); // a reference taken before load keeps working
      expect(queue).toHaveLength(0);
      expect(win.analytics.initialized).toBe(true);
      await flush();
      expect(names()).toEqual([['page', null], ['track', 'Signed Up'], ['identify', null], ['track', 'Plain']]);
      expect(sent[0]?.properties).toBeUndefined();
      expect(sent[0]?.context?.page?.title).toBe('Pricing');
      expect(sent[1]?.properties).toEqual({ plan: 'pro' });
      expect(sent[2]).toMatchObject({ userId: 'user-1', traits: { email: 'a@example.com' } });
      expect(sent[3]?.userId).toBe('user-1');
    });
  }

  it('track/page/identify return a Promise of the Context, settled after delivery; the callback runs first', async () => {
    runSnippet();
    await load('./script-tag.js');
    await load('./segment-script-tag.js');
    const order: string[] = [];
    const callback = vi.fn(() => order.push('callback'));
    const context = await win.analytics.track('Clicked', { id: 1 }, {}, callback).then((ctx: unknown) => (order.push('then'), ctx));
    expect(order).toEqual(['callback', 'then']);
    expect(callback).toHaveBeenCalledWith(context);
    expect(context.event).toMatchObject({ type: 'track', event: 'Clicked', properties: { id: 1 } });
    expect(names()).toContainEqual(['track', 'Clicked']);
    // The callback may come second, third or fourth: Segment takes the first function.
    const pageCallback = vi.fn();
    await win.analytics.page('Docs', pageCallback);
    expect(pageCallback).toHaveBeenCalledTimes(1);
    expect(await win.analytics.identify('user-2').catch(() => 'rejected')).toMatchObject({ event: { type: 'identify', userId: 'user-2' } });
    await expect(win.analytics.track('X').finally(() => {})).resolves.toMatchObject({ event: { event: 'X' } });
  });

  it('a callback runs after the timeout when delivery takes longer (timeout(ms), 300 by default)', async () => {
    // Delivery takes a second (it ends within the test: nothing leaks into the next one).
    const answer = fetch;
    vi.stubGlobal('fetch', (...args: Parameters<typeof fetch>) => new Promise((resolve) => setTimeout(() => resolve(answer(...args)), 1000)));
    runSnippet();
    await load('./script-tag.js');
    await load('./segment-script-tag.js');
    win.analytics.timeout(50);
    const started = Date.now();
    const callback = vi.fn();
    win.analytics.track('Stalled', undefined, undefined, callback);
    await vi.waitFor(() => expect(callback).toHaveBeenCalledTimes(1), { timeout: 2000 });
    expect(Date.now() - started).toBeLessThan(900);
  });

  for (const placement of ['before', 'after'] as const) {
    it(`a call made before load returns a Promise too, settled once replayed (tag ${placement} the snippet)`, async () => {
      if (placement == 'before') await load('./segment-script-tag.js');
      runSnippet();
      if (placement == 'after') await load('./segment-script-tag.js');
      const callback = vi.fn();
      const early = win.analytics.track('Early', { n: 1 }, callback);
      const identified = win.analytics.identify('user-5');
      expect(typeof early.then).toBe('function');
      await load('./script-tag.js');
      expect((await early).event).toMatchObject({ type: 'track', event: 'Early', properties: { n: 1 } });
      expect(callback).toHaveBeenCalledTimes(1);
      expect((await identified).event).toMatchObject({ type: 'identify', userId: 'user-5' });
      expect(names()).toEqual([['page', null], ['track', 'Early'], ['identify', null]]);
    });
  }

  it('a call nobody waits on does not flush (batching kept)', async () => {
    runSnippet();
    await load('./script-tag.js');
    await load('./segment-script-tag.js');
    const tracker = win.cairn as Tracker;
    const spy = vi.spyOn(tracker, 'flush');
    win.analytics.track('Fire and forget');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(spy).not.toHaveBeenCalled();
  });

  it('user() is Segment’s User: id(), anonymousId(), traits(); reset() forgets them', async () => {
    runSnippet();
    await load('./segment-script-tag.js');
    await load('./script-tag.js');
    const tracker = win.cairn as Tracker;
    const seen = await new Promise<string>((resolve) => win.analytics.ready(() => resolve(win.analytics.user().anonymousId())));
    expect(seen).toBe(tracker.user().anonymousId);
    expect(win.analytics.user().id()).toBeNull();
    win.analytics.identify('user-3', { plan: 'pro' });
    win.analytics.identify({ email: 'c@example.com' });
    expect(win.analytics.user().id()).toBe('user-3');
    expect(win.analytics.user().traits()).toEqual({ plan: 'pro', email: 'c@example.com' });
    win.analytics.reset();
    expect(win.analytics.user().id()).toBeNull();
    expect(win.analytics.user().traits()).toEqual({});
    expect(win.analytics.user().anonymousId()).not.toBe(seen);
  });

  it('identify() with another userId starts from no traits, as Segment’s User', async () => {
    runSnippet();
    await load('./script-tag.js');
    await load('./segment-script-tag.js');
    win.analytics.identify('user-a', { email: 'a@example.com' });
    win.analytics.identify('user-a', { plan: 'pro' });
    expect(win.analytics.user().traits()).toEqual({ email: 'a@example.com', plan: 'pro' });
    win.analytics.identify('user-b', { plan: 'team' });
    expect(win.analytics.user().traits()).toEqual({ plan: 'team' });
  });

  it('the traits Segment’s library kept belong to its user: not shown once Cairn has another (after a reset)', async () => {
    document.cookie = 'ajs_anonymous_id=seg-anon-2';
    document.cookie = 'ajs_user_id=user-seg';
    localStorage.setItem('ajs_user_traits', JSON.stringify({ email: 'seg@example.com' }));
    runSnippet();
    await load('./segment-script-tag.js');
    await load('./script-tag.js');
    expect(win.analytics.user().id()).toBe('user-seg');
    expect(win.analytics.user().traits()).toEqual({ email: 'seg@example.com' });
    win.analytics.reset();
    await flush(); // this page's tracker must not send into a later test
    // The next page: the traits Segment left are still there, their user is not.
    delete win.cairn;
    delete win.analytics;
    runSnippet();
    await load('./segment-script-tag.js');
    await load('./script-tag.js');
    expect(win.analytics.user().id()).toBeNull();
    expect(win.analytics.user().traits()).toEqual({});
  });

  it('page(category, name, null, options): a lone object in the fourth place is the options, as in Segment', async () => {
    runSnippet();
    await load('./script-tag.js');
    await load('./segment-script-tag.js');
    win.analytics.page('Docs', 'Intro', null, { context: { campaign: { name: 'spring' } } });
    win.analytics.page('Docs', 'Setup', { step: 2 });
    win.analytics.page('Pricing', { plan: 'pro' }, { context: { campaign: { name: 'fall' } } });
    await flush();
    const [, intro, setup, pricing] = sent;
    expect(intro).toMatchObject({ name: 'Intro', properties: { category: 'Docs' }, context: { campaign: { name: 'spring' } } });
    expect(intro?.properties).toEqual({ category: 'Docs' });
    expect(setup?.properties).toEqual({ step: 2, category: 'Docs' });
    expect(pricing).toMatchObject({ name: 'Pricing', properties: { plan: 'pro' }, context: { campaign: { name: 'fall' } } });
  });

  it('a stub reference saved before load records through the tracker, with a valid time', async () => {
    runSnippet();
    const savedTrack = win.analytics.track;
    await load('./script-tag.js');
    await load('./segment-script-tag.js');
    expect(savedTrack).not.toBe(win.analytics.track);
    savedTrack('Saved Reference', { n: 1 });
    await flush();
    expect(names()).toEqual([['page', null], ['track', 'Saved Reference']]);
    expect(sent[1]?.properties).toEqual({ n: 1 });
    expect(Math.abs(Date.parse(sent[1]!.timestamp!) - Date.now())).toBeLessThan(60_000);
  });

  it('load() does nothing, however it is reached, and says so once', async () => {
    // This tag before the snippet: the snippet's own load("KEY") line is disarmed too.
    await load('./segment-script-tag.js');
    runSnippet(true);
    await load('./script-tag.js');
    win.analytics.load('SEGMENT_KEY');
    expect(document.querySelectorAll('script[src*="segment.com"]')).toHaveLength(0);
    expect(warn.mock.calls.filter((call: unknown[]) => String(call[0]).includes('analytics.load()'))).toHaveLength(1);
    await flush();
    expect(names()).toEqual([['page', null]]);
  });

  it('methods Cairn lacks do not throw, do not recurse, and still run a callback', async () => {
    runSnippet();
    const savedOn = win.analytics.on;
    await load('./script-tag.js');
    await load('./segment-script-tag.js');
    expect(win.analytics.on('track', vi.fn())).toBe(win.analytics);
    expect(() => savedOn('track', vi.fn())).not.toThrow();
    const callback = vi.fn();
    await win.analytics.group('acme', { plan: 'team' }, callback);
    expect(callback).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls.filter((call: unknown[]) => String(call[0]).includes('analytics.on()'))).toHaveLength(1);
  });

  it('a Segment snippet that runs after it leaves the global alone', async () => {
    await load('./script-tag.js');
    await load('./segment-script-tag.js');
    const facade = win.analytics;
    // The snippet returns early when it finds `initialize` (as with Segment's own library).
    runSnippet();
    expect(win.analytics).toBe(facade);
    win.analytics.track('Still Cairn');
    await flush();
    expect(names()).toEqual([['track', 'Still Cairn']]);
  });

  it('keeps the ids Segment’s library stored (cookie or localStorage), on the first page only', async () => {
    document.cookie = 'ajs_anonymous_id=seg-anon-1';
    localStorage.setItem('ajs_user_id', JSON.stringify('user-seg'));
    runSnippet();
    await load('./segment-script-tag.js');
    await load('./script-tag.js');
    await flush();
    expect(sent[0]).toMatchObject({ type: 'page', anonymousId: 'seg-anon-1', userId: 'user-seg' });
    // Signed out under Cairn: a leftover ajs_user_id does not sign the visitor back in.
    win.analytics.reset();
    delete win.cairn;
    delete win.analytics;
    runSnippet();
    await load('./segment-script-tag.js');
    await load('./script-tag.js');
    await flush();
    expect(sent[1]?.userId).toBeUndefined();
    expect(sent[1]?.anonymousId).not.toBe('seg-anon-1');
  });

  it('does not copy Segment’s ids while analytics consent is not given (data-consent="required")', async () => {
    document.head.innerHTML = '<script data-write-key="wk_site" data-endpoint="https://collect.test" data-consent="required"></script>';
    document.cookie = 'ajs_anonymous_id=seg-anon-3';
    document.cookie = 'ajs_user_id=user-seg-3';
    runSnippet();
    await load('./segment-script-tag.js');
    await load('./script-tag.js');
    // No stored Cairn id may come from Segment's cookies before the visitor consents.
    expect(Object.values({ ...localStorage }).join(' ')).not.toMatch(/seg-anon-3|user-seg-3/);
    win.cairn && (win.cairn as Tracker).setConsent({ analytics: true });
    await flush();
    expect(sent.map((event) => event.anonymousId)).not.toContain('seg-anon-3');
    expect(sent.map((event) => event.userId)).not.toContain('user-seg-3');
  });

  it('trackForm tracks, then submits the form', async () => {
    await load('./script-tag.js');
    await load('./segment-script-tag.js');
    document.body.innerHTML = '<form id="signup"><button>Go</button></form>';
    const form = document.getElementById('signup') as HTMLFormElement;
    const submit = vi.spyOn(HTMLFormElement.prototype, 'submit').mockImplementation(() => {});
    expect(win.analytics.trackForm(form, 'Signed Up', (el: Element) => ({ id: el.id }))).toBe(win.analytics);
    const event = new Event('submit', { cancelable: true });
    form.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(submit).toHaveBeenCalledTimes(1));
    await flush();
    expect(sent.find((e) => e.event == 'Signed Up')?.properties).toEqual({ id: 'signup' });
  });

  it('waits with the commerce add-on for the same tracker, whichever loaded first', async () => {
    runSnippet();
    await load('./segment-script-tag.js');
    await load('./commerce-script-tag.js');
    await load('./script-tag.js');
    expect(win.analytics.initialized).toBe(true);
    expect(typeof (win.cairn as Record<string, unknown>).productAdded).toBe('function');
  });
});
