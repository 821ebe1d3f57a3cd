import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

/** Content types for what a static marketing site ships; anything else is served as bytes. */
const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * @typedef {object} StaticServerOptions
 * @property {string} root Folder served at `/`.
 * @property {string} sdkPath File served at `/cairn.js` (the built script-tag SDK).
 * @property {string} [endpoint] Rewrites `data-endpoint="…"` in served HTML, so the page talks
 *   to the collector actually running (its port may differ from the one written in the file).
 * @property {string} [writeKey] Rewrites `data-write-key="…"` in served HTML.
 * @property {() => Promise<void> | void} [beforeSdk] Awaited before `/cairn.js` is answered; tests
 *   use it to hold the SDK back and prove the stub queues calls made before it loads.
 */

/**
 * @typedef {object} StaticServer
 * @property {string} url Origin the server listens on, e.g. `http://127.0.0.1:8080`.
 * @property {() => Promise<void>} close Stops listening and drops open (keep-alive) connections.
 */

/**
 * Starts a tiny static file server for the example site (no dependency, development only).
 *
 * @param {StaticServerOptions & { port?: number, host?: string }} options
 * @returns {Promise<StaticServer>}
 * @example
 * const site = await startStaticServer({ root: 'examples/marketing-site',
 *   sdkPath: 'packages/browser/dist/cairn.js', endpoint: 'http://127.0.0.1:8787', port: 8080 });
 * console.log(site.url);
 * await site.close();
 */
export async function startStaticServer({ port = 0, host = '127.0.0.1', ...options }) {
  const server = createServer(createStaticHandler(options));
  await new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, host, () => {
      server.off('error', rejectListen);
      resolveListen(undefined);
    });
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise((resolveClose) => {
        server.close(() => resolveClose());
        // Chromium keeps idle connections open; without this close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}

/**
 * The request handler behind {@link startStaticServer}: GET/HEAD only, no directory listing,
 * nothing outside `root` (the check runs on the decoded path, so `%2e%2e%2f` cannot escape).
 *
 * @param {StaticServerOptions} options
 * @returns {import('node:http').RequestListener}
 * @example
 * createServer(createStaticHandler({ root: 'examples/marketing-site', sdkPath: 'cairn.js' })).listen(8080);
 */
export function createStaticHandler({ root, sdkPath, endpoint, writeKey, beforeSdk }) {
  const rootDir = resolve(root);
  return (req, res) => {
    serve(req, res).catch((error) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error');
      else res.destroy(error);
    });
  };

  /** @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>} */
  async function serve(req, res) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed');
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return send(res, 400, 'text/plain; charset=utf-8', 'bad request');
    }
    if (pathname === '/cairn.js') {
      if (beforeSdk) await beforeSdk();
      return sendFile(req, res, resolve(sdkPath), 'not built yet: run `npm run build -w @cairn/browser`');
    }
    if (pathname.includes('\0')) return send(res, 400, 'text/plain; charset=utf-8', 'bad request');
    let file = resolve(join(rootDir, pathname));
    if (file !== rootDir && !file.startsWith(rootDir + sep)) {
      return send(res, 404, 'text/plain; charset=utf-8', 'not found');
    }
    const info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) file = join(file, 'index.html');
    if (extname(file) === '.html') return sendHtml(req, res, file);
    return sendFile(req, res, file);
  }

  /** @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, file: string) => Promise<void>} */
  async function sendHtml(req, res, file) {
    const html = await readFile(file, 'utf8').catch(() => undefined);
    if (html === undefined) return send(res, 404, 'text/plain; charset=utf-8', 'not found');
    let out = html;
    if (endpoint !== undefined) out = out.replace(/data-endpoint="[^"]*"/g, `data-endpoint="${escapeAttribute(endpoint)}"`);
    if (writeKey !== undefined) out = out.replace(/data-write-key="[^"]*"/g, `data-write-key="${escapeAttribute(writeKey)}"`);
    res.writeHead(200, headers(CONTENT_TYPES['.html'], Buffer.byteLength(out)));
    res.end(req.method === 'HEAD' ? undefined : out);
  }
}

/** @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, file: string, missing?: string) => Promise<void>} */
async function sendFile(req, res, file, missing = 'not found') {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return send(res, 404, 'text/plain; charset=utf-8', missing);
  const type = CONTENT_TYPES[/** @type {keyof typeof CONTENT_TYPES} */ (extname(file).toLowerCase())];
  res.writeHead(200, headers(type ?? 'application/octet-stream', info.size));
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).on('error', (error) => res.destroy(error)).pipe(res);
}

/** @type {(res: import('node:http').ServerResponse, status: number, type: string, body?: string) => void} */
function send(res, status, type, body) {
  res.writeHead(status, headers(type, body === undefined ? undefined : Buffer.byteLength(body)));
  res.end(body);
}

/** @type {(type: string, length?: number) => Record<string, string | number>} */
function headers(type, length) {
  /** @type {Record<string, string | number>} */
  const out = {
    'Content-Type': type,
    'X-Content-Type-Options': 'nosniff',
    // A dev server: always hand out the freshly built SDK and the edited pages.
    'Cache-Control': 'no-store',
  };
  if (length !== undefined) out['Content-Length'] = length;
  return out;
}

/** @type {(value: string) => string} */
function escapeAttribute(value) {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
