import { CollectorError } from '../collector-error.js';

// Messages between createSqliteReadWorker and its thread (sqlite-read-worker.ts), kept apart
// from the worker entry, which runs on import.

/** A named read query and its argument (structured clone). */
export interface ReadCall {
  id: number;
  name: string;
  arg: unknown;
}

/** The result of a call, or of the open (`id` 0). */
export type ReadReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; code?: string } };

/**
 * An error as plain data for the way back to the main thread.
 *
 * @example
 * port.postMessage({ id, ok: false, error: toWireError(error) });
 */
export function toWireError(error: unknown): { name: string; message: string; code?: string } {
  if (error instanceof CollectorError) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
