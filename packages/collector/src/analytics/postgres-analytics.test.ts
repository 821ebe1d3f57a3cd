import { afterAll, describe, it } from 'vitest';
import { createPostgresStore } from '../store/postgres-store.js';
import { createTestSchema, POSTGRES_SKIP_NOTE, TEST_DATABASE_URL, type TestSchema } from '../store/postgres-test-schema.js';
import { describeAnalyticsContract } from '../testing/analytics-contract.js';
import { describeAnalyticsQueryContract } from '../testing/analytics-query-contract.js';
import { describeCartRuleContract } from '../testing/cart-rule-contract.js';
import { describeSegmentExportContract } from '../testing/segment-export-contract.js';

const schemas: TestSchema[] = [];
afterAll(async () => {
  for (const schema of schemas) await schema.drop();
});

const openEmpty = async () => {
  const schema = await createTestSchema();
  schemas.push(schema);
  return createPostgresStore({ url: TEST_DATABASE_URL as string, schema: schema.name, maxConnections: 2 });
};

if (TEST_DATABASE_URL) {
  describeAnalyticsContract('PostgreSQL', openEmpty);
  describeAnalyticsQueryContract('PostgreSQL', openEmpty);
  describeCartRuleContract('PostgreSQL', openEmpty);
  describeSegmentExportContract('PostgreSQL', openEmpty);
} else {
  describe('PostgreSQL: people, segments and funnels', () => it.skip(`needs a database${POSTGRES_SKIP_NOTE}`, () => {}));
}
