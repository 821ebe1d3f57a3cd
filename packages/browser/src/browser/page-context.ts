import type { EventContext } from '@cairn/protocol';
import { deviceType } from '../context/device-type.js';
import { inBrowser } from './in-browser.js';

/**
 * The page and browser an event happens in, in Segment's context names. Empty outside a
 * browser (SSR), so the core can call it anywhere. `userAgentData` holds the low-entropy
 * User-Agent Client Hints where the browser has them (the high-entropy ones need an async
 * call); `screen` carries the viewport as innerWidth/innerHeight, as RudderStack names them.
 *
 * Called on every event, so it reads only what is cheap and may change (the URL and the
 * title, ~160 ns together) and hands back the same object while they stay the same (and no
 * `resize` came). The rest is read when they
 * change, and the time zone once: `Intl.DateTimeFormat().resolvedOptions()` costs 50–250 µs
 * in Chromium.
 *
 * @example
 * const pageContext = createPageContext();
 * pageContext().page?.path // '/pricing'
 */
export function createPageContext(): () => EventContext {
  let last: EventContext = {};
  let url: string | undefined;
  let title: string | undefined;
  let timezone: string | undefined;
  return () => {
    if (!inBrowser()) return last;
    // document.URL is the same string as location.href (pushState and hash changes update
    // both) at a fifth of the cost in Chromium (~120 ns against ~550). The viewport is not
    // read per event (~300 ns): a resize forgets the snapshot instead.
    if (document.URL != url || document.title != title) {
      if (url === undefined) addEventListener('resize', () => (url = ''));
      url = document.URL;
      title = document.title;
      const hints = (navigator as { userAgentData?: { mobile: boolean; toJSON(): object } }).userAgentData;
      last = {
        page: { url, path: location.pathname, search: location.search, referrer: document.referrer, title },
        userAgent: navigator.userAgent,
        // A plain copy ({brands, mobile, platform}): serializing the browser's object costs µs each time.
        userAgentData: hints?.toJSON(),
        device: { type: deviceType(navigator.userAgent, hints?.mobile, navigator.maxTouchPoints) },
        screen: { width: screen.width, height: screen.height, density: devicePixelRatio, innerWidth, innerHeight },
        locale: navigator.language,
        timezone: (timezone ||= Intl.DateTimeFormat().resolvedOptions().timeZone),
      };
    }
    return last;
  };
}
