/** `cairn-collector --help`. */
export const HELP_TEXT = `cairn-collector — receive, check and store Cairn / Segment events

Usage: cairn-collector [options]

  --port N               port to listen on (PORT, default 8787; 0 picks a free port)
  --host HOST            address to bind (HOST; default 127.0.0.1, 0.0.0.0 with --production)
  --db PATH              SQLite database file (default ./cairn.db)
  --database-url URL     PostgreSQL (DATABASE_URL) — not available in this version
  --config FILE          JSON config with sources (CAIRN_CONFIG)
  --write-key KEY        one-site setup: the write key of source "default" (CAIRN_WRITE_KEY)
  --allowed-origin URL   browser origin allowed to send (repeatable; none = any origin)
  --admin-token TOKEN    admin token (CAIRN_ADMIN_TOKEN)
  --rate-limit N         requests/second per client IP (CAIRN_RATE_LIMIT) — not enforced yet
  --production           refuse to start without sources and an admin token (NODE_ENV=production)
  -h, --help             show this help

Without --write-key or --config it runs in development mode with the write key "cairn-dev".
Logs are JSON lines on stdout; one line with "msg":"ready" says it accepts events.
`;
