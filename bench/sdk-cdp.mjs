import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';

/**
 * @typedef {object} BarePage
 * @property {(expression: string) => Promise<unknown>} evaluate Runs an expression in the page,
 *   awaiting a promise result; resolves with its value (JSON-serializable).
 * @property {(metric?: 'TaskDuration' | 'ThreadTime') => Promise<number>} taskSeconds The page's
 *   main-thread task time so far (CDP `Performance.getMetrics` TaskDuration: wall time, which
 *   grows when other processes take the cores), or its CPU time (`ThreadTime`).
 * @property {string[]} errors Uncaught exceptions and console warnings/errors of the page.
 * @property {(method: string, params?: object) => Promise<any>} cdp Sends a CDP command to the page (profiling: `Profiler.start` …).
 * @property {() => Promise<void>} close
 */

/**
 * Debian Chromium driven over a bare CDP pipe (`--remote-debugging-pipe`): only the Runtime
 * and Performance domains are enabled. Playwright enables the Network domain on every page it
 * drives, and DevTools then copies each request's body for the inspector on the main thread,
 * which doubles what a 400 KB batch costs (measured: ~10 ms a request instead of ~4.5): a cost
 * no visitor's browser pays. The end-to-end tests use playwright; this bench does not.
 *
 * @param {string} url The page to open.
 * @returns {Promise<BarePage>}
 * @example
 * const page = await openBarePage('http://127.0.0.1:8080/');
 * await page.evaluate('document.title');
 * await page.close();
 */
export async function openBarePage(url) {
  const profile = await mkdtemp(join(tmpdir(), 'cairn-bench-profile-'));
  const child = spawn(CHROMIUM_PATH, [...CHROMIUM_ARGS, '--remote-debugging-pipe', `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
  });
  const [, , , toChromium, fromChromium] = /** @type {[unknown, unknown, unknown, import('node:stream').Writable, import('node:stream').Readable]} */ (
    /** @type {unknown} */ (child.stdio)
  );
  let seq = 0;
  /** @type {Map<number, { resolve: (value: any) => void, reject: (error: Error) => void }>} */
  const pending = new Map();
  /** @type {string[]} */
  const errors = [];
  let buffered = '';
  fromChromium.setEncoding('utf8');
  fromChromium.on('data', (chunk) => {
    // Messages are JSON texts, each followed by a NUL byte.
    const parts = (buffered + chunk).split('\0');
    buffered = parts.pop() ?? '';
    for (const part of parts) {
      const message = JSON.parse(part);
      const waiter = message.id && pending.get(message.id);
      if (waiter) {
        pending.delete(message.id);
        if (message.error) waiter.reject(new Error(`${message.error.message} ${message.error.data ?? ''}`));
        else waiter.resolve(message.result);
      } else if (message.method == 'Runtime.exceptionThrown') {
        errors.push(message.params.exceptionDetails.exception?.description ?? message.params.exceptionDetails.text);
      } else if (message.method == 'Runtime.consoleAPICalled' && /warning|error/.test(message.params.type)) {
        errors.push(message.params.args.map((/** @type {{ value?: unknown, description?: string }} */ arg) => arg.value ?? arg.description).join(' '));
      }
    }
  });
  /** @type {(method: string, params?: object, sessionId?: string) => Promise<any>} */
  const send = (method, params = {}, sessionId) =>
    new Promise((resolve, reject) => {
      const id = ++seq;
      pending.set(id, { resolve, reject });
      toChromium.write(JSON.stringify({ id, method, params, sessionId }) + '\0');
    });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
    await send('Runtime.enable', {}, sessionId);
    await send('Performance.enable', {}, sessionId);
    await send('Page.navigate', { url }, sessionId);
    /** @type {BarePage['evaluate']} */
    const evaluate = async (expression) => {
      const { result, exceptionDetails } = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId);
      if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
      return result.value;
    };
    return {
      evaluate,
      errors,
      cdp: (method, params) => send(method, params, sessionId),
      taskSeconds: async (name = 'TaskDuration') => {
        const { metrics } = await send('Performance.getMetrics', {}, sessionId);
        return metrics.find((/** @type {{ name: string }} */ metric) => metric.name == name)?.value ?? NaN;
      },
      close: async () => {
        await Promise.race([send('Browser.close'), new Promise((resolve) => setTimeout(resolve, 2000))]).catch(() => {});
        child.kill();
        await exited;
        // Chromium's helper processes may still be writing the profile for a moment.
        await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      },
    };
  } catch (error) {
    child.kill();
    await exited;
    await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    throw error;
  }
}
