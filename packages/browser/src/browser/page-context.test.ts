import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPageContext } from './page-context.js';

afterEach(() => vi.restoreAllMocks());

describe('createPageContext', () => {
  it('describes the page in Segment’s names', () => {
    history.pushState({}, '', '/pricing?plan=pro#faq');
    document.title = 'Subscriptions';
    const context = createPageContext()();
    expect(context.page).toMatchObject({ path: '/pricing', search: '?plan=pro', title: 'Subscriptions', referrer: '' });
    expect(context.page?.url).toMatch(/\/pricing\?plan=pro#faq$/);
    expect(context.userAgent).toBe(navigator.userAgent);
    expect(context.locale).toBe(navigator.language);
  });

  it('hands back the same object until the URL, the title or the viewport changes', () => {
    history.pushState({}, '', '/a');
    document.title = 'A';
    const pageContext = createPageContext();
    const first = pageContext();
    expect(pageContext()).toBe(first);
    history.pushState({}, '', '/b');
    const second = pageContext();
    expect(second).not.toBe(first);
    expect(second.page).toMatchObject({ path: '/b', title: 'A' });
    document.title = 'B';
    const third = pageContext();
    expect(third.page?.title).toBe('B');
    expect(pageContext()).toBe(third);
    // The viewport is read again after a resize (not on every event).
    vi.spyOn(window, 'innerWidth', 'get').mockReturnValue(333);
    expect(pageContext()).toBe(third);
    dispatchEvent(new Event('resize'));
    expect(pageContext().screen).toMatchObject({ innerWidth: 333 });
    expect(pageContext().page?.title).toBe('B');
  });

  it('reads the time zone once per page, not per event', () => {
    const format = vi.spyOn(Intl, 'DateTimeFormat');
    const pageContext = createPageContext();
    for (let i = 0; i < 5; i++) {
      history.pushState({}, '', '/step-' + i);
      expect(pageContext().timezone).toEqual(expect.any(String));
    }
    expect(format).toHaveBeenCalledTimes(1);
  });
});
