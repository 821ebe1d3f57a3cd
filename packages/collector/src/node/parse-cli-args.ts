import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CollectorError } from '../collector-error.js';
import type { SourceConfig } from '../source-config.js';
import { CONFIG_SCHEMA, SOURCES_SCHEMA, type FileConfig } from './config-schema.js';
import { SETTINGS } from './settings-table.js';
import { validateSettings } from './validate-settings.js';

/** Start-up settings from flags, falling back to the environment; undefined = not given. */
export interface CliArgs {
  help: boolean;
  configPath: string | undefined;
  /** One-site setup: the write key of source "default". */
  writeKey: string | undefined;
  allowedOrigins: string[];
  /** `CAIRN_SOURCES`: the sources list as JSON, for containers without a config file. */
  sources: SourceConfig[] | undefined;
  /** `--production` or `NODE_ENV=production`. */
  production: boolean;
  /** Every table setting that was given, typed, in the config file's shape. */
  settings: FileConfig;
}

const OPTIONS: ParseArgsConfig['options'] = {
  config: { type: 'string' },
  'write-key': { type: 'string' },
  'allowed-origin': { type: 'string', multiple: true },
  production: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...Object.fromEntries(SETTINGS.map((spec) => [spec.flag, { type: 'string' as const }])),
};

/**
 * Reads `cairn-collector` flags (see `--help`); a flag wins over its environment variable.
 * Values are checked against the config schema, so `--rate-limit x` fails like a bad
 * `limits.rateLimit` in the file would, naming the flag or variable. Throws
 * {@link CollectorError} `invalid_argument` for an unknown flag or a bad value.
 *
 * @example
 * parseCliArgs(['--port', '0', '--write-key', 'KEY'], {}) // { settings: { port: 0 }, writeKey: 'KEY', … }
 */
export function parseCliArgs(argv: readonly string[], env: Record<string, string | undefined>): CliArgs {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values as typeof values;
  } catch (error) {
    throw new CollectorError('invalid_argument', `${error instanceof Error ? error.message : String(error)} (see --help)`);
  }
  const settings: Record<string, unknown> = {};
  const origin = new Map<string, string>();
  for (const spec of SETTINGS) {
    const fromFlag = values[spec.flag] as string | undefined;
    const value = fromFlag ?? nonEmpty(env[spec.env]);
    if (value === undefined) continue;
    setPath(settings, spec.key, value.trim());
    origin.set(spec.key, fromFlag !== undefined ? `--${spec.flag}` : spec.env);
  }
  validateSettings(CONFIG_SCHEMA, settings, {
    context: 'invalid setting',
    coerce: true,
    code: 'invalid_argument',
    label: (path) => `${origin.get(path) ?? path} (${path})`,
  });

  const envOrigins = (env.CAIRN_ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  return {
    help: (values.help as boolean | undefined) ?? false,
    configPath: (values.config as string | undefined) ?? nonEmpty(env.CAIRN_CONFIG),
    writeKey: (values['write-key'] as string | undefined) ?? nonEmpty(env.CAIRN_WRITE_KEY),
    allowedOrigins: (values['allowed-origin'] as string[] | undefined) ?? envOrigins,
    sources: readSourcesVariable(nonEmpty(env.CAIRN_SOURCES)),
    production: ((values.production as boolean | undefined) ?? false) || env.NODE_ENV === 'production',
    settings: settings as FileConfig,
  };
}

/** `CAIRN_SOURCES='[{"name":"shop","writeKey":"…","allowedOrigins":["https://…"]}]'`. */
function readSourcesVariable(text: string | undefined): SourceConfig[] | undefined {
  if (text === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CollectorError('invalid_config', `CAIRN_SOURCES is not JSON: ${(error as Error).message}`);
  }
  validateSettings(SOURCES_SCHEMA, data, {
    context: 'CAIRN_SOURCES',
    label: (path) => `CAIRN_SOURCES${path.startsWith('[') || path === '' ? path : `.${path}`}`,
  });
  return data as SourceConfig[];
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts.at(-1) as string] = value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
