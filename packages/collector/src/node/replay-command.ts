import { parseArgs } from 'node:util';
import { CollectorError } from '../collector-error.js';
import { createIngestStages } from '../ingest/create-ingest-stages.js';
import type { Logger } from '../logger.js';
import { createPlanHolder } from '../plan/plan-holder.js';
import { replayQuarantine, type ReplayReport } from '../replay/replay-quarantine.js';
import { loadConfig } from './load-config.js';
import { loadTrackingPlan } from './load-tracking-plan.js';
import { openStore } from './open-store.js';

/** `cairn-collector replay --help`. */
export const REPLAY_HELP_TEXT = `Usage: cairn-collector replay [options]

Runs the quarantined events through the tracking plan again (after you fixed the plan or its
rate table), moves those that now pass into the events table, and prints the counts
(replayed, duplicates, stillFailing) as one JSON line. Safe to run while the collector runs,
and twice: an event already stored counts as a duplicate.

Options:
  --db PATH              SQLite file (env CAIRN_DB; default ./cairn.db)
  --database-url URL     PostgreSQL instead of SQLite (env DATABASE_URL)
  --tracking-plan PATH   The (fixed) tracking plan (env CAIRN_TRACKING_PLAN)
  --config PATH          Read storage, trackingPlan and privacy from cairn.config.json (env CAIRN_CONFIG)
  --source NAME          Only this source's quarantine
  -h, --help             This help
`;

/**
 * The `replay` subcommand: opens the store named by flags, environment or config file, loads
 * the tracking plan, replays the quarantine and logs `{"msg":"replay", replayed, duplicates,
 * stillFailing}`. Bad arguments throw {@link CollectorError} `invalid_argument`.
 *
 * @example
 * // cairn-collector replay --db ./cairn.db --tracking-plan ./plan.json
 * const report = await runReplayCommand(process.argv.slice(3), process.env, logger);
 */
export async function runReplayCommand(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  logger: Logger,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<ReplayReport | undefined> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        db: { type: 'string' },
        'database-url': { type: 'string' },
        'tracking-plan': { type: 'string' },
        config: { type: 'string' },
        source: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CollectorError('invalid_argument', `replay: ${(error as Error).message} (see cairn-collector replay --help)`);
  }
  if (values.help) {
    write(REPLAY_HELP_TEXT);
    return undefined;
  }
  const text = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
  const configPath = text('config') ?? env.CAIRN_CONFIG;
  const config = configPath ? await loadConfig(configPath) : {};
  const planPath = text('tracking-plan') ?? env.CAIRN_TRACKING_PLAN ?? config.trackingPlan;
  const plan = planPath ? await loadTrackingPlan(planPath) : undefined;
  const store = await openStore({
    dbPath: text('db') ?? env.CAIRN_DB ?? config.storage?.db ?? './cairn.db',
    databaseUrl: text('database-url') ?? env.DATABASE_URL ?? config.storage?.databaseUrl,
  });
  try {
    // The config file's privacy settings too: the consent categories decide again whether a
    // refused event (kept without its content) may be stored.
    const stages = createIngestStages({ plan: createPlanHolder(plan), ...(config.privacy ? { privacy: config.privacy } : {}) });
    const source = text('source');
    const report = await replayQuarantine({ store, stages, ...(source ? { source } : {}) });
    logger.info('replay', { ...report, source: source ?? null, trackingPlan: planPath ?? null });
    return report;
  } finally {
    await store.close();
  }
}
