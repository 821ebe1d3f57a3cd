import type { QueuedEvent } from './ports.js';

/**
 * Several events as one stored value: the ids joined by spaces, the JSON joined by newlines
 * (JSON text never holds a raw one). Two strings clone into IndexedDB (and localStorage) and
 * back at memcpy speed; an array of event objects takes 2–3 times as long. Sizes are not
 * kept: an event is measured when it is first sent.
 */
export type Packed = [ids: string, json: string];

/**
 * Packs events for storage.
 *
 * @example
 * pack([{ id: '01H…', json: '{…}', bytes: 0 }]) // ['01H…', '{…}']
 */
export const pack = (events: QueuedEvent[]): Packed => [events.map((event) => event.id).join(' '), events.map((event) => event.json).join('\n')];

/**
 * The events of a packed value (records of an earlier version carry a third element, ignored).
 *
 * @example
 * unpack(pack(events)).length == events.length
 */
export const unpack = ([ids, json]: Packed): QueuedEvent[] => {
  const texts = json.split('\n');
  return ids.split(' ').map((id, n) => ({ id, json: texts[n]!, bytes: 0 }));
};
