import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface ReceivedRequest {
  headers: IncomingMessage['headers'];
  body: string;
  /** Parsed body; `batch` holds the events. */
  json: { batch: Record<string, unknown>[]; [key: string]: unknown };
  /** The status answered; 0 until answered (a sender that timed out never got one). */
  status: number;
  at: number;
}

/** How the receiver answers the next request: a status (and headers), or a hang of `delayMs` first. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  delayMs?: number;
}

/**
 * A real HTTP server on 127.0.0.1 that records what it is sent and answers from a script
 * (`answers`, first in first out; 200 when empty). `down()` closes it and `up()` listens on the
 * same port again, for "the destination is down for a while".
 *
 * @example
 * const receiver = await startWebhookReceiver();
 * receiver.answers.push({ status: 500 }, { status: 429, headers: { 'retry-after': '1' } });
 */
export async function startWebhookReceiver(): Promise<{
  url: string;
  requests: ReceivedRequest[];
  answers: Answer[];
  /** messageIds of the events in requests answered 2xx, in arrival order. */
  delivered(): string[];
  /** Most requests that were in flight at once. */
  maxInFlight(): number;
  /** The answer when `answers` is empty (default 200 at once). */
  answerByDefault(answer: Answer): void;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}> {
  const requests: ReceivedRequest[] = [];
  const answers: Answer[] = [];
  let fallback: Answer = { status: 200 };
  let inFlight = 0;
  let maxInFlight = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once('close', () => (inFlight -= 1));
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = answers.shift() ?? fallback;
      const body = Buffer.concat(chunks).toString('utf8');
      // Recorded on arrival (a request the sender gave up on was still received); status 0
      // until answered, so a timed-out request never counts as delivered.
      const record: ReceivedRequest = { headers: req.headers, body, json: JSON.parse(body), status: 0, at: Date.now() };
      requests.push(record);
      const reply = () => {
        if (res.destroyed) return;
        record.status = answer.status;
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end('{}');
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  };
  let server: Server = createServer(handler);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const port = await listen(0);
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    answers,
    delivered: () =>
      requests.filter((r) => r.status >= 200 && r.status < 300).flatMap((r) => r.json.batch.map((event) => String(event.messageId))),
    maxInFlight: () => maxInFlight,
    answerByDefault: (answer) => {
      fallback = answer;
    },
    down: close,
    up: async () => {
      server = createServer(handler);
      await listen(port);
    },
    close,
  };
}
