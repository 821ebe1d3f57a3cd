// The storefront example with a collector: builds the shop into dist/, starts the collector on
// SQLite and serves the shop. Run `npm run build` at the repository root first (the shop
// bundles the built @cairn/browser); Ctrl-C stops both. CART_IDLE_MS shortens the cart idle
// time (30 minutes) to see a "Cart Abandoned" without waiting.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startCollector } from '../../scripts/collector-process.mjs';
import { formatLogLine } from '../../scripts/format-log.mjs';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { buildStorefront } from './build.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const collectorPort = process.env.CAIRN_PORT ?? '8787';
const sitePort = Number(process.env.SITE_PORT ?? 8081);
const writeKey = 'demo-key';
const db = '.data/storefront.db';

const siteRoot = await buildStorefront({ cartIdle: Number(process.env.CART_IDLE_MS) || undefined });
mkdirSync(`${repo}.data`, { recursive: true });
const collector = await startCollector({
  cwd: repo,
  args: ['--port', collectorPort, '--db', db, '--write-key', writeKey],
  onLog: (line) => {
    const text = formatLogLine(line);
    if (text !== undefined) console.log(`[collector] ${text}`);
  },
});
const site = await startStaticServer({
  root: siteRoot,
  // The shop bundles the SDK itself; /cairn.js is served too, unused.
  sdkPath: `${repo}packages/browser/dist/cairn.js`,
  endpoint: collector.url,
  writeKey,
  port: sitePort,
}).catch(async (error) => {
  await collector.stop();
  throw error;
});

console.log(`
  Storefront  ${site.url}/   (browse, add to cart, check out, sign in and out)
  Collector   ${collector.url}   (events in ${db})

  See what the shop sent:
    sqlite3 ${db} "select timestamp, type, event, user_id, json_extract(raw, '$.context.device.type') from events"

  Ctrl-C stops both.
`);

const stop = async () => {
  await Promise.all([site.close(), collector.stop()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
