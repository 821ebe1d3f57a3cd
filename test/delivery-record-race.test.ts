// Issue #11 case 10 in real Chromium: two tabs of a site hold the same queue record; one
// removes an event (a consent purge), the other another (an acknowledged page-exit send), at
// the same moment. Neither removal may be undone by the other tab rewriting the record from
// what it read before. The SDK's IndexedDB queue (packages/browser/src/browser/idb-queue.ts,
// bundled as is with esbuild) runs in two pages of one browser profile.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { startStaticServer } from '../scripts/static-server.mjs';
import { useBrowserRigs } from './helpers/browser-rigs.js';
import { REPO_ROOT, SDK_BUNDLE } from './helpers/repo-paths.js';

// CAIRN_TEST_QUEUE_SOURCE runs the proof on another version of the queue (to see it fail without the fix).
const QUEUE_SOURCE = process.env.CAIRN_TEST_QUEUE_SOURCE || `${REPO_ROOT}packages/browser/src/browser/idb-queue.ts`;
const SITE = new URL('./delivery/site/', import.meta.url).pathname;

type QueuedEvent = { id: string; json: string; bytes: number };
type Queue = { add(events: QueuedEvent[]): Promise<unknown>; read(): Promise<QueuedEvent[]>; remove(events: QueuedEvent[]): Promise<void> };
type RaceWindow = { cairnQueue: { createIdbQueue(name: string): Queue }; queue: Queue; seen: QueuedEvent[] };

const rigs = useBrowserRigs<{ dispose(): Promise<void> }>();

describe('queue records across tabs, in Chromium', () => {
  it('10. a removal in one tab is never undone by another tab removing from the same record at once', async () => {
    const bundle = await build({ entryPoints: [QUEUE_SOURCE], bundle: true, format: 'iife', globalName: 'cairnQueue', write: false, target: 'es2020' });
    const site = await startStaticServer({ root: SITE, sdkPath: SDK_BUNDLE });
    const context = await rigs.browser().newContext();
    await rigs.hold(Promise.resolve({ dispose: async () => void (await context.close(), await site.close()) }));
    const tabs = [await context.newPage(), await context.newPage()];
    for (const tab of tabs) {
      await tab.goto(`${site.url}/plain.html`);
      await tab.addScriptTag({ content: bundle.outputFiles[0]!.text });
      await tab.evaluate(() => {
        const w = window as unknown as RaceWindow;
        w.queue = w.cairnQueue.createIdbQueue('cairn-race');
      });
    }
    const [a, b] = tabs as [(typeof tabs)[0], (typeof tabs)[0]];
    for (let round = 0; round < 10; round++) {
      // Tab A writes a burst as one record; both tabs read it (each now holds its own copy).
      const ids = Array.from({ length: 4 }, (_, n) => `01R${round}${'0'.repeat(20)}${n}`);
      await a.evaluate(async (ids) => {
        const w = window as unknown as RaceWindow;
        await w.queue.add(ids.map((id) => ({ id, json: JSON.stringify({ id }), bytes: 0 })));
      }, ids);
      for (const tab of tabs) {
        await tab.evaluate(async () => {
          const w = window as unknown as RaceWindow;
          w.seen = await w.queue.read();
        });
      }
      // At once: A removes the first event of the record, B the second.
      await Promise.all(
        [a, b].map((tab, n) =>
          tab.evaluate(async ([n, id]) => {
            const w = window as unknown as RaceWindow;
            await w.queue.remove(w.seen.filter((event) => event.id == id));
          }, [n, ids[n]!] as const),
        ),
      );
      const left = await a.evaluate(async () => (await (window as unknown as RaceWindow).queue.read()).map((event) => event.id));
      expect(left, `round ${round}`).toEqual([ids[2], ids[3]]);
      // Clean up for the next round, from B's fresh read.
      await b.evaluate(async () => {
        const w = window as unknown as RaceWindow;
        await w.queue.remove(await w.queue.read());
      });
    }
  });
});
