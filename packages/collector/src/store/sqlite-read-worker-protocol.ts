import { CollectorError, type CollectorErrorCode } from '../collector-error.js';

// Messages between createSqliteReadWorker and its thread (sqlite-read-worker.ts), kept apart
// from the worker entry, which runs on import; the error helpers serve the store's worker too.

/** A named read query and its argument (structured clone). */
export interface ReadCall {
  id: number;
  name: string;
  arg: unknown;
}

/** The result of a call, or of the open (`id` 0). */
export type ReadReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: WireError };

/**
 * An error as plain data for the way back to the main thread.
 *
 * @example
 * port.postMessage({ id, ok: false, error: toWireError(error) });
 */
export function toWireError(error: unknown): WireError {
  if (error instanceof CollectorError) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

/**
 * The error a worker reported, rebuilt on this side (a CollectorError keeps its class and code).
 *
 * @example
 * call.reject(fromWireError(reply.error));
 */
export function fromWireError(error: WireError): Error {
  if (error.name === 'CollectorError' && error.code !== undefined) return new CollectorError(error.code as CollectorErrorCode, error.message);
  return Object.assign(new Error(error.message), { name: error.name, ...(error.code === undefined ? {} : { code: error.code }) });
}

/** An error as plain data (structured clone drops an Error's class and extra fields). */
export interface WireError {
  name: string;
  message: string;
  code?: string;
}
