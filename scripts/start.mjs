// `npm start`: the collector on SQLite plus the example marketing site, wired together.
// Run through `npm start` (which builds first); Ctrl-C stops both.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startCollector } from './collector-process.mjs';
import { formatLogLine } from './format-log.mjs';
import { startStaticServer } from './static-server.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const collectorPort = process.env.CAIRN_PORT ?? '8787';
const sitePort = Number(process.env.SITE_PORT ?? 8080);
const writeKey = 'demo-key';
// CAIRN_START_DB: another SQLite file (the tests use a temporary one).
const db = process.env.CAIRN_START_DB || '.data/cairn.db';
// The console needs an admin token: a fresh one each start (or yours in CAIRN_ADMIN_TOKEN),
// handed to the sign-in page in the link's #fragment, which never reaches a server or a log.
const adminToken = process.env.CAIRN_ADMIN_TOKEN || randomBytes(18).toString('base64url');

mkdirSync(new URL('../.data', import.meta.url), { recursive: true });

/** @type {(line: import('./collector-process.mjs').LogLine) => void} */
const show = (line) => {
  const text = formatLogLine(line);
  if (text !== undefined) console.log(`[collector] ${text}`);
};

let collector;
try {
  collector = await startCollector({
    cwd: repo,
    args: ['--port', collectorPort, '--db', db, '--write-key', writeKey, '--admin-token', adminToken],
    onLog: show,
  });
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  // The collector's own lines were shown above; the first line says how it ended.
  console.error(message.split('\n')[0]?.replace(/; its output:$/, ''));
  if (/EADDRINUSE|address already in use/i.test(message)) {
    console.error(`\nPort ${collectorPort} is in use. Another one: CAIRN_PORT=8788 npm start`);
  }
  process.exit(1);
}

let site;
try {
  site = await startStaticServer({
    root: `${repo}examples/marketing-site`,
    sdkPath: `${repo}packages/browser/dist/cairn.js`,
    endpoint: collector.url,
    port: sitePort,
  });
} catch (error) {
  await collector.stop();
  const busy = /** @type {NodeJS.ErrnoException} */ (error).code === 'EADDRINUSE';
  console.error(busy ? `Port ${sitePort} is in use. Another one: SITE_PORT=8081 npm start` : error);
  process.exit(1);
}

console.log(`
  Example site  ${site.url}/   (open it, click "Add to cart")
  Console       ${collector.url}/console/sign-in#token=${adminToken}
                (watch the events arrive live; admin token ${adminToken})
  Collector     ${collector.url}   (events stored in ${db}, write key "${writeKey}")

  Each batch the collector stores is shown below. Query the events with:
    sqlite3 ${db} "select received_at, type, event, anonymous_id from events"

  Ctrl-C stops both.
`);

let stopping = false;
/** @type {(signal: string) => Promise<void>} */
const shutdown = async (signal) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the site and the collector…`);
  const [, result] = await Promise.all([site.close(), collector.stop()]);
  process.exit(result.code === 0 || result.signal === 'SIGTERM' || result.signal === 'SIGINT' ? 0 : 1);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

void collector.exited.then(async ({ code, signal }) => {
  if (stopping) return;
  console.error(`[collector] exited unexpectedly (code ${code}, signal ${signal})`);
  await site.close();
  process.exit(1);
});
