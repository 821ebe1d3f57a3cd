import { createServer, request as forward, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request. */
export type FaultAction =
  /** Pass it to the collector and its answer back. */
  | 'forward'
  /** Drop the connection without reading on: the collector looks unreachable. */
  | 'refuse'
  /** Pass it to the collector, wait for its answer (so the events are committed), then drop the connection. */
  | 'cut-after-commit'
  /** Answer this status without asking the collector. */
  | { status: number; headers?: Record<string, string> }
  /** Never answer (the connection stays open until the client gives up or the proxy closes). */
  | 'stall'
  /** Wait this many ms, then forward. */
  | { delay: number };

/** One request as the proxy saw it. */
export interface ProxiedRequest {
  /** ms (Date.now) the request's body had arrived, and the proxy had answered or cut it. */
  at: number;
  done?: number;
  /** messageIds of the batch (empty for a body that is not a batch). */
  ids: string[];
  /** How many earlier requests carried exactly this set of messageIds. */
  attempt: number;
  action: FaultAction;
  /** The collector's status, for forwarded requests. */
  status?: number;
}

export interface FaultProxy {
  url: string;
  requests: ProxiedRequest[];
  /** Decides per request; `forward` by default. */
  rule: (request: ProxiedRequest) => FaultAction;
  close(): Promise<void>;
}

/**
 * A node:http proxy on 127.0.0.1 in front of the real collector that misbehaves by rule:
 * unreachable, a status of its choosing (with the CORS headers the collector would send, so
 * the page can read it), or a connection cut after the collector committed. It records every
 * request with its arrival time and messageIds.
 *
 * @example
 * const proxy = await startFaultProxy(collector.url);
 * proxy.rule = (request) => (request.attempt == 0 ? { status: 500 } : 'forward');
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const seen = new Map<string, number>();
  const proxy: FaultProxy = { url: '', requests: [], rule: () => 'forward', close: async () => {} };

  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    if (req.method !== 'POST') return reply(res, await send(target, req, body));
    const ids = batchIds(body);
    const key = ids.join();
    const record: ProxiedRequest = { at: Date.now(), ids, attempt: seen.get(key) ?? 0, action: 'forward' };
    seen.set(key, record.attempt + 1);
    record.action = proxy.rule(record);
    proxy.requests.push(record);
    const { action } = record;
    if (action === 'stall') return;
    if (typeof action === 'object' && 'delay' in action) await new Promise((resolve) => setTimeout(resolve, action.delay));
    if (action === 'refuse') {
      record.done = Date.now();
      req.socket.destroy();
    } else if (typeof action === 'object' && 'status' in action) {
      res.writeHead(action.status, { ...cors(req.headers), 'content-type': 'application/json', ...action.headers });
      res.end(JSON.stringify({ error: { code: 'injected', message: `fault proxy: ${action.status}` } }));
      record.done = Date.now();
    } else {
      const answer = await send(target, req, body);
      record.status = answer.status;
      record.done = Date.now();
      if (action === 'cut-after-commit') req.socket.destroy();
      else reply(res, answer);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return proxy;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function batchIds(body: Buffer): string[] {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { batch?: { messageId?: string }[] };
    return (parsed.batch ?? []).map((event) => String(event.messageId)).sort();
  } catch {
    return [];
  }
}

/** The CORS headers the collector answers an allowed origin with. */
function cors(headers: IncomingHttpHeaders): Record<string, string> {
  const origin = headers.origin;
  return origin ? { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'Retry-After', vary: 'Origin' } : {};
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function send(target: string, req: IncomingMessage, body: Buffer): Promise<Answer> {
  const url = new URL(req.url ?? '/', target);
  return new Promise((resolve, reject) => {
    const out = forward(url, { method: req.method, headers: { ...req.headers, host: url.host } }, async (answer) => {
      resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: await readAll(answer) });
    });
    out.on('error', reject);
    out.end(body);
  });
}

function reply(res: ServerResponse, answer: Answer) {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}
