import { expect } from 'vitest';
import type { Store } from '../store/store.js';
import { ERASURE_CORPUS, ERASURE_SURVIVORS } from './store-contract-quarantine.js';

/**
 * Checks a store opened on a database whose quarantine holds, in order, the raws of
 * ERASURE_CORPUS then ERASURE_SURVIVORS (written before the id columns existed) and one alias
 * event: every subject of the corpus erases exactly its rows, the survivors stay.
 */
export async function expectBackfilledErasure(store: Store, options: { aliasEventErasedBy: { anonymousId: string } }): Promise<void> {
  const remaining = new Set(ERASURE_CORPUS.map((_, i) => i));
  for (const entry of ERASURE_CORPUS) {
    for (const subject of entry.erasedBy) {
      const expected = [...remaining].filter((i) => ERASURE_CORPUS[i]?.erasedBy.some((s) => JSON.stringify(s) === JSON.stringify(subject)));
      expected.forEach((i) => remaining.delete(i));
      expect({ subject, ...(await store.erase(subject)) }).toMatchObject({ subject, quarantine: expected.length });
    }
  }
  expect((await store.readQuarantine({ limit: 100 })).map((row) => row.raw)).toEqual(ERASURE_SURVIVORS);
  expect(await store.erase(options.aliasEventErasedBy)).toEqual({ events: 1, quarantine: 0 });
}
