// A page of an npm-built site in required mode that keeps undecided events in IndexedDB
// (holdUndecided), bundled by test/consent-hold.test.ts into /hold.js. Endpoint and write key
// come from its script tag, which the test's static server rewrites.
import { createIdbQueue, createTracker, holdIn } from '@cairn/browser';

const data = (document.currentScript as HTMLScriptElement).dataset;
(window as unknown as { cairn: unknown }).cairn = createTracker({
  writeKey: data.writeKey!,
  endpoint: data.endpoint!,
  consent: 'required',
  flushInterval: 200,
  retryDelay: 50,
  holdUndecided: holdIn(createIdbQueue('cairn-undecided')),
});
