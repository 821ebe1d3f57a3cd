import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CollectorError } from '../collector-error.js';
import { checkDestinations } from '../destinations/destination-config.js';
import { CONFIG_SCHEMA, type FileConfig } from './config-schema.js';
import { validateSettings } from './validate-settings.js';

export type { FileConfig } from './config-schema.js';

/**
 * Reads and validates a `cairn.config.json` (schema: {@link CONFIG_SCHEMA}). Relative paths
 * in it (`storage.db`, `trackingPlan`) are made relative to the file's folder, so the result
 * does not depend on where the collector was started from. Throws {@link CollectorError}
 * `invalid_config` naming the file and every key at fault.
 *
 * @example
 * const config = await loadConfig('./cairn.config.json');
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
  validateSettings(CONFIG_SCHEMA, data, { context: `config file ${path}` });
  const config = data as FileConfig;
  const problem = checkDestinations(config.destinations ?? []);
  if (problem !== undefined) throw new CollectorError('invalid_config', `config file ${path}: ${problem}`);
  const base = dirname(resolve(path));
  if (config.storage?.db !== undefined && config.storage.db !== ':memory:') config.storage.db = resolve(base, config.storage.db);
  if (config.trackingPlan !== undefined) config.trackingPlan = resolve(base, config.trackingPlan);
  return config;
}
