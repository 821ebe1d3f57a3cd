import { describe, expect, it } from 'vitest';
import { pageContext } from './page-context.js';

describe('pageContext', () => {
  it('describes the page in Segment’s names', () => {
    history.pushState({}, '', '/pricing?plan=pro#faq');
    document.title = 'Subscriptions';
    const context = pageContext();
    expect(context.page).toMatchObject({ path: '/pricing', search: '?plan=pro', title: 'Subscriptions', referrer: '' });
    expect(context.page?.url).toMatch(/\/pricing\?plan=pro#faq$/);
    expect(context.userAgent).toBe(navigator.userAgent);
    expect(context.locale).toBe(navigator.language);
  });
});
