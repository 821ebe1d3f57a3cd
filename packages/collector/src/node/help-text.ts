import { SETTINGS } from './settings-table.js';

interface Row {
  flag: string;
  help: string;
  env?: string;
}

const ROWS: Row[] = [
  { flag: '--config FILE', env: 'CAIRN_CONFIG', help: 'JSON config file (sources, tokens, storage, limits; see docs/operations.md)' },
  { flag: '--write-key KEY', env: 'CAIRN_WRITE_KEY', help: 'one-site setup: the write key of source "default"' },
  { flag: '--allowed-origin URL', env: 'CAIRN_ALLOWED_ORIGINS', help: 'browser origin allowed to send (repeatable; variable: comma-separated; none = any origin)' },
  ...SETTINGS.map((spec) => ({ flag: `--${spec.flag}${spec.arg ? ` ${spec.arg}` : ''}`, env: spec.env, help: spec.help })),
  { flag: '--production', env: 'NODE_ENV=production', help: 'refuse to start without sources and an admin token; bind 0.0.0.0' },
  { flag: '-h, --help', help: 'show this help' },
];

const width = Math.max(...ROWS.map((row) => row.flag.length)) + 2;

/** `cairn-collector --help`: every flag with its environment variable, from the settings table. */
export const HELP_TEXT = `cairn-collector — receive, check and store Cairn / Segment events

Usage: cairn-collector [options]
       cairn-collector replay [options]   re-run quarantined events (see cairn-collector replay --help)

A flag wins over its environment variable, which wins over the config file.

${ROWS.map((row) => `  ${row.flag.padEnd(width)}${row.help}${row.env ? `\n  ${' '.repeat(width)}env ${row.env}` : ''}`).join('\n')}

Sources may also come from CAIRN_SOURCES, a JSON list of {"name","writeKey","allowedOrigins"?,"rateLimit"?}.
Without --write-key, --config or CAIRN_SOURCES it runs in development mode with the write key "cairn-dev".
Logs are JSON lines on stdout; one line with "msg":"ready" says it accepts events.
Endpoints: POST /v1/batch, /v1/{track,page,identify,group,alias,screen} (and Segment/RudderStack
  aliases: /v1/{b,t,p,i,g,a,s,import,m}, /beacon/v1/batch?writeKey=); GET /healthz, /readyz, /metrics;
/admin/{export,erase,stats,replay} with Authorization: Bearer <admin token>.
`;
