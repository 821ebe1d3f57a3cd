import { ERROR_CODES } from '@cairn/protocol';
import { httpError } from '../http/http-error.js';
import { POSTGRES_QUERY_TIMEOUT_MS } from '../segments/postgres-segment-query.js';

/** PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout (or an operator's cancel). */
const QUERY_CANCELED = '57014';

/**
 * Awaits a segment or funnel query, answering 503 with what to do when PostgreSQL cancelled it
 * at the analytics statement timeout: a valid definition over many events is not a bug, and
 * was a bare 500 "internal error" logged as a fault.
 *
 * @example
 * return c.json(await answerQueryTimeout(analytics.querySegment(query)));
 */
export async function answerQueryTimeout<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== QUERY_CANCELED) throw error;
    throw httpError(
      503,
      ERROR_CODES.storageUnavailable,
      `the query was stopped at the ${POSTGRES_QUERY_TIMEOUT_MS / 1000} s limit of one segment or funnel query: give it shorter windows (within, from/to) or fewer conditions`,
    );
  }
}
