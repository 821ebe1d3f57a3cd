import { ANONYMOUS_ID, USER_ID } from '../core/storage-keys.js';

/**
 * A value Segment's analytics.js stored for this visitor: its cookie first (as analytics.js
 * reads them), else localStorage; JSON-decoded where it is JSON (analytics.js writes strings
 * raw in cookies and JSON-encoded in localStorage). Undefined when there is none or storage is blocked.
 *
 * @example
 * readSegmentValue('ajs_user_id'); // 'user-42'
 */
export function readSegmentValue(key: string): unknown {
  try {
    const cookie = document.cookie.match('(?:^|; )' + key + '=([^;]*)');
    const raw = cookie ? decodeURIComponent(cookie[1]!) : localStorage.getItem(key);
    if (raw == null || raw === '') return undefined;
    try {
      return JSON.parse(raw) ?? undefined;
    } catch {
      return raw;
    }
  } catch {
    return undefined;
  }
}

/**
 * On the first page a visitor sees under Cairn (no Cairn anonymousId stored yet), Cairn takes
 * the anonymousId and userId Segment's library gave them (`ajs_anonymous_id`, `ajs_user_id`),
 * so a signed-in visitor stays the same user across the switch. Only then: after a reset() in
 * Cairn, a leftover `ajs_user_id` must not sign the visitor back in. Call it only while the
 * identifiers may be stored (analytics consent granted) and before the tracker first reads them
 * (its first event): it writes Cairn's keys in localStorage, where the tracker will find them.
 *
 * @example
 * if (tracker.getConsent().analytics) adoptSegmentIds();
 */
export function adoptSegmentIds(): void {
  try {
    if (localStorage.getItem(ANONYMOUS_ID) != null) return;
    for (const [mine, theirs] of [[ANONYMOUS_ID, 'ajs_anonymous_id'], [USER_ID, 'ajs_user_id']] as const) {
      const value = readSegmentValue(theirs);
      if (value != null && typeof value != 'object') localStorage.setItem(mine, String(value));
    }
  } catch {
    // Storage blocked: Cairn's own ids, in memory, as usual.
  }
}
