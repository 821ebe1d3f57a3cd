import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectorError } from '../collector-error.js';
import { describeStoreContract } from '../testing/store-contract.js';
import { createSqliteWorkerStore } from './sqlite-worker-store.js';

// The worker thread runs the BUILT entry (a worker cannot load TypeScript), so this needs
// `npm run build -w @cairn/collector` first, like cli.test.ts.
const workerUrl = new URL('../../dist/sqlite-worker.js', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'cairn-worker-'));
let counter = 0;
beforeAll(() => {
  if (!existsSync(workerUrl)) throw new Error(`${workerUrl.pathname} is missing: run npm run build -w @cairn/collector first`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreContract('SQLite on a worker thread', () => createSqliteWorkerStore({ path: join(dir, `w${counter++}.db`), workerUrl }));

describe('createSqliteWorkerStore', () => {
  it('rejects with CollectorError store_open_failed when the file cannot be opened', async () => {
    const failure = createSqliteWorkerStore({ path: join(dir, 'missing-folder', 'x.db'), workerUrl });
    await expect(failure).rejects.toBeInstanceOf(CollectorError);
    await expect(failure).rejects.toMatchObject({ code: 'store_open_failed' });
  });

  it('brings CollectorError codes back from the worker, and refuses calls once closed', async () => {
    const store = await createSqliteWorkerStore({ path: join(dir, `w${counter++}.db`), workerUrl });
    await expect(store.erase({})).rejects.toMatchObject({ name: 'CollectorError', code: 'invalid_options' });
    await store.close();
    await store.close();
    await expect(store.ping()).rejects.toThrow(/closed/);
  });

  it('keeps calls in order: a read after a write sees it', async () => {
    const store = await createSqliteWorkerStore({ path: join(dir, `w${counter++}.db`), workerUrl });
    const row = (messageId: string) => ({
      source: 'default', messageId, type: 'track', event: 'E', name: null, anonymousId: 'a', userId: null,
      timestamp: '2024-06-01T12:00:00.000Z', originalTimestamp: null, sentAt: null, receivedAt: '2024-06-01T12:00:01.000Z', raw: '{}',
    });
    const writes = Array.from({ length: 20 }, (_, i) => store.write({ events: [row(`m${i}`)], quarantined: [] }));
    const read = store.readEvents({ limit: 100 });
    await Promise.all(writes);
    expect(await read).toHaveLength(20);
    await store.close();
  });
});
