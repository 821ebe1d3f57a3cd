import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsoleAssets } from '../console/console-routes.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/**
 * Reads the console's built files (packages/console, copied into the collector's dist/console
 * by its build) into memory: a few hundred KB, served without touching the disk again.
 * Undefined when the folder is missing (running from source without a build).
 *
 * @example
 * const assets = await loadConsoleAssets();
 */
export async function loadConsoleAssets(folder: URL = new URL('./console/', import.meta.url)): Promise<ConsoleAssets | undefined> {
  const root = fileURLToPath(folder);
  const assets = new Map<string, { body: Uint8Array; type: string }>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (TYPES[extname(entry.name)]) {
        assets.set(relative(root, path).split(sep).join('/'), { body: await readFile(path), type: TYPES[extname(entry.name)] as string });
      }
    }
  };
  try {
    await walk(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return assets.has('index.html') ? assets : undefined;
}
