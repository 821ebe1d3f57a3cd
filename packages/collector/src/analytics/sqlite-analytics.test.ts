import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteStore } from '../store/sqlite-store.js';
import { describeAnalyticsContract } from '../testing/analytics-contract.js';
import { describeAnalyticsQueryContract } from '../testing/analytics-query-contract.js';
import { describeCartRuleContract } from '../testing/cart-rule-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'cairn-analytics-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeAnalyticsContract('SQLite', async () => createSqliteStore({ path: join(dir, `db-${++n}.sqlite`), synchronous: 'normal' }));
describeAnalyticsQueryContract('SQLite', async () => createSqliteStore({ path: join(dir, `db-${++n}.sqlite`), synchronous: 'normal' }));
describeCartRuleContract('SQLite', async () => createSqliteStore({ path: join(dir, `db-${++n}.sqlite`), synchronous: 'normal' }));
