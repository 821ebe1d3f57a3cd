import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The built collector CLI, as `npx cairn-collector` runs it. */
export const COLLECTOR_CLI = fileURLToPath(new URL('../packages/collector/dist/cli.js', import.meta.url));

/**
 * @typedef {{ time?: string, level?: string, msg?: string, [key: string]: unknown }} LogLine
 * One parsed JSON log line; a line that is not JSON arrives as `{ msg: <the text>, text: true }`.
 */

/**
 * @typedef {object} CollectorProcess
 * @property {string} url The `url` of the ready line: the port actually bound (also with `--port 0`).
 * @property {LogLine} ready The ready line itself.
 * @property {LogLine[]} logs Every line logged so far (stdout JSON lines and stderr text).
 * @property {import('node:child_process').ChildProcess} child
 * @property {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exited Settles when the process exits.
 * @property {(timeoutMs?: number) => Promise<{ code: number | null, signal: NodeJS.Signals | null }>} stop
 *   SIGTERM, then SIGKILL if it has not exited within `timeoutMs` (default 5 s).
 */

/**
 * Spawns the built collector CLI and resolves once it logged its `"msg":"ready"` line.
 * Rejects (with the process output) when it exits first or is not ready within `readyTimeoutMs`.
 *
 * @param {object} options
 * @param {string[]} options.args CLI flags, e.g. `['--port', '0', '--db', 'x.db', '--write-key', 'k']`.
 * @param {(line: LogLine) => void} [options.onLog] Called for every log line, the ready line included.
 * @param {number} [options.readyTimeoutMs] Default 15 s (a cold start on a busy 2-core box).
 * @param {string} [options.cwd]
 * @returns {Promise<CollectorProcess>}
 * @example
 * const collector = await startCollector({ args: ['--port', '0', '--db', '/tmp/c.db', '--write-key', 'k'] });
 * console.log(collector.url); // http://127.0.0.1:41234
 * await collector.stop();
 */
export function startCollector({ args, onLog, readyTimeoutMs = 15_000, cwd }) {
  const child = spawn(process.execPath, [COLLECTOR_CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  /** @type {LogLine[]} */
  const logs = [];
  // A test runner that dies mid-test must not leave a collector holding a port and a database.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
  const exited = new Promise((resolveExit) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      resolveExit({ code, signal });
    });
    child.once('error', () => {
      process.off('exit', killOnExit);
      resolveExit({ code: null, signal: null });
    });
  });

  /** @type {(line: LogLine) => void} */
  let watchReady = () => {};
  /** @type {(line: LogLine) => void} */
  const record = (line) => {
    logs.push(line);
    watchReady(line);
    onLog?.(line);
  };
  createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) }).on('line', (text) => {
    record(parseLine(text));
  });
  createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stderr) }).on('line', (text) => {
    record({ level: 'error', msg: text, text: true, stream: 'stderr' });
  });

  /** @type {CollectorProcess['stop']} */
  const stop = async (timeoutMs = 5_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    }
    return exited;
  };

  return new Promise((resolveReady, rejectReady) => {
    const output = () => logs.map((line) => (line.text ? line.msg : JSON.stringify(line))).join('\n');
    const timer = setTimeout(() => {
      void stop(1_000);
      rejectReady(new Error(`collector not ready within ${readyTimeoutMs} ms; its output:\n${output()}`));
    }, readyTimeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      rejectReady(new Error(`cannot start ${COLLECTOR_CLI}: ${error.message}`));
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rejectReady(new Error(`collector exited (code ${code}, signal ${signal}) before it was ready; its output:\n${output()}`));
    });
    // Lines arrive on later ticks, so this is in place before the first one.
    watchReady = (line) => {
      if (line.msg !== 'ready') return;
      watchReady = () => {};
      clearTimeout(timer);
      if (typeof line.url !== 'string') {
        void stop(1_000);
        rejectReady(new Error(`collector's ready line has no url: ${JSON.stringify(line)}`));
        return;
      }
      resolveReady({ url: line.url, ready: line, logs, child, exited, stop });
    };
  });
}

/** @type {(text: string) => LogLine} */
function parseLine(text) {
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {
    // not JSON: keep the text
  }
  return { msg: text, text: true };
}
