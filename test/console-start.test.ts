import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { useBrowserRigs } from './helpers/browser-rigs.js';
import { REPO_ROOT } from './helpers/repo-paths.js';

const rigs = useBrowserRigs<{ dispose(): Promise<void> }>();

describe('npm start', () => {
  it('prints a console link that signs a newcomer in, and the example site’s clicks appear there', async () => {
    // scripts/start.mjs is what `npm start` runs after the build; a temp database keeps the
    // developer's own .data/cairn.db out of it.
    const cwd = await mkdtemp(join(tmpdir(), 'cairn-start-'));
    const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts/start.mjs')], {
      cwd,
      env: { ...process.env, CAIRN_PORT: '0', SITE_PORT: '0', CAIRN_ADMIN_TOKEN: '', CAIRN_START_DB: join(cwd, 'cairn.db') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await rigs.hold(
      Promise.resolve({
        dispose: async () => {
          child.kill('SIGINT');
          await exited;
          await rm(cwd, { recursive: true, force: true });
        },
      }),
    );
    const lines: string[] = [];
    const banner = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no console link printed:\n${lines.join('\n')}`)), 20_000);
      createInterface({ input: child.stdout }).on('line', (line) => {
        lines.push(line);
        if (/Ctrl-C stops both/.test(line)) {
          clearTimeout(timer);
          resolve(lines.join('\n'));
        }
      });
      createInterface({ input: child.stderr }).on('line', (line) => lines.push(line));
    });
    const consoleLink = /Console\s+(http:\/\/\S+\/console\/sign-in#token=(\S+))/.exec(banner);
    const siteLink = /Example site\s+(http:\/\/\S+?)\/\s/.exec(banner);
    expect(consoleLink, banner).not.toBeNull();
    expect(banner).toContain(`admin token ${consoleLink?.[2]}`);

    const context = await rigs.browser().newContext();
    rigs.after(() => context.close());
    const page = await context.newPage();
    await page.goto(consoleLink?.[1] as string);
    await page.waitForURL(/\/console$/);
    await page.waitForSelector('[data-testid="live-status"].live');
    const visitor = await context.newPage();
    await visitor.goto(`${siteLink?.[1]}/`);
    await visitor.click('button[data-product-id]');
    await page.locator('[data-testid="live-rows"] tr', { hasText: 'Product Added' }).first().waitFor({ timeout: 15_000 });
  });
});
