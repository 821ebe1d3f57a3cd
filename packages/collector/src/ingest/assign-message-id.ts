import { deriveMessageId } from './derive-message-id.js';
import type { Stage } from './stage.js';

/**
 * Gives an event without `messageId` a content-derived one so a resend still dedups.
 *
 * @example
 * // {"type":"identify","userId":"u1"} → messageId "sha256-…"
 */
export const assignMessageId: Stage = {
  name: 'assign-message-id',
  async run(draft) {
    if (draft.messageId !== undefined) return draft;
    return { ...draft, messageId: await deriveMessageId(draft.event) };
  },
};
