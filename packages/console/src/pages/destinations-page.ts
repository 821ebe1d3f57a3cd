import { dataTable, formatCount, formatDuration, h } from '../dom.js';
import type { ConsolePage } from './page.js';

interface Destination {
  name: string;
  kind?: string;
  delivered: number;
  pending: number;
  failed: number;
  deadLettered: number;
  lagSeconds: number | null;
  lastError: string | null;
}

/** Destinations: what each one received, what waits or failed, and replay of its dead letters. */
export const destinationsPage: ConsolePage = {
  id: 'destinations',
  title: 'Destinations',
  mount(root, context) {
    const content = h('div', { 'data-testid': 'destinations' });

    const refresh = async () => {
      try {
        draw(await context.api.get<Destination[]>('/destinations'));
      } catch (error) {
        context.notify((error as Error).message, 'error');
      }
    };
    const replay = async (name: string) => {
      try {
        const { replayed } = await context.api.post<{ replayed: number }>(`/destinations/${encodeURIComponent(name)}/replay`, {});
        context.notify(`${name}: ${replayed} dead letter${replayed === 1 ? '' : 's'} back in the queue`);
        await refresh();
      } catch (error) {
        context.notify((error as Error).message, 'error');
      }
    };
    const draw = (rows: Destination[]) => {
      if (rows.length === 0) {
        content.replaceChildren(
          h('p', { class: 'empty', 'data-testid': 'destinations-empty' }, 'No destination is configured. Add one under "destinations" in the config file (docs/destinations.md) and restart the collector.'),
        );
        return;
      }
      content.replaceChildren(
        dataTable(
          'Destinations, in config order',
          [
            { label: 'Name', value: (d) => d.name },
            { label: 'Kind', value: (d) => d.kind ?? '' },
            { label: 'Delivered', value: (d) => formatCount(d.delivered), numeric: true },
            { label: 'Pending', value: (d) => formatCount(d.pending), numeric: true },
            { label: 'Failed attempts', value: (d) => formatCount(d.failed), numeric: true },
            { label: 'Dead-lettered', value: (d) => formatCount(d.deadLettered), numeric: true },
            { label: 'Lag', value: (d) => formatDuration(d.lagSeconds), numeric: true },
            { label: 'Last error', value: (d) => h('span', { class: 'reason' }, d.lastError ?? '') },
            {
              label: '',
              value: (d) => h('button', { type: 'button', class: 'secondary', disabled: d.deadLettered === 0, onclick: () => void replay(d.name) }, 'Replay dead letters'),
            },
          ],
          rows,
          { 'data-testid': 'destination-rows' },
        ),
      );
      for (const [i, row] of content.querySelectorAll('tbody tr').entries()) row.setAttribute('data-name', rows[i]?.name ?? '');
    };

    root.append(
      h('div', { class: 'toolbar' }, h('h1', {}, 'Destinations'), h('button', { type: 'button', class: 'secondary', onclick: () => void refresh() }, 'Refresh')),
      h('p', { class: 'hint' }, 'Each destination has its own queue. Delivered and failed attempts are totals; pending waits to be sent (lag: the age of the oldest); dead letters gave up (a 4xx answer, or failing past deadLetterAfterSeconds): replay puts them back at the front of the queue.'),
      content,
    );
    void refresh();
    const timer = setInterval(() => void refresh(), 5_000);
    return () => clearInterval(timer);
  },
};
