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
 * submits the form (`form.submit()`, which fires no second submit event), with the pressed
 * button's name=value. A form submitted by script with `form.submit()` fires no submit event
 * and is not tracked, as with Segment.
 *
 * @example
 * bindForms(document.getElementById('signup'), 'Signed Up', undefined, analytics.track);
 */
export function bindForms(forms: unknown, event: unknown, properties: unknown, track: Track): void {
  for (const form of elements(forms)) {
    form.addEventListener('submit', (submit) => {
      submit.preventDefault();
      const submitter = (submit as SubmitEvent).submitter as HTMLButtonElement | null;
      track(resolve(event, form), resolve(properties, form)).then(() => {
        // submit() sends no submitter: its name=value (which of two buttons was pressed) goes
        // as a hidden field, as the browser's own submission would have sent it.
        const field =
          submitter?.name && form.appendChild(Object.assign(document.createElement('input'), { type: 'hidden', name: submitter.name, value: submitter.value }));
        // The prototype's submit: a control named "submit" (<input name="submit">, common) hides the form's own.
        HTMLFormElement.prototype.submit.call(form);
        if (field) field.remove();
      });
    });
  }
}
