import { createApi } from './api.js';
import { h } from './dom.js';
import { PAGES } from './pages/index.js';
import type { PageContext } from './pages/page.js';

/** The console shell: nav from PAGES, a hash router (#live, #quarantine, #overview, #segments, #funnels, #destinations), sign-out. */
async function start(): Promise<void> {
  const api = createApi();
  const app = document.getElementById('app') as HTMLElement;
  const notice = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite', 'data-testid': 'notice' });
  const main = h('main', { id: 'main' });
  const [{ sources }, csrf] = await Promise.all([api.get<{ sources: string[] }>('/sources'), api.csrfToken()]);
  const context: PageContext = {
    api,
    sources,
    notify(message, kind = 'info') {
      notice.textContent = message;
      notice.className = `notice ${kind}`;
    },
  };
  const nav = h('nav', { 'aria-label': 'Console' }, ...PAGES.map((page) => h('a', { href: `#${page.id}`, 'data-page': page.id }, page.title)));
  const signOut = h(
    'form',
    { method: 'post', action: '/console/sign-out', class: 'sign-out' },
    h('input', { type: 'hidden', name: 'csrf', value: csrf }),
    h('button', { type: 'submit', class: 'secondary' }, 'Sign out'),
  );
  app.append(h('header', { class: 'top' }, h('a', { class: 'brand', href: '#' }, 'Cairn'), nav, signOut), notice, main);

  let cleanup: () => void = () => undefined;
  const route = () => {
    const id = location.hash.slice(1).split('?')[0];
    const page = PAGES.find((candidate) => candidate.id === id) ?? PAGES[0];
    if (!page) return;
    cleanup();
    main.replaceChildren();
    main.dataset.page = page.id;
    notice.textContent = '';
    for (const link of nav.querySelectorAll('a')) link.toggleAttribute('aria-current', link.dataset.page === page.id);
    document.title = `${page.title} · Cairn console`;
    cleanup = page.mount(main, context);
  };
  window.addEventListener('hashchange', route);
  route();
}

void start();
