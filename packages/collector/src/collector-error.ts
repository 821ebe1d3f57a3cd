/** Codes of {@link CollectorError}: wrong options or start-up settings, never a request. */
export type CollectorErrorCode =
  | 'invalid_options'
  | 'invalid_config'
  | 'invalid_argument'
  | 'production_requirements'
  | 'unsupported_store'
  | 'store_open_failed';

/**
 * The one error class thrown for bad options or start-up settings (requests never throw it:
 * they answer `{error: {code, message}}`). Branch on `code`, not on the message.
 *
 * @example
 * try { createCollector({ sources: [], store }) } catch (e) {
 *   if (e instanceof CollectorError && e.code === 'invalid_options') console.error(e.message);
 * }
 */
export class CollectorError extends Error {
  override readonly name = 'CollectorError';
  readonly code: CollectorErrorCode;

  constructor(code: CollectorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
