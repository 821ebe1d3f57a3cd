import type { Clock } from './types.js';

/** The real clock; timers are looked up at call time so fake timers and SSR both work. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
};
