import type { Server } from 'node:http';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readIncomingBody } from './read-incoming-body.js';

const LIMIT = 100;
const app = new Hono();
app.post('/', async (c) => {
  const reading = readIncomingBody(c, LIMIT);
  if (reading === undefined) return c.text('no node request');
  const bytes = await reading;
  return c.text(bytes === 'too_large' ? 'too_large' : `${bytes.byteLength}:${Buffer.from(bytes).toString('utf8')}`);
});

let server: Server;
let url: string;
beforeAll(async () => {
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Posts `parts` as a chunked body (no Content-Length) over `agent`. */
function post(parts: string[], agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    for (const part of parts) req.write(part);
    req.end();
  });
}

describe('readIncomingBody', () => {
  it("reads the body from Node's request, chunk by chunk", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    expect(await post(['{"a":', '"é"}'], agent)).toBe('10:{"a":"é"}');
    expect(await post([], agent)).toBe('0:');
    agent.destroy();
  });

  it('stops at the limit without buffering the rest, and the connection serves the next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    expect(await post(Array.from({ length: 50 }, () => 'x'.repeat(1000)), agent)).toBe('too_large');
    expect(await post(['ok'], agent)).toBe('2:ok');
    agent.destroy();
  });

  it('is undefined outside Node (app.request), so the Web Request is read instead', async () => {
    expect(await (await app.request('/', { method: 'POST', body: 'x' })).text()).toBe('no node request');
  });
});
