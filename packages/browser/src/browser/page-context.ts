import type { EventContext } from '@cairn/protocol';

/**
 * The page and browser an event happens in, in Segment's context names. Empty outside a
 * browser (SSR), so the core can call it anywhere.
 *
 * @example
 * pageContext().page?.path // '/pricing'
 */
export function pageContext(): EventContext {
  if (typeof document == 'undefined') return {};
  return {
    page: {
      url: location.href,
      path: location.pathname,
      search: location.search,
      referrer: document.referrer,
      title: document.title,
    },
    userAgent: navigator.userAgent,
    locale: navigator.language,
  };
}
