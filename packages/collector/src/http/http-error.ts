import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_CODES, type ErrorBody, type ErrorCode } from '@cairn/protocol';

/**
 * The collector's error response: always `{error: {code, message}}` as JSON.
 *
 * @example
 * errorResponse(401, 'unauthorized', 'unknown write key')
 */
export function errorResponse(
  status: ContentfulStatusCode,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const body: ErrorBody = { error: { code, message } };
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
  });
}

/**
 * An `HTTPException` carrying the JSON error response; every expected refusal is thrown
 * through this one path and answered by the app's `onError`.
 *
 * @example
 * throw httpError(413, ERROR_CODES.payloadTooLarge, 'body is over 512000 bytes');
 */
export function httpError(
  status: ContentfulStatusCode,
  code: ErrorCode,
  message: string,
  headers?: Record<string, string>,
): HTTPException {
  return new HTTPException(status, { message, res: errorResponse(status, code, message, headers) });
}

/**
 * The error code each status stands for: names HTTPExceptions raised by Hono itself (they
 * carry no JSON response) and labels request outcomes in the metrics.
 */
export const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: ERROR_CODES.invalidBody,
  401: ERROR_CODES.unauthorized,
  403: ERROR_CODES.originNotAllowed,
  404: ERROR_CODES.notFound,
  413: ERROR_CODES.payloadTooLarge,
  415: ERROR_CODES.unsupportedEncoding,
  429: ERROR_CODES.rateLimited,
  503: ERROR_CODES.storageUnavailable,
};

/**
 * Turns any thrown value into the JSON error response. Expected refusals keep their status;
 * anything else is a bug: it is logged with its cause and answered 500 `internal_error`
 * without details (no stack traces to the network).
 */
export function toErrorResponse(error: unknown, logFault: (error: unknown) => void): Response {
  if (error instanceof HTTPException) {
    if (error.res) return error.getResponse();
    const code = CODE_BY_STATUS[error.status];
    if (code) return errorResponse(error.status as ContentfulStatusCode, code, error.message || code);
  }
  logFault(error);
  return errorResponse(500, ERROR_CODES.internal, 'internal error');
}
