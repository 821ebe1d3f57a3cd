import type { WireEvent } from '@cairn/protocol';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubCollectorFetch } from '../test-support/test-kit.js';
import type { Tracker } from './core/types.js';

// The stub from DESIGN.md, verbatim.
const STUB =
  'window.cairn=window.cairn||[];["track","page","identify","setConsent"].forEach(function(m){cairn[m]=cairn[m]||function(){cairn.push([m,Date.now()].concat([].slice.call(arguments)))}})';

const win = window as unknown as { cairn?: unknown };
let sent: WireEvent[];

/** Runs an entry as a fresh copy of its script would. */
async function load(entry: './script-tag.js' | './commerce-script-tag.js') {
  vi.resetModules();
  await import(entry);
}

type Shop = Tracker & { productAdded(properties: object): void };

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
  document.head.innerHTML = '<script data-write-key="wk_site" data-endpoint="https://collect.test"></script>';
  delete win.cairn;
  sent = stubCollectorFetch().events;
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
  delete win.cairn;
});

const cart = () => JSON.parse(localStorage.getItem('cairn:cart') || 'null');

describe('script-tag commerce add-on (dist/cairn-commerce.js)', () => {
  it('upgrades a tracker already loaded', async () => {
    new Function(STUB)();
    await load('./script-tag.js');
    await load('./commerce-script-tag.js');
    const tracker = win.cairn as Shop;
    tracker.productAdded({ product_id: 'p1', price: 5 });
    await tracker.flush();
    expect(sent.map((event) => event.event)).toEqual(['Product Added']);
    expect(cart()).toMatchObject({ lines: { p1: { price: 5, quantity: 1 } } });
  });

  it('loaded first, queues helper calls and upgrades the tracker before cairn.js replays them', async () => {
    vi.useFakeTimers({ now: Date.UTC(2025, 2, 1, 9, 0, 0), toFake: ['Date'] });
    new Function(STUB)();
    await load('./commerce-script-tag.js');
    (win.cairn as Shop).productAdded({ product_id: 'p1', price: 5 });
    vi.advanceTimersByTime(250);
    (win.cairn as Shop).track('Clicked');
    vi.advanceTimersByTime(1000);
    await load('./script-tag.js');
    const tracker = win.cairn as Shop;
    expect(Array.isArray(tracker)).toBe(false);
    expect(tracker.productAdded).toBeTypeOf('function');
    await tracker.flush();
    expect(sent.map((event) => [event.event, event.timestamp])).toEqual([
      ['Product Added', '2025-03-01T09:00:00.000Z'],
      ['Clicked', '2025-03-01T09:00:00.250Z'],
    ]);
    expect(cart()).toMatchObject({ lines: { p1: { quantity: 1 } } }); // the cart watch saw the replay
    await load('./commerce-script-tag.js'); // a second copy changes nothing
    tracker.productAdded({ product_id: 'p1', price: 5 });
    expect(cart()).toMatchObject({ lines: { p1: { quantity: 2 } } });
  });

  it('works without the stub too', async () => {
    await load('./commerce-script-tag.js');
    await load('./script-tag.js');
    const tracker = win.cairn as Shop;
    tracker.productAdded({ product_id: 'p2' });
    await tracker.flush();
    expect(sent.map((event) => event.event)).toEqual(['Product Added']);
  });
});
