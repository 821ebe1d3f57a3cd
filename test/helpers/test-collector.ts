import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTOR_CLI, startCollector, type CollectorProcess } from '../../scripts/collector-process.mjs';

export interface TestCollector extends CollectorProcess {
  /** The SQLite file the collector writes, in a fresh temporary folder. */
  dbPath: string;
  /** Stops the process (if still running) and deletes the temporary folder. */
  dispose(): Promise<void>;
}

/**
 * The real collector CLI on a free port and a fresh SQLite file, as an operator starts it;
 * `extraArgs` are more flags (e.g. `--admin-token`).
 *
 * @example
 * const collector = await startTestCollector('e2e-key');
 * await collector.dispose();
 */
export async function startTestCollector(writeKey: string, extraArgs: readonly string[] = []): Promise<TestCollector> {
  if (!existsSync(COLLECTOR_CLI)) {
    throw new Error(`${COLLECTOR_CLI} is missing: build it first (npm run build -w @cairn/collector; npm test does).`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'cairn-e2e-'));
  const dbPath = join(dir, 'cairn.db');
  try {
    const collector = await startCollector({
      args: ['--port', '0', '--db', dbPath, '--write-key', writeKey, ...extraArgs],
    });
    return {
      ...collector,
      dbPath,
      dispose: async () => {
        await collector.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
