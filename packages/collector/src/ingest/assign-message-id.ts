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
  // Not `async`: the common case (the client set an id) then costs no promise and no await.
  run(draft) {
    if (draft.messageId !== undefined) return draft;
    return deriveMessageId(draft.event).then((messageId) => ({ ...draft, messageId }));
  },
};
