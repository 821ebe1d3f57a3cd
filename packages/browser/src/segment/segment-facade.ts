import type { CallOptions, Properties, Tracker } from '../core/types.js';
import { bindForms, bindLinks } from './bind-elements.js';
import { readSegmentValue } from './segment-ids.js';

/** What Segment's calls resolve with and hand their callback: the event as Segment's Context has it. */
export interface SegmentContext {
  event: { type: string; anonymousId: string; userId?: string } & Properties;
}

/** What Segment's calls return: a Promise of the Context. */
export type Settled = ReturnType<typeof lazily<SegmentContext>>;

type Args = unknown[];

/**
 * Segment's Promise, started only when something waits on it (`then`, `catch`, `finally`,
 * `await`): `start` runs once, on the first of these.
 *
 * @example
 * return lazily(() => tracker.flush().then(() => context));
 */
export function lazily<T>(start: () => Promise<T>): PromiseLike<T> & Pick<Promise<T>, 'catch' | 'finally'> {
  let started: Promise<T> | undefined;
  const run = () => (started ||= start());
  return {
    then: (onFulfilled, onRejected) => run().then(onFulfilled, onRejected),
    catch: (onRejected) => run().catch(onRejected),
    finally: (onFinally) => run().finally(onFinally),
  };
}

/**
 * Segment's methods Cairn has no equivalent for (the snippet stubs them; newer snippets may add
 * more): the first three record events in Segment and take a callback, the others do not.
 */
const UNSUPPORTED = 'group,alias,screen,pageview,debug,on,once,off,setAnonymousId,register,deregister,addSourceMiddleware,addIntegrationMiddleware,addDestinationMiddleware,addIntegration,use'.split(',');
const WITH_CALLBACK = 3;

const isObject = (value: unknown): value is Properties => !!value && typeof value == 'object' && !Array.isArray(value);

/** A call's data arguments and its callback: Segment takes the first function argument as the callback. */
const split = (args: Args): [Args, ((context: SegmentContext) => unknown) | undefined] => {
  const at = args.findIndex((arg) => typeof arg == 'function');
  return at < 0 ? [args, undefined] : [args.slice(0, at), args[at] as (context: SegmentContext) => unknown];
};

/**
 * Gives `target` (the snippet's `window.analytics`) Segment's analytics.js API on a Cairn
 * tracker, for sites instrumented through Segment's snippet (see segment-script-tag.ts). track/page/identify record through the tracker and
 * return what Segment's do: a Promise of the event's Context, settled once the tracker's queue
 * is flushed or `timeout(ms)` (300 by default, as Segment's) has passed, whichever is first,
 * after the call's callback (last function argument) ran. The flush starts only when something
 * waits (a callback, `then`, `await`), so calls nobody awaits keep Cairn's batching; Cairn's
 * queue is durable, so a page that leaves before delivery loses nothing. `warn` hears of calls
 * Cairn ignores (once per method); `methods` names more methods to answer that way (the
 * snippet's list: a stub left in place would call itself once `initialized` is set).
 *
 * @example
 * const analytics = createSegmentFacade(window.analytics, tracker, console.warn);
 * await analytics.track('Clicked', { id: 1 });
 */
export function createSegmentFacade(
  target: Record<string, any>,
  tracker: Tracker,
  warn: (message: string) => void,
  methods: readonly string[] = [],
) {
  let timeout = 300;
  // Traits given to identify() on this page, over those Segment's library kept for the user
  // Cairn has now (its ids adopted): Cairn keeps none itself (they are in the identify events).
  // Another user's (after a reset(), or with Segment's ids not adopted) are not this one's.
  const stored = readSegmentValue('ajs_user_traits');
  const { userId, anonymousId } = tracker.user();
  const segmentUserId = readSegmentValue('ajs_user_id');
  const [theirs, mine] = segmentUserId != null ? [segmentUserId, userId] : [readSegmentValue('ajs_anonymous_id'), anonymousId];
  let traits: Properties = isObject(stored) && theirs != null && String(theirs) == mine ? stored : {};
  const warned: Record<string, 1> = {};
  const once = (key: string, message: string) => warned[key] || ((warned[key] = 1), warn(message));

  const settle = (type: string, fields: Properties, callback?: (context: SegmentContext) => unknown): Settled => {
    const context: SegmentContext = { event: { type, ...fields, ...tracker.user() } };
    const settled = lazily(() =>
      Promise.race([tracker.flush(), new Promise((resolve) => setTimeout(resolve, timeout))])
        .then(() => callback?.(context))
        // As Segment does: a throwing callback is logged, the call still resolves.
        .catch((error) => console.error(error))
        .then(() => context),
    );
    if (callback) settled.then();
    return settled;
  };

  const unsupported = (method: string, index: number) => (...args: Args) => {
    once(method, `analytics.${method}() is not supported by Cairn: the call is ignored`);
    // group/alias/screen take callbacks that may navigate: they still run, and the call returns
    // its Promise; the others return the global, as Segment's chainable ones do.
    return index < WITH_CALLBACK ? settle(method, {}, split(args)[1]) : target;
  };

  const user = {
    id: () => tracker.user().userId ?? null,
    anonymousId: () => tracker.user().anonymousId,
    traits: () => ({ ...traits }),
  };

  const own: Record<string, unknown> = {
    track(...args: Args) {
      const [[event, properties, options], callback] = split(args);
      tracker.track(event as string, properties as Properties, options as CallOptions);
      return settle('track', { event, properties }, callback);
    },
    /** page(category?, name?, properties?, options?, callback?): two strings are the category and the name. */
    page(...args: Args) {
      const [data, callback] = split(args);
      const strings = data.filter((arg) => typeof arg == 'string') as string[];
      // As Segment: a lone object in the fourth place is the options (page('Docs', 'Intro', null, options)).
      const objects = data.filter(isObject);
      const [properties, options] = objects[1] || data[3] != objects[0] ? objects : [undefined, objects[0]];
      const category = strings[1] == null ? undefined : strings[0];
      const name = strings[1] ?? strings[0];
      const withCategory = category == null ? properties : { ...properties, category };
      tracker.page(name as string, withCategory, options as CallOptions);
      return settle('page', { name, properties: withCategory }, callback);
    },
    identify(...args: Args) {
      const [[id, given, options], callback] = split(args);
      const previous = tracker.user().userId;
      tracker.identify(id as string, given as Properties, options as CallOptions);
      // As Segment's User: another userId starts from no traits, they are not this user's.
      const kept = previous && id && !isObject(id) && String(id) != previous ? {} : traits;
      traits = { ...kept, ...(isObject(id) ? id : isObject(given) ? given : {}) };
      return settle('identify', { traits }, callback);
    },
    reset() {
      traits = {};
      tracker.reset();
    },
    user: () => user,
    ready: (callback?: () => unknown) => Promise.resolve().then(() => callback?.()),
    timeout(ms: number) {
      timeout = ms;
    },
    trackLink: (links: unknown, event: unknown, properties?: unknown) => (bindLinks(links, event, properties, own.track as never), target),
    trackForm: (forms: unknown, event: unknown, properties?: unknown) => (bindForms(forms, event, properties, own.track as never), target),
  };
  own.trackClick = own.trackLink;
  own.trackSubmit = own.trackForm;
  // Every other method Segment has or the snippet stubbed is answered as unsupported.
  [...UNSUPPORTED, ...methods].forEach((method, index) => (own[method] ||= unsupported(method, index)));
  return Object.assign(target, own);
}
