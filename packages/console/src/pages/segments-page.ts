import { dataTable, formatCount, h } from '../dom.js';
import { faultList, showFailure, type Fault } from './definition-faults.js';
import type { ConsolePage } from './page.js';

interface Person {
  userId: string | null;
  anonymousIds: string[];
  firstSeen: string;
  lastSeen: string;
}
interface Saved {
  name: string;
  updatedAt: string;
}

/** The builder's starting point: carts abandoned by someone who signed in on a phone. */
export const EXAMPLE_SEGMENT = {
  all: [
    { did: 'Product Added', thenNot: 'Order Completed', within: 'P7D', after: 'PT1H' },
    { did: 'Signed In', where: { 'context.device.type': 'mobile' }, within: 'P7D' },
  ],
};

/** Segments: a definition → its people (preview), saved segments and their exports. */
export const segmentsPage: ConsolePage = {
  id: 'segments',
  title: 'Segments',
  mount(root, context) {
    const definition = h('textarea', { name: 'definition', rows: 12, spellcheck: false, class: 'code', 'aria-label': 'Segment definition (JSON)' });
    definition.value = JSON.stringify(EXAMPLE_SEGMENT, null, 2);
    const name = h('input', { name: 'name', placeholder: 'abandoned-cart-mobile', 'aria-label': 'Segment name' });
    const result = h('div', { 'data-testid': 'segment-result' });
    const saved = h('div', { 'data-testid': 'saved-segments' });

    const parse = (): unknown => {
      try {
        return JSON.parse(definition.value) as unknown;
      } catch (error) {
        result.replaceChildren(faultList([{ path: '(definition)', message: `is not JSON: ${(error as Error).message}` }], 'faults'));
        return undefined;
      }
    };
    const preview = async () => {
      const body = parse();
      if (body === undefined) return;
      result.replaceChildren(h('p', { class: 'hint' }, 'Counting…'));
      try {
        const answer = await context.api.post<{ count: number; people: Person[]; warnings: Fault[] }>('/segments/preview', body);
        result.replaceChildren(
          h('p', { 'data-testid': 'segment-count' }, h('strong', {}, formatCount(answer.count)), answer.count === 1 ? ' person' : ' people', answer.count > answer.people.length ? ` (the latest ${answer.people.length} shown)` : ''),
          ...(answer.warnings.length > 0 ? [faultList(answer.warnings, 'warnings')] : []),
          dataTable(
            'People in the segment, latest seen first',
            [
              { label: 'userId', value: (p) => p.userId ?? '(anonymous)' },
              { label: 'anonymousIds', value: (p) => p.anonymousIds.join(', ') },
              { label: 'First seen', value: (p) => new Date(p.firstSeen).toLocaleString() },
              { label: 'Last seen', value: (p) => new Date(p.lastSeen).toLocaleString() },
            ],
            answer.people,
            { 'data-testid': 'segment-people' },
            'Nobody matches this definition now',
          ),
        );
      } catch (error) {
        result.replaceChildren();
        showFailure(result, error, context.notify);
      }
    };
    const save = async () => {
      const body = parse();
      if (body === undefined) return;
      if (name.value.trim() === '') return context.notify('Give the segment a name first', 'error');
      try {
        await context.api.put(`/segments/${encodeURIComponent(name.value.trim())}`, body);
        context.notify(`Saved segment ${name.value.trim()}`);
        await list();
      } catch (error) {
        showFailure(result, error, context.notify);
      }
    };
    const list = async () => {
      try {
        const { segments } = await context.api.get<{ segments: Saved[] }>('/segments');
        const exportLink = (segment: Saved, format: 'csv' | 'ndjson') =>
          h('a', { href: context.api.url(`/segments/${encodeURIComponent(segment.name)}/people`, { format }), download: '', 'data-format': format }, format.toUpperCase());
        saved.replaceChildren(
          dataTable(
            'Saved segments',
            [
              { label: 'Name', value: (s) => s.name },
              { label: 'Updated', value: (s) => new Date(s.updatedAt).toLocaleString() },
              { label: 'Export', value: (s) => h('span', { class: 'actions' }, exportLink(s, 'csv'), exportLink(s, 'ndjson')) },
            ],
            segments,
            {},
            'No saved segment yet: preview a definition, name it and save it',
          ),
        );
      } catch (error) {
        context.notify((error as Error).message, 'error');
      }
    };

    root.append(
      h('div', { class: 'toolbar' }, h('h1', {}, 'Segments')),
      h('p', { class: 'hint' }, 'A definition (JSON, see the README, "People, segments and funnels"): who did what, within which window. Preview counts the people now; a saved segment is re-evaluated at every export.'),
      h(
        'form',
        { class: 'builder', 'data-testid': 'segment-builder', onsubmit: (e) => (e.preventDefault(), void preview()) },
        definition,
        h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Preview'), name, h('button', { type: 'button', class: 'secondary', onclick: () => void save() }, 'Save')),
      ),
      result,
      saved,
    );
    void list();
    return () => undefined;
  },
};
