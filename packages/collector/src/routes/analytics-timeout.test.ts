import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { connectPostgres } from '../store/postgres-connect.js';
import { POSTGRES_SKIP_NOTE, TEST_DATABASE_URL } from '../store/postgres-test-schema.js';
import { answerQueryTimeout } from './analytics-timeout.js';

describe('answerQueryTimeout', () => {
  it('passes answers and other errors through', async () => {
    expect(await answerQueryTimeout(Promise.resolve(42))).toBe(42);
    await expect(answerQueryTimeout(Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it.skipIf(!TEST_DATABASE_URL)(`answers 503 with what to do for PostgreSQL's statement timeout, not a 500${TEST_DATABASE_URL ? '' : POSTGRES_SKIP_NOTE}`, async () => {
    const sql = connectPostgres(TEST_DATABASE_URL as string, { maxConnections: 1, statementTimeoutMs: 50 });
    try {
      const error = await answerQueryTimeout(sql`SELECT pg_sleep(2)`).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(HTTPException);
      const response = (error as HTTPException).getResponse();
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('shorter windows');
    } finally {
      await sql.end();
    }
  });
});
