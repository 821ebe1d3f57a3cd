import type { Stage } from './stage.js';

/**
 * On the single-event routes (`POST /v1/track` …) an event may leave out `type`: the path
 * says it. An explicit `type` is kept, and checked like any other.
 *
 * @example
 * // POST /v1/page {"name":"Home"} is stored as type "page"
 */
export const applyPathType: Stage = {
  name: 'apply-path-type',
  run(draft, context) {
    const { type } = draft.event;
    if (context.pathType === undefined || (type !== undefined && type !== null)) return draft;
    return { ...draft, event: { ...draft.event, type: context.pathType } };
  },
};
