// After tsup (which empties dist/): copies the console's built files (packages/console/dist)
// into dist/console, where the CLI loads them, so a built collector serves /console on its own.
import { cp, stat } from 'node:fs/promises';

const from = new URL('../../console/dist/', import.meta.url);
const to = new URL('../dist/console/', import.meta.url);
try {
  await stat(new URL('index.html', from));
} catch {
  console.error('packages/console/dist is missing: build @cairn/console first (npm run build at the root does)');
  process.exit(1);
}
await cp(from, to, { recursive: true });
