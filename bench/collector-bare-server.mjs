// The HTTP ceiling of the throughput bench: a bare Hono endpoint on @hono/node-server that
// only reads and parses the JSON body and answers. Run as its own process:
//   node bench/collector-bare-server.mjs   → prints {"msg":"ready","url":…}
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.post('/v1/batch', async (c) => {
  const body = JSON.parse(await c.req.text());
  return c.json({ accepted: Array.isArray(body.batch) ? body.batch.length : 0, duplicates: 0, rejected: [] });
});

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(JSON.stringify({ msg: 'ready', url: `http://127.0.0.1:${info.port}` }));
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
