import type { EventContext } from '@cairn/protocol';
import { deviceType } from '../context/device-type.js';

/**
 * The page and browser an event happens in, in Segment's context names. Empty outside a
 * browser (SSR), so the core can call it anywhere. `userAgentData` holds the low-entropy
 * User-Agent Client Hints where the browser has them (the high-entropy ones need an async
 * call); `screen` carries the viewport as innerWidth/innerHeight, as RudderStack names them.
 *
 * @example
 * pageContext().page?.path // '/pricing'
 */
export function pageContext(): EventContext {
  if (typeof document == 'undefined') return {};
  const hints = (navigator as { userAgentData?: { mobile: boolean } }).userAgentData;
  return {
    page: {
      url: location.href,
      path: location.pathname,
      search: location.search,
      referrer: document.referrer,
      title: document.title,
    },
    userAgent: navigator.userAgent,
    // Kept as the browser's object: JSON.stringify calls its toJSON() ({brands, mobile, platform}).
    userAgentData: hints,
    device: { type: deviceType(navigator.userAgent, hints && hints.mobile, navigator.maxTouchPoints) },
    screen: { width: screen.width, height: screen.height, density: devicePixelRatio, innerWidth, innerHeight },
    locale: navigator.language,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
}
