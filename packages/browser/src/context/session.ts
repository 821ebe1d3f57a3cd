import type { EventContext } from '@cairn/protocol';
import type { Clock, KeyValueStorage } from '../core/types.js';
import { parseCampaign } from './campaign.js';
import { readJson } from './stored-json.js';

const KEY = 'cairn:session';

/** Default `sessionTimeout`: 30 minutes without an event ends a session (as in GA and Segment). */
export const SESSION_TIMEOUT = 18e5;

/**
 * Adds the session and its campaign to a context (`context.sessionId`, `context.campaign`).
 * One record in storage (localStorage in a browser) shared by the site's tabs: any tab's
 * event keeps the session alive, and `timeout` ms without one starts a new session with a new
 * id and no campaign. A page whose URL (`context.page.search`) carries UTM parameters or
 * click ids sets the session's campaign, replacing the previous one rather than mixing two
 * ads' values; later pages keep it, so "saw a retargeting ad" is answerable on every event.
 *
 * @example
 * const withSession = createSession(createLocalStorage(), systemClock, createUlid());
 * withSession(pageContext()).campaign // { source: 'google', gclid: '…' }
 */
export function createSession(storage: KeyValueStorage, clock: Clock, ids: () => string, timeout?: number) {
  // `+`: the script tag passes data-session-timeout as a string.
  timeout = +timeout! || SESSION_TIMEOUT;
  return (context: EventContext): EventContext => {
    const now = clock.now();
    const session = readJson(storage, KEY);
    if (!(now - session.at < timeout!)) session.id = session.campaign = undefined;
    session.id = session.id || ids();
    session.campaign = parseCampaign(context.page && context.page.search) || session.campaign;
    session.at = now;
    storage.set(KEY, JSON.stringify(session));
    return { ...context, sessionId: session.id, campaign: session.campaign };
  };
}
