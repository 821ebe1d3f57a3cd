import type { QuarantineEntry, ReplayResponse } from '@cairn/protocol';
import { append, h } from '../dom.js';
import type { ConsolePage } from './page.js';

/** Quarantine: counts by reason code, the rows, their detail; replay and delete. */
export const quarantinePage: ConsolePage = {
  id: 'quarantine',
  title: 'Quarantine',
  mount(root, context) {
    let code: string | undefined;
    const selected = new Set<number>();
    const summary = h('div', { class: 'chips', 'data-testid': 'quarantine-codes' });
    const body = h('tbody', { 'data-testid': 'quarantine-rows' });
    const detail = h('pre', { class: 'raw', 'data-testid': 'quarantine-detail', hidden: true });
    const actions = h('div', { class: 'actions' });

    const refresh = async () => {
      try {
        const [counts, list] = await Promise.all([
          context.api.get<{ total: number; codes: { code: string; count: number }[] }>('/quarantine/summary'),
          context.api.get<{ rows: QuarantineEntry[] }>('/quarantine', { code, limit: 200 }),
        ]);
        summary.replaceChildren(
          h('button', { type: 'button', class: code === undefined ? 'chip active' : 'chip', onclick: () => filter(undefined) }, `All · ${counts.total}`),
          ...counts.codes.map((c) =>
            h('button', { type: 'button', class: code === c.code ? 'chip active' : 'chip', 'data-code': c.code, onclick: () => filter(c.code) }, `${c.code} · ${c.count}`),
          ),
        );
        selected.clear();
        body.replaceChildren(
          ...(list.rows.length === 0
            ? [h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'Nothing in quarantine'))]
            : list.rows.map((row) =>
                h(
                  'tr',
                  { 'data-id': row.id, 'data-message-id': row.messageId ?? '' },
                  h('td', {}, h('input', { type: 'checkbox', 'aria-label': `Select ${row.messageId ?? row.id}`, onchange: (e) => toggle(row.id, (e.target as HTMLInputElement).checked) })),
                  h('td', {}, new Date(row.receivedAt).toLocaleString()),
                  h('td', {}, row.source ?? ''),
                  h('td', {}, h('span', { class: 'badge code' }, row.code)),
                  h('td', { class: 'reason' }, row.reason),
                  h('td', {}, h('button', { type: 'button', class: 'secondary', onclick: () => show(row.id) }, 'View')),
                ),
              )),
        );
        drawActions();
      } catch (error) {
        context.notify((error as Error).message, 'error');
      }
    };
    const filter = (next: string | undefined) => {
      code = next;
      detail.hidden = true;
      void refresh();
    };
    const toggle = (id: number, on: boolean) => {
      if (on) selected.add(id);
      else selected.delete(id);
      drawActions();
    };
    const show = async (id: number) => {
      const row = await context.api.get<QuarantineEntry>(`/quarantine/${id}`);
      let raw = row.raw;
      try {
        raw = JSON.stringify(JSON.parse(row.raw), null, 2);
      } catch {
        // Not JSON (that may be why it is here): shown as received.
      }
      detail.textContent = `#${row.id} ${row.code}: ${row.reason}\n\n${raw}`;
      detail.hidden = false;
    };
    const act = async (path: string, selection: { ids?: number[]; code?: string }, label: string) => {
      try {
        const result = await context.api.post<ReplayResponse | { deleted: number }>(path, selection);
        context.notify(
          'deleted' in result
            ? `${label}: ${result.deleted} deleted`
            : `${label}: ${result.replayed} replayed into events, ${result.duplicates} already stored, ${result.stillFailing} still failing`,
        );
        await refresh();
      } catch (error) {
        context.notify((error as Error).message, 'error');
      }
    };
    const drawActions = () => {
      const ids = [...selected];
      actions.replaceChildren();
      append(actions, [
        h('button', { type: 'button', disabled: ids.length === 0, onclick: () => void act('/quarantine/replay', { ids }, 'Replay selected') }, `Replay selected (${ids.length})`),
        h('button', { type: 'button', class: 'danger', disabled: ids.length === 0, onclick: () => void act('/quarantine/delete', { ids }, 'Delete selected') }, `Delete selected (${ids.length})`),
        code === undefined
          ? null
          : h('button', { type: 'button', onclick: () => void act('/quarantine/replay', { code }, `Replay all ${code}`) }, `Replay all with ${code}`),
        code === undefined
          ? null
          : h(
              'button',
              { type: 'button', class: 'danger', onclick: () => confirm(`Delete every quarantined event with code ${code}?`) && void act('/quarantine/delete', { code }, `Delete all ${code}`) },
              `Delete all with ${code}`,
            ),
      ]);
    };

    root.append(
      h('div', { class: 'toolbar' }, h('h1', {}, 'Quarantine'), h('button', { type: 'button', class: 'secondary', onclick: () => void refresh() }, 'Refresh')),
      h('p', { class: 'hint' }, 'Events the collector refused, with the reason. Fix the tracking plan (then POST /admin/plan/reload or SIGHUP), then replay them through it.'),
      summary,
      actions,
      h(
        'table',
        { class: 'quarantine' },
        h('caption', { class: 'visually-hidden' }, 'Quarantined events, newest first'),
        h('thead', {}, h('tr', {}, ...['', 'Received', 'Source', 'Code', 'Reason', ''].map((c) => h('th', { scope: 'col' }, c)))),
        body,
      ),
      detail,
    );
    void refresh();
    return () => undefined;
  },
};
