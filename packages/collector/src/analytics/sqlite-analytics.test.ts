import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteReadRunner } from '../store/sqlite-read-runner.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { withSqliteReadAnalytics } from './sqlite-read-analytics.js';
import { describeAnalyticsContract } from '../testing/analytics-contract.js';
import { describeAnalyticsQueryContract } from '../testing/analytics-query-contract.js';
import { describeCartRuleContract } from '../testing/cart-rule-contract.js';
import { describeSegmentExportContract } from '../testing/segment-export-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'cairn-analytics-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeAnalyticsContract('SQLite', async () => createSqliteStore({ path: join(dir, `db-${++n}.sqlite`), synchronous: 'normal' }));
describeAnalyticsQueryContract('SQLite', async () => createSqliteStore({ path: join(dir, `db-${++n}.sqlite`), synchronous: 'normal' }));
describeCartRuleContract('SQLite', async () => createSqliteStore({ path: join(dir, `db-${++n}.sqlite`), synchronous: 'normal' }));
describeSegmentExportContract('SQLite', async () => createSqliteStore({ path: join(dir, `db-${++n}.sqlite`), synchronous: 'normal' }));

// The same, with the read-only analytics as the named read queries the read worker runs (here
// in this thread: node/analytics-read-worker.test.ts runs the built worker).
const viaReadQueries = async (): Promise<Store> => {
  const path = join(dir, `db-${++n}.sqlite`);
  const store = createSqliteStore({ path, synchronous: 'normal' });
  const runner = createSqliteReadRunner({ path });
  return { ...withSqliteReadAnalytics(store, runner), close: async () => (await runner.close(), await store.close()) };
};
describeAnalyticsContract('SQLite read queries', viaReadQueries);
describeAnalyticsQueryContract('SQLite read queries', viaReadQueries);
describeCartRuleContract('SQLite read queries', viaReadQueries);
describeSegmentExportContract('SQLite read queries', viaReadQueries);
