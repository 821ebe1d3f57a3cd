import type { EventSummary } from '@cairn/protocol';
import { h, type Child } from '../dom.js';
import { openEventDetail } from './event-detail.js';
import type { ConsolePage } from './page.js';

const MAX_ROWS = 500;
const FILTERS = ['source', 'type', 'event', 'userId', 'anonymousId', 'device'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

/** Live events: the newest page, then each event as it is stored (Server-Sent Events). */
export const livePage: ConsolePage = {
  id: 'live',
  title: 'Live events',
  mount(root, context) {
    let filters: Filters = {};
    let paused = false;
    let held: EventSummary[] = [];
    let next: string | null = null;
    let stream: EventSource | undefined;
    const shown = new Set<string>();
    const body = h('tbody', { 'data-testid': 'live-rows' });
    const status = h('span', { class: 'status', 'data-testid': 'live-status' }, 'connecting…');
    const pauseButton = h('button', { type: 'button', 'data-testid': 'pause', onclick: () => togglePause() }, 'Pause');
    const older = h('button', { type: 'button', class: 'secondary', onclick: () => void loadPage(true) }, 'Load older');

    const row = (e: EventSummary) =>
      h(
        'tr',
        { class: 'clickable', tabindex: 0, 'data-message-id': e.messageId, onclick: () => void open(e), onkeydown: (k) => (k as KeyboardEvent).key === 'Enter' && void open(e) },
        h('td', {}, new Date(e.receivedAt).toLocaleTimeString()),
        h('td', {}, e.source),
        h('td', {}, h('span', { class: `badge type-${e.type}` }, e.type)),
        h('td', { class: 'name' }, e.event ?? e.name ?? ''),
        h('td', { class: 'id' }, e.userId ?? ''),
        h('td', { class: 'id' }, e.anonymousId ?? ''),
        h('td', {}, e.device ?? ''),
      );
    const open = (e: EventSummary) => openEventDetail(context.api, e.source, e.messageId).catch((error: Error) => context.notify(error.message, 'error'));
    const key = (e: EventSummary) => `${e.source}\u0000${e.messageId}`;
    const prepend = (events: EventSummary[]) => {
      for (const e of events) {
        if (shown.has(key(e))) continue;
        shown.add(key(e));
        body.prepend(row(e));
      }
      while (body.rows.length > MAX_ROWS) body.lastElementChild?.remove();
    };
    const setStatus = () => {
      status.textContent = paused ? `paused · ${held.length} new event${held.length === 1 ? '' : 's'} waiting` : 'live';
      status.className = `status ${paused ? 'paused' : 'live'}`;
    };
    const togglePause = () => {
      paused = !paused;
      pauseButton.textContent = paused ? 'Resume' : 'Pause';
      if (!paused) {
        prepend(held);
        held = [];
      }
      setStatus();
    };
    const connect = () => {
      stream?.close();
      stream = new EventSource(context.api.url('/events/stream', filters));
      stream.addEventListener('ready', () => setStatus());
      stream.addEventListener('event', (message) => {
        const e = JSON.parse((message as MessageEvent<string>).data) as EventSummary;
        if (paused) {
          held.push(e);
          setStatus();
        } else prepend([e]);
      });
      stream.addEventListener('error', () => {
        status.textContent = 'reconnecting…';
        status.className = 'status error';
      });
    };
    async function loadPage(more: boolean) {
      try {
        const page = await context.api.get<{ events: EventSummary[]; next: string | null }>('/events', { ...filters, limit: 50, before: more ? (next ?? undefined) : undefined });
        next = page.next;
        older.hidden = next === null;
        for (const e of page.events) {
          if (shown.has(key(e))) continue;
          shown.add(key(e));
          body.append(row(e));
        }
      } catch (error) {
        context.notify((error as Error).message, 'error');
      }
    }
    const apply = (form: HTMLFormElement) => {
      const data = new FormData(form);
      filters = {};
      for (const name of FILTERS) {
        const value = String(data.get(name) ?? '').trim();
        if (value) filters[name] = value;
      }
      body.replaceChildren();
      shown.clear();
      held = [];
      void loadPage(false);
      connect();
    };

    const select = (name: string, label: string, options: string[]): Child =>
      h('label', {}, label, h('select', { name }, h('option', { value: '' }, 'any'), ...options.map((o) => h('option', { value: o }, o))));
    const text = (name: string, label: string): Child => h('label', {}, label, h('input', { name, type: 'search', autocomplete: 'off', spellcheck: false }));
    const form = h(
      'form',
      { class: 'filters', 'data-testid': 'live-filters', onsubmit: (e) => (e.preventDefault(), apply(e.target as HTMLFormElement)) },
      select('source', 'Source', context.sources),
      select('type', 'Type', ['track', 'page', 'identify', 'group', 'alias', 'screen']),
      text('event', 'Event name'),
      text('userId', 'userId'),
      text('anonymousId', 'anonymousId'),
      select('device', 'Device', ['mobile', 'tablet', 'desktop']),
      h('button', { type: 'submit' }, 'Apply'),
    );
    root.append(
      h('div', { class: 'toolbar' }, h('h1', {}, 'Live events'), status, pauseButton),
      form,
      h(
        'table',
        { class: 'events' },
        h('caption', { class: 'visually-hidden' }, 'Stored events, newest first'),
        h('thead', {}, h('tr', {}, ...['Received', 'Source', 'Type', 'Event / name', 'userId', 'anonymousId', 'Device'].map((c) => h('th', { scope: 'col' }, c)))),
        body,
      ),
      older,
    );
    void loadPage(false);
    connect();
    return () => stream?.close();
  },
};

