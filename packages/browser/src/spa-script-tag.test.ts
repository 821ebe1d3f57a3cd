import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubCollectorFetch } from '../test-support/test-kit.js';
import type { Tracker } from './core/types.js';

const win = window as unknown as { cairn?: unknown };
const original = { pushState: history.pushState, replaceState: history.replaceState };
let requests: ReturnType<typeof stubCollectorFetch>['requests'];

function addScriptTag() {
  const script = document.createElement('script');
  script.setAttribute('data-write-key', 'wk_site');
  script.setAttribute('data-endpoint', 'https://collect.test');
  script.setAttribute('data-auto-page', '');
  document.head.append(script);
}

const load = async (entry: './script-tag.js' | './spa-script-tag.js') => {
  vi.resetModules();
  await import(entry);
};
const nextTask = () => new Promise((resolve) => setTimeout(resolve));
const viewedPaths = () => requests.flatMap((request) => request.body.batch).filter((event) => event.type == 'page').map((event) => new URL(event.context!.page!.url!).pathname + new URL(event.context!.page!.url!).search);

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
  document.head.innerHTML = '';
  delete win.cairn;
  history.replaceState({}, '', '/');
  requests = stubCollectorFetch().requests;
  addScriptTag();
});

afterEach(() => {
  Object.assign(history, original);
  vi.unstubAllGlobals();
});

describe('cairn-spa.js, the single-page-app add-on', () => {
  it('cairn.js alone (data-auto-page) sends the view on load and follows no navigation', async () => {
    await load('./script-tag.js');
    history.pushState({}, '', '/products');
    await nextTask();
    await (win.cairn as Tracker).flush();
    expect(viewedPaths()).toEqual(['/']);
  });

  it('loaded before cairn.js, a navigation before cairn.js ran is queued and replayed, later ones sent', async () => {
    await load('./spa-script-tag.js');
    history.pushState({}, '', '/early');
    await nextTask();
    expect(win.cairn).toEqual([['page', expect.any(Number)]]);
    await load('./script-tag.js');
    history.pushState({}, '', '/late#top');
    history.pushState({}, '', '/late#bottom'); // the hash alone: same page
    await nextTask();
    await (win.cairn as Tracker).flush();
    // The queued view is replayed when cairn.js loads, so it sees the page of that time; then
    // data-auto-page's own view of the same page.
    expect(viewedPaths()).toEqual(['/early', '/early', '/late']);
  });

  it('loaded after cairn.js, it sends a view per navigation through the tracker', async () => {
    await load('./script-tag.js');
    await load('./spa-script-tag.js');
    history.pushState({}, '', '/a');
    await nextTask();
    history.replaceState({}, '', '/a?sort=price');
    await nextTask();
    await (win.cairn as Tracker).flush();
    expect(viewedPaths()).toEqual(['/', '/a', '/a?sort=price']);
  });
});
