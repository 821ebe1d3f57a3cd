// The dev server behind `npm start` and the end-to-end tests: it must never hand out a file
// outside the site folder, and it must label scripts so Chromium runs them.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../scripts/static-server.mjs';

let dir: string;
let server: StaticServer;

/** A raw request: fetch() would normalize `..` away before the server ever saw it. */
function get(path: string, method = 'GET') {
  const { hostname, port } = new URL(server.url);
  return new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
    const req = request({ hostname, port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-static-'));
  await mkdir(join(dir, 'site'));
  await writeFile(join(dir, 'secret.txt'), 'outside the site');
  await writeFile(join(dir, 'sdk.js'), 'window.loaded = true;');
  await writeFile(
    join(dir, 'site', 'index.html'),
    '<script async src="/cairn.js" data-write-key="demo-key" data-endpoint="http://127.0.0.1:8787"></script>',
  );
  await writeFile(join(dir, 'site', 'styles.css'), 'body{}');
  server = await startStaticServer({
    root: join(dir, 'site'),
    sdkPath: join(dir, 'sdk.js'),
    endpoint: 'http://127.0.0.1:4000',
    writeKey: 'test-key',
  });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('static server', () => {
  it('serves the site with content types, and the SDK at /cairn.js', async () => {
    const index = await get('/');
    expect(index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(await get('/styles.css')).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' });
    expect(await get('/cairn.js')).toEqual({
      status: 200,
      type: 'text/javascript; charset=utf-8',
      body: 'window.loaded = true;',
    });
    expect(await get('/missing.html')).toMatchObject({ status: 404 });
  });

  it('points the script tag at the given collector and write key', async () => {
    const { body } = await get('/index.html');
    expect(body).toContain('data-endpoint="http://127.0.0.1:4000"');
    expect(body).toContain('data-write-key="test-key"');
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '//../secret.txt',
  ])('never serves a file outside the root: %s', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('outside the site');
  });

  it('refuses bad encodings and methods other than GET/HEAD', async () => {
    expect((await get('/%E0%A4%A')).status).toBe(400);
    expect((await get('/index.html%00.css')).status).toBe(400);
    expect((await get('/', 'POST')).status).toBe(405);
    expect(await get('/', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });
});
