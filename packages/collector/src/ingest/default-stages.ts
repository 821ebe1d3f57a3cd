import { applyPathType } from './apply-path-type.js';
import { assignMessageId } from './assign-message-id.js';
import { cartAbandonedId } from './cart-abandoned-id.js';
import { checkEnvelope } from './check-envelope.js';
import { checkEventSize } from './check-event-size.js';
import { correctTimestamp } from './correct-timestamp.js';
import type { Stage } from './stage.js';

/**
 * The minimal pipeline: size, envelope, message id, timestamp (formats and skew). The
 * collector's default is the full one, `createIngestStages` (limits, tracking plan, names,
 * defaults, money, privacy), which starts with these; a custom pipeline must keep the id and
 * timestamp stages. `npm run bench` compares the two.
 *
 * @example
 * createCollector({ sources, store, stages: [...DEFAULT_STAGES, myRule] });
 */
export const DEFAULT_STAGES: readonly Stage[] = [
  checkEventSize,
  applyPathType,
  checkEnvelope,
  assignMessageId,
  cartAbandonedId,
  correctTimestamp,
];
