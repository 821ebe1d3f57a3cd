import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { COLLECTOR_CLI, startCollector, type CollectorProcess } from '../../scripts/collector-process.mjs';

export const CONSOLE_WRITE_KEY = 'console-e2e-key';
export const CONSOLE_TOKEN = 'console-e2e-admin-token-7f3a9c';

export interface ConsoleCollector extends CollectorProcess {
  dbPath: string;
  /** The tracking plan file the config names; rewrite it, then {@link reloadPlan}. */
  planPath: string;
  /** POSTs a batch with the write key, as a server library does; returns the JSON answer. */
  send(batch: unknown[]): Promise<{ accepted: number; duplicates: number; rejected: unknown[] }>;
  /** Calls the JSON API with the bearer token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  reloadPlan(plan: unknown): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * The real collector CLI (`--config`) with an admin token, so the console is on, a tracking
 * plan file and a fresh SQLite file, on a free port.
 *
 * @example
 * const collector = await startConsoleCollector({ mode: 'allow' });
 * const withWebhook = await startConsoleCollector({ mode: 'allow' }, { destinations: [{ name: 'crm', kind: 'webhook', url }] });
 */
export async function startConsoleCollector(plan: unknown, config: Record<string, unknown> = {}): Promise<ConsoleCollector> {
  if (!existsSync(COLLECTOR_CLI)) throw new Error(`${COLLECTOR_CLI} is missing: build it first (npm run build).`);
  const dir = await mkdtemp(join(tmpdir(), 'cairn-console-'));
  const dbPath = join(dir, 'cairn.db');
  const planPath = join(dir, 'plan.json');
  await writeFile(planPath, JSON.stringify(plan));
  await writeFile(
    join(dir, 'cairn.config.json'),
    JSON.stringify({ sources: [{ name: 'default', writeKey: CONSOLE_WRITE_KEY }], adminToken: CONSOLE_TOKEN, trackingPlan: 'plan.json', ...config }),
  );
  try {
    const collector = await startCollector({ args: ['--config', join(dir, 'cairn.config.json'), '--port', '0', '--db', dbPath, '--rate-limit', '0'] });
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${collector.url}${path}`, { ...init, headers: { authorization: `Bearer ${CONSOLE_TOKEN}`, ...(init.headers as Record<string, string>) } });
    return {
      ...collector,
      dbPath,
      planPath,
      api,
      send: async (batch) => {
        const res = await fetch(`${collector.url}/v1/batch`, { method: 'POST', body: JSON.stringify({ writeKey: CONSOLE_WRITE_KEY, batch }) });
        if (res.status !== 200) throw new Error(`batch answered ${res.status}: ${await res.text()}`);
        return (await res.json()) as { accepted: number; duplicates: number; rejected: unknown[] };
      },
      reloadPlan: async (next) => {
        await writeFile(planPath, JSON.stringify(next));
        const res = await api('/admin/plan/reload', { method: 'POST' });
        if (res.status !== 200) throw new Error(`plan reload answered ${res.status}: ${await res.text()}`);
      },
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

/**
 * Signs in through the sign-in page, as a person does: /console redirects there, the token goes
 * in the one password field.
 *
 * @example
 * await signIn(page, collector.url);
 */
export async function signIn(page: Page, url: string, token = CONSOLE_TOKEN): Promise<void> {
  await page.goto(`${url}/console`);
  await page.waitForURL(/\/console\/sign-in$/);
  await page.fill('input[name="token"]', token);
  await Promise.all([page.waitForURL(/\/console$/), page.click('button[type="submit"]')]);
  await page.waitForSelector('nav a[data-page="live"]');
}

/**
 * A fresh browser context signed in to the console (closed after the test through `after`),
 * with the page's errors collected: uncaught ones, and console errors other than Chromium's
 * "Failed to load resource" lines (a 400 for a faulty definition is expected, not a problem).
 *
 * @example
 * const { page, problems } = await openSignedIn(rigs.browser(), rigs.after, collector.url);
 */
export async function openSignedIn(
  browser: Browser,
  after: (cleanup: () => Promise<unknown>) => void,
  url: string,
): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext();
  after(() => context.close());
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && !message.text().startsWith('Failed to load resource') && problems.push(`console: ${message.text()}`));
  await signIn(page, url);
  return { page, problems };
}
