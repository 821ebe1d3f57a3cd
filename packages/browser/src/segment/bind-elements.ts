import type { Settled } from './segment-facade.js';

type Track = (event: unknown, properties: unknown) => Settled;

/** Elements from what Segment's helpers take: one element, an array, a NodeList or a jQuery object. */
const elements = (value: unknown): Element[] =>
  !value ? [] : value instanceof Element ? [value] : Array.from(value as ArrayLike<Element>);

/** A value given per element (a function of it) or fixed. */
const resolve = (value: unknown, element: Element) => (typeof value == 'function' ? value(element) : value);

/**
 * Segment's trackLink: a click on each link tracks `event` (with `properties`), then, once the
 * track settled (the tracker's flush or its timeout), follows the link. A link opening a new tab
 * (`target="_blank"`, a modifier key) is followed at once by the browser, as with Segment.
 *
 * @example
 * bindLinks(document.querySelectorAll('a.signup'), 'Signup Clicked', { plan: 'pro' }, analytics.track);
 */
export function bindLinks(links: unknown, event: unknown, properties: unknown, track: Track): void {
  for (const link of elements(links)) {
    link.addEventListener('click', (click) => {
      const mouse = click as MouseEvent;
      const href =
        link.getAttribute('href') ||
        link.getAttributeNS('http://www.w3.org/1999/xlink', 'href') ||
        link.getAttribute('xlink:href') ||
        link.getElementsByTagName('a')[0]?.getAttribute('href');
      const tracked = track(resolve(event, link), resolve(properties, link));
      if (href && link.getAttribute('target') != '_blank' && !mouse.metaKey && !mouse.ctrlKey && !mouse.shiftKey) {
        click.preventDefault();
        tracked.then(() => location.assign(href));
      }
    });
  }
}

/**
 * Segment's trackForm: a submit of each form tracks `event`, then, once the track settled,
 * submits the form (`form.submit()`, which fires no second submit event).
 *
 * @example
 * bindForms(document.getElementById('signup'), 'Signed Up', undefined, analytics.track);
 */
export function bindForms(forms: unknown, event: unknown, properties: unknown, track: Track): void {
  for (const form of elements(forms)) {
    form.addEventListener('submit', (submit) => {
      submit.preventDefault();
      track(resolve(event, form), resolve(properties, form)).then(() => (form as HTMLFormElement).submit());
    });
  }
}
