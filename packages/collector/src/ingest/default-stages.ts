import { applyPathType } from './apply-path-type.js';
import { assignMessageId } from './assign-message-id.js';
import { checkEnvelope } from './check-envelope.js';
import { checkEventSize } from './check-event-size.js';
import { correctTimestamp } from './correct-timestamp.js';
import type { Stage } from './stage.js';

/**
 * The pipeline every event runs through, in order. Rules that need a valid envelope (tracking
 * plan, defaults, currency, name aliases) go after `checkEnvelope`; the id and timestamp
 * stages must stay.
 *
 * @example
 * createCollector({ sources, store, stages: [...DEFAULT_STAGES, myRule] });
 */
export const DEFAULT_STAGES: readonly Stage[] = [
  checkEventSize,
  applyPathType,
  checkEnvelope,
  assignMessageId,
  correctTimestamp,
];
