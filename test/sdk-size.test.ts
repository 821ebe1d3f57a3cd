// Issue #11: dist/cairn.js size, checked on every run (a size is deterministic, so CI fails the
// moment a change takes it over the DESIGN budget). npm test builds first.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SDK_GZIP_BUDGET_BYTES, gzipSize } from '../bench/sdk-size.mjs';
import { REPO_ROOT } from './helpers/repo-paths.js';

const BUNDLE = `${REPO_ROOT}packages/browser/dist/cairn.js`;

describe('script-tag SDK size', () => {
  it(`dist/cairn.js is at most ${SDK_GZIP_BUDGET_BYTES} B gzip (level 9), the DESIGN budget`, async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: build it first (npm run build -w @cairn/browser; npm test does)`);
    const size = await gzipSize(BUNDLE);
    expect(
      size,
      `dist/cairn.js is ${size} B gzip -9, over the ${SDK_GZIP_BUDGET_BYTES} B budget of DESIGN.md: docs/benchmarks.md ("sdk-size") lists what each part costs`,
    ).toBeLessThanOrEqual(SDK_GZIP_BUDGET_BYTES);
  });
});
