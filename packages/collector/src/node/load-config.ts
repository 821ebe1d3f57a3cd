import { readFile } from 'node:fs/promises';
import { CollectorError } from '../collector-error.js';
import { isPlainObject } from '../json/is-plain-object.js';
import type { SourceConfig } from '../source-config.js';

/** What a `cairn.config.json` holds (more settings arrive with later versions). */
export interface FileConfig {
  sources: SourceConfig[];
  adminToken?: string;
}

/**
 * Reads a JSON config file: `{"sources": [{"name", "writeKey", "allowedOrigins"?}], "adminToken"?}`.
 * Throws {@link CollectorError} `invalid_config` naming the file and the field at fault.
 *
 * @example
 * const { sources } = await loadConfig('./cairn.config.json');
 */
export async function loadConfig(path: string): Promise<FileConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CollectorError('invalid_config', `cannot read config file ${path}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CollectorError('invalid_config', `config file ${path} is not JSON: ${(error as Error).message}`);
  }
  const fail = (message: string) => new CollectorError('invalid_config', `config file ${path}: ${message}`);
  if (!isPlainObject(data)) throw fail('must be a JSON object');
  const { sources, adminToken } = data;
  if (!Array.isArray(sources) || sources.length === 0) throw fail('"sources" must be a non-empty array');
  const parsed = sources.map((source, i): SourceConfig => {
    if (!isPlainObject(source)) throw fail(`sources[${i}] must be an object`);
    const { name, writeKey, allowedOrigins } = source;
    if (typeof name !== 'string' || name === '') throw fail(`sources[${i}].name must be a non-empty string`);
    if (typeof writeKey !== 'string' || writeKey === '') throw fail(`sources[${i}].writeKey must be a non-empty string`);
    if (allowedOrigins !== undefined && (!Array.isArray(allowedOrigins) || !allowedOrigins.every((o) => typeof o === 'string'))) {
      throw fail(`sources[${i}].allowedOrigins must be an array of origin strings`);
    }
    return allowedOrigins === undefined ? { name, writeKey } : { name, writeKey, allowedOrigins };
  });
  if (adminToken !== undefined && (typeof adminToken !== 'string' || adminToken === '')) {
    throw fail('"adminToken" must be a non-empty string');
  }
  return adminToken === undefined ? { sources: parsed } : { sources: parsed, adminToken };
}
