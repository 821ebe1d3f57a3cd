import type { ConsoleApi } from '../api.js';
import { h } from '../dom.js';

interface EventDetail {
  event: { source: string; messageId: string; type: string; timestamp: string; receivedAt: string };
  raw: unknown;
  normalized: unknown;
  pipeline: { step: string; summary: string }[];
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * The detail of one stored event in a dialog: raw JSON as received beside the normalized
 * event, and what the pipeline did (GET /admin/api/events/{source}/{messageId}).
 *
 * @example
 * await openEventDetail(api, 'default', '01J…');
 */
export async function openEventDetail(api: ConsoleApi, source: string, messageId: string): Promise<void> {
  const detail = await api.get<EventDetail>(`/events/${encodeURIComponent(source)}/${encodeURIComponent(messageId)}`);
  const dialog = h(
    'dialog',
    { class: 'detail', 'data-testid': 'event-detail', 'aria-label': `Event ${messageId}` },
    h('header', {}, h('h2', {}, `${detail.event.type} · ${messageId}`), h('button', { class: 'close', 'aria-label': 'Close', onclick: () => dialog.close() }, '×')),
    h(
      'section',
      { class: 'pipeline', 'data-testid': 'pipeline' },
      h('h3', {}, 'What the pipeline did'),
      h('ul', {}, ...detail.pipeline.map((step) => h('li', { 'data-step': step.step }, h('strong', {}, step.step.replace('_', ' ')), ' ', step.summary))),
      detail.pipeline.length === 0 ? h('p', {}, 'Stored as received.') : null,
    ),
    h(
      'div',
      { class: 'sides' },
      h('section', {}, h('h3', {}, 'Raw, as received'), h('pre', { 'data-testid': 'raw-json' }, json(detail.raw))),
      h(
        'section',
        {},
        h('h3', {}, 'Normalized'),
        h('pre', { 'data-testid': 'normalized-json' }, detail.normalized === null ? '(no rule changed it: the raw JSON is the stored event)' : json(detail.normalized)),
      ),
    ),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}
