/**
 * Every error code the collector answers with, at request level (`{error: {code, message}}`)
 * or per event (`rejected[].code`).
 */
export const ERROR_CODES = {
  /** 400: the body is not JSON. */
  invalidJson: 'invalid_json',
  /** 400: JSON, but not a batch / event envelope. */
  invalidBody: 'invalid_body',
  /** 400: a query parameter is missing or malformed (admin endpoints). */
  invalidQuery: 'invalid_query',
  /** 401: missing or unknown write key. */
  unauthorized: 'unauthorized',
  /** 401 on admin endpoints: missing or wrong admin token. */
  adminUnauthorized: 'admin_unauthorized',
  /** 403: browser origin not allowed for this source. */
  originNotAllowed: 'origin_not_allowed',
  /** 404: no such route, or the admin endpoints are disabled. */
  notFound: 'not_found',
  /** 413: request over MAX_REQUEST_BYTES, or holding more than MAX_REQUEST_OBJECTS objects and arrays. */
  payloadTooLarge: 'payload_too_large',
  /** 413: a batch of more than MAX_BATCH_ITEMS items (refused before any event is processed). */
  batchTooLarge: 'batch_too_large',
  /** 415: a Content-Encoding other than gzip/identity. */
  unsupportedEncoding: 'unsupported_encoding',
  /** 429: rate limited. */
  rateLimited: 'rate_limited',
  /** 503: storage unreachable or the writer cannot keep up. */
  storageUnavailable: 'storage_unavailable',
  /** 500: a bug; never expected. */
  internal: 'internal_error',
  // ---- per event ----
  /** The event's envelope is wrong: a missing or mistyped field (the message names it). */
  invalidEvent: 'invalid_event',
  /** The event is over MAX_EVENT_BYTES. */
  eventTooLarge: 'event_too_large',
  /** The event's stamped consent does not grant its category. */
  consentDenied: 'consent_denied',
  /** The tracking plan rejected the event's properties or name. */
  planViolation: 'plan_violation',
  /** An amount in a currency the rate table does not know. */
  unknownCurrency: 'unknown_currency',
  // ---- admin ----
  /** 400: a segment or funnel definition has faults (each named by its path in the message and in `faults`). */
  invalidDefinition: 'invalid_definition',
  /** 422: a tracking plan reload was refused (the plan in force stays). */
  invalidPlan: 'invalid_plan',
  /** 403: a console request that changes state came without the session's CSRF token. */
  csrfFailed: 'csrf_failed',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** The one JSON shape of every collector error response. */
export interface ErrorBody {
  error: { code: ErrorCode | string; message: string };
}
