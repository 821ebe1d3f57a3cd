import { afterEach, describe, expect, it, vi } from 'vitest';
import { autoPage } from './auto-page.js';

const original = { pushState: history.pushState, replaceState: history.replaceState };

afterEach(() => {
  Object.assign(history, original);
  vi.useRealTimers();
});

describe('autoPage', () => {
  it('records a view now and one per client-side navigation to a new path or query', () => {
    vi.useFakeTimers();
    history.replaceState({}, '', '/');
    const views: string[] = [];
    autoPage({ page: () => views.push(location.pathname + location.search) });
    expect(views).toEqual(['/']);

    history.pushState({}, '', '/products');
    expect(views).toEqual(['/']); // recorded on the next task, once the router set the title
    vi.runAllTimers();
    history.pushState({}, '', '/products#reviews'); // the hash alone: same page
    vi.runAllTimers();
    history.replaceState({}, '', '/products?sort=price');
    vi.runAllTimers();
    history.replaceState({ scroll: 10 }, ''); // state only: same page
    vi.runAllTimers();
    expect(views).toEqual(['/', '/products', '/products?sort=price']);
  });

  it('records back / forward navigations (popstate)', () => {
    vi.useFakeTimers();
    history.replaceState({}, '', '/a');
    const views: string[] = [];
    autoPage({ page: () => views.push(location.pathname) });
    // On back / forward the browser changes the URL itself (no pushState), then fires popstate.
    original.pushState.call(history, {}, '', '/c');
    dispatchEvent(new PopStateEvent('popstate'));
    vi.runAllTimers();
    expect(views).toEqual(['/a', '/c']);
  });

  it('keeps pushState working for the app', () => {
    autoPage({ page: () => {} });
    history.pushState({ id: 7 }, '', '/kept');
    expect(location.pathname).toBe('/kept');
    expect(history.state).toEqual({ id: 7 });
  });
});
