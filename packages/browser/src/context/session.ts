import type { EventContext } from '@cairn/protocol';
import { SESSION_KEY as KEY } from '../core/storage-keys.js';
import type { Clock, KeyValueStorage } from '../core/ports.js';
import { parseCampaign } from './campaign.js';
import { readJson } from './stored-json.js';

/** Default `sessionTimeout`: 30 minutes without an event ends a session (as in GA and Segment). */
export const SESSION_TIMEOUT = 18e5;

interface Session {
  id?: string;
  /** Time of the session's last event, any tab. */
  at?: number;
  campaign?: Record<string, string>;
}

/**
 * Adds the session and its campaign to a context (`context.sessionId`, `context.campaign`).
 * One record in storage (localStorage in a browser) shared by the site's tabs: any tab's
 * event keeps the session alive, and `timeout` ms without one starts a new session with a new
 * id and no campaign. A page whose URL (`context.page.search`) carries UTM parameters or
 * click ids sets the session's campaign, replacing the previous one rather than mixing two
 * ads' values; later pages keep it, so "saw a retargeting ad" is answerable on every event.
 *
 * The session lives in memory and is written when its id or campaign changes, else at most
 * every `timeout / 360` ms (5 s of 30 min): a localStorage write costs ~25 µs in Chromium,
 * too much for every event. Another tab's write (seen through the storage's cache, which the
 * `storage` event keeps current) is taken over when it is the newer one, so tabs share one
 * session; the time they see is at most that interval behind.
 *
 * @example
 * const withSession = createSession(createLocalStorage(), systemClock, createUlid());
 * withSession(pageContext()).campaign // { source: 'google', gclid: '…' }
 */
export function createSession(storage: KeyValueStorage, clock: Clock, ids: () => string, timeout?: number) {
  // `+`: the script tag passes data-session-timeout as a string.
  const ttl = +timeout! || SESSION_TIMEOUT;
  let session: Session = {};
  // The stored value last read or written: any other one was written by another tab.
  let stored: string | null | undefined;
  let saved = 0;
  // The last page's query and its campaign, and the last context handed out.
  let search: string | undefined;
  let campaign: Session['campaign'];
  return (context: EventContext): EventContext => {
    const now = clock.now();
    if (storage.get(KEY) !== stored) {
      const other: Session = readJson(storage, KEY);
      stored = storage.get(KEY);
      if (!(other.at! < session.at!)) session = other;
    }
    let changed = !(now - session.at! < ttl);
    if (changed) session = { id: ids() };
    const query = context.page?.search;
    if (query !== search) campaign = parseCampaign((search = query));
    if (campaign && campaign !== session.campaign) changed = !!(session.campaign = campaign);
    session.at = now;
    if (changed || now - saved > ttl / 360) {
      storage.set(KEY, (stored = JSON.stringify(session)));
      saved = now;
    }
    return { ...context, sessionId: session.id, campaign: session.campaign };
  };
}
