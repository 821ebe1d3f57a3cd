import { ERROR_CODES, MAX_EVENT_BYTES } from '@cairn/protocol';
import { utf8Length } from '../json/utf8-length.js';
import { reject, type Stage } from './stage.js';

/**
 * Refuses an event whose JSON is over MAX_EVENT_BYTES (UTF-8), measured on the text as received.
 *
 * @example
 * const stages = [checkEventSize, checkEnvelope];
 */
export const checkEventSize: Stage = {
  name: 'check-event-size',
  run(draft) {
    // UTF-8 takes at most 3 bytes per UTF-16 unit, so short text needs no counting.
    if (draft.rawJson.length * 3 <= MAX_EVENT_BYTES) return draft;
    const bytes = utf8Length(draft.rawJson);
    if (bytes <= MAX_EVENT_BYTES) return draft;
    return reject(ERROR_CODES.eventTooLarge, `event is ${bytes} bytes, over the ${MAX_EVENT_BYTES}-byte limit`);
  },
};
