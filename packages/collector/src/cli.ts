#!/usr/bin/env node
import { CollectorError } from './collector-error.js';
import { createJsonLogger, describeError } from './logger.js';
import { HELP_TEXT } from './node/help-text.js';
import { parseCliArgs } from './node/parse-cli-args.js';
import { runReplayCommand } from './node/replay-command.js';
import { resolveSetup } from './node/resolve-setup.js';
import { startCollectorServer } from './node/start-collector-server.js';

// Pipes and files take synchronous writes on Linux, so lines are out before process.exit.
const logger = createJsonLogger({ write: (line) => process.stdout.write(`${line}\n`) });

async function main(): Promise<void> {
  if (process.argv[2] === 'replay') {
    await runReplayCommand(process.argv.slice(3), process.env, logger);
    return;
  }
  const args = parseCliArgs(process.argv.slice(2), process.env);
  if (args.help) {
    process.stdout.write(HELP_TEXT);
    return;
  }
  const setup = await resolveSetup(args);
  for (const warning of setup.warnings) logger.warn(warning.msg, warning.fields);
  const running = await startCollectorServer(setup, logger);
  logger.info('ready', {
    url: running.url,
    host: setup.host,
    port: running.port,
    store: running.storeKind,
    ...(running.storeKind === 'sqlite' ? { db: setup.dbPath } : {}),
    ...(setup.adminToken !== undefined ? { console: `${running.url}/console` } : {}),
    admin: setup.adminToken !== undefined,
    metrics: running.metricsUrl ?? (setup.serveMetricsOnMainPort ? `${running.url}/metrics` : 'off'),
    rateLimit: setup.rateLimit.requestsPerSecond,
    mode: setup.mode,
    production: setup.production,
    sources: setup.sources.map((source) => source.name),
  });

  const shutdown = (signal: NodeJS.Signals) => {
    logger.info('shutting down', { signal });
    running.close().then(
      () => {
        logger.info('stopped', { signal });
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown failed', { error: describeError(error) });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof CollectorError) {
    logger.error(error.message, { code: error.code });
    process.stderr.write(`cairn-collector: ${error.message}\n`);
  } else {
    logger.error('start failed', { error: describeError(error) });
    process.stderr.write(`cairn-collector: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
