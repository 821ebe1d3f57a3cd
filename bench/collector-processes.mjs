// Processes the collector benches run: the real CLI or the bare Hono server, each on a free
// port, with their peak resident memory and CPU time read from /proc (Linux).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const COLLECTOR_CLI = fileURLToPath(new URL('../packages/collector/dist/cli.js', import.meta.url));
export const BARE_SERVER = fileURLToPath(new URL('./collector-bare-server.mjs', import.meta.url));

/**
 * @typedef {object} ServerProcess
 * @property {string} url
 * @property {number} pid
 * @property {() => number} peakRssMb VmHWM: the most resident memory the process ever had.
 * @property {() => number} cpuSeconds User + system CPU time of the whole process so far.
 * @property {() => Promise<void>} stop SIGTERM, then SIGKILL after 10 s.
 */

/**
 * Starts `node script ...args` and resolves once it printed a JSON line with `"msg":"ready"`
 * and a `url`. Its later output is drained unread: at tens of thousands of requests per
 * second, parsing the collector's log lines would cost the load client CPU it needs.
 *
 * @param {string} script
 * @param {string[]} args
 * @returns {Promise<ServerProcess>}
 */
export function startServer(script, args = []) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let output = '';
  /** @type {Promise<void>} */
  const exited = new Promise((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} not ready within 20 s:\n${output}`));
    }, 20_000);
    child.stderr?.on('data', (chunk) => (output += chunk));
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before it was ready:\n${output}`));
    });
    /** @param {Buffer} chunk */
    const onData = (chunk) => {
      output += chunk;
      const match = /"msg":"ready".*?"url":"([^"]+)"/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      const pid = /** @type {number} */ (child.pid);
      resolve({
        url: /** @type {string} */ (match[1]),
        pid,
        peakRssMb: () => Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024),
        cpuSeconds: () => {
          const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
          return (Number(fields[11]) + Number(fields[12])) / 100;
        },
        stop: async () => {
          process.off('exit', killOnExit);
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(force);
        },
      });
    };
    child.stdout?.on('data', onData);
  });
}
