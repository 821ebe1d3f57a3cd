import { ApiError } from '../api.js';
import { dataTable, h } from '../dom.js';
import { builderField, uniqueId } from './builder-field.js';
import { createSuggestions } from './builder-suggestions.js';
import { apiFaults, faultList, showFaults, type Fault } from './definition-faults.js';
import type { ConsolePage } from './page.js';
import { createSegmentBuilder } from './segment-builder.js';
import { emptySegment, segmentDefinition, segmentFromDefinition, type SegmentModel } from './segment-model.js';
import { segmentPeople, type SegmentAnswer } from './segment-people.js';

interface Saved {
  name: string;
  definition: unknown;
  updatedAt: string;
}

/** The example behind "Start from the example": carts abandoned by someone who signed in on a phone. */
export const EXAMPLE_SEGMENT = {
  all: [
    { did: 'Product Added', thenNot: 'Order Completed', within: 'P7D', after: 'PT1H' },
    { did: 'Signed In', where: { 'context.device.type': 'mobile' }, within: 'P7D' },
  ],
};

/**
 * Segments: the builder (condition rows) and its JSON, kept in step both ways while the JSON
 * fits the builder (else the JSON counts and the builder is off); preview (count, warnings,
 * people), save by name, saved segments (load back, CSV / NDJSON export).
 */
export const segmentsPage: ConsolePage = {
  id: 'segments',
  title: 'Segments',
  mount(root, context) {
    const suggestions = createSuggestions(context.api);
    const definition = h('textarea', { name: 'definition', id: uniqueId('definition'), rows: 12, spellcheck: false, class: 'code' });
    const jsonStatus = h('p', { class: 'hint', 'data-testid': 'json-status', 'aria-live': 'polite' });
    const jsonView = h('details', { class: 'json-view', 'data-testid': 'json-view' }, h('summary', {}, 'JSON (advanced)'), h('label', { for: definition.id }, 'Segment definition (JSON)'), definition, jsonStatus);
    const result = h('div', { 'data-testid': 'segment-result' });
    // What a screen reader hears after Preview (the table itself is too long to announce).
    const status = h('p', { class: 'visually-hidden', role: 'status' });
    const saved = h('div', { 'data-testid': 'saved-segments' });
    const name = builderField('Segment name', h('input', { name: 'name', placeholder: 'abandoned-cart-mobile', size: 24 }));
    /** 'builder' while the JSON is the builder's; 'json' while it does not fit (or is not JSON). */
    let authority: 'builder' | 'json' = 'builder';

    const fromBuilder = (model: SegmentModel) => {
      definition.value = JSON.stringify(segmentDefinition(model).definition, null, 2);
      authority = 'builder';
      builder.setEnabled(true);
      jsonStatus.textContent = 'The JSON follows the builder; edit either one.';
    };
    const builder = createSegmentBuilder(suggestions, fromBuilder);
    const fromJson = () => {
      let json: unknown;
      try {
        json = JSON.parse(definition.value) as unknown;
      } catch (error) {
        return useJson(`This is not JSON yet (${(error as Error).message}).`);
      }
      const model = segmentFromDefinition(json);
      if (typeof model === 'string') return useJson(`This JSON does not fit the builder (${model}).`);
      builder.set(model);
      builder.setEnabled(true);
      authority = 'builder';
      jsonStatus.textContent = 'The builder shows this JSON; edit either one.';
    };
    const useJson = (why: string) => {
      authority = 'json';
      jsonView.open = true;
      builder.setEnabled(false);
      jsonStatus.textContent = `${why} Preview and Save use the JSON as written; the builder is off until the JSON fits it again.`;
    };
    definition.addEventListener('input', fromJson);
    const load = (json: unknown) => {
      definition.value = JSON.stringify(json, null, 2);
      fromJson();
    };

    /** The definition to send, or undefined after showing why there is none. */
    const current = (): unknown => {
      builder.clearMessages();
      if (authority === 'builder') {
        const { definition: json, faults: errors } = segmentDefinition(builder.model());
        if (errors.length === 0) return json;
        faults(errors);
        return undefined;
      }
      try {
        return JSON.parse(definition.value) as unknown;
      } catch (error) {
        result.replaceChildren(faultList([{ path: '(definition)', message: `is not JSON: ${(error as Error).message}` }], 'faults'));
        return undefined;
      }
    };
    const faults = (list: readonly Fault[]) => {
      status.textContent = showFaults(result, root, list, (all) => (authority === 'builder' ? builder.showMessages(all, 'fault') : [...all]), 'definition');
    };
    const failed = (error: unknown) => {
      const list = apiFaults(error);
      if (list.length > 0) faults(list);
      else context.notify((error as Error).message, 'error');
    };
    const preview = async () => {
      const body = current();
      if (body === undefined) return;
      result.replaceChildren(h('p', { class: 'hint' }, 'Counting…'));
      try {
        const answer = await context.api.post<SegmentAnswer>('/segments/preview', body);
        // Warnings go beside the event names they are about and, being few, in the list too.
        if (authority === 'builder') builder.showMessages(answer.warnings, 'warning');
        result.replaceChildren(...segmentPeople(answer), ...(answer.warnings.length > 0 ? [faultList(answer.warnings, 'warnings')] : []));
        status.textContent = `${answer.count} ${answer.count === 1 ? 'person' : 'people'}${answer.warnings.length > 0 ? `, ${answer.warnings.length} warning${answer.warnings.length === 1 ? '' : 's'}` : ''}`;
      } catch (error) {
        result.replaceChildren();
        failed(error);
      }
    };
    const save = async () => {
      const segmentName = name.control.value.trim();
      name.clear();
      if (segmentName === '') return name.show('Give the segment a name first', 'fault'), name.control.focus();
      const body = current();
      if (body === undefined) return;
      try {
        await context.api.put(`/segments/${encodeURIComponent(segmentName)}`, body);
        context.notify(`Saved segment ${segmentName}`);
        await list();
      } catch (error) {
        if (error instanceof ApiError && error.code === 'invalid_query') name.show(error.message, 'fault');
        else failed(error);
      }
    };
    const open = async (segment: Saved) => {
      try {
        const stored = await context.api.get<Saved>(`/segments/${encodeURIComponent(segment.name)}`);
        load(stored.definition);
        name.control.value = stored.name;
        result.replaceChildren();
        context.notify(`Loaded segment ${stored.name}${authority === 'json' ? ' (as JSON: it does not fit the builder)' : ''}`);
        root.querySelector<HTMLElement>(authority === 'builder' ? '[data-focus="r0.kind"]' : 'textarea[name="definition"]')?.focus();
      } catch (error) {
        context.notify((error as Error).message, 'error');
      }
    };
    const list = async () => {
      try {
        const { segments } = await context.api.get<{ segments: Saved[] }>('/segments');
        const exportLink = (segment: Saved, format: 'csv' | 'ndjson') =>
          h('a', { href: context.api.url(`/segments/${encodeURIComponent(segment.name)}/people`, { format }), download: '', 'data-format': format, 'aria-label': `Export ${segment.name} as ${format.toUpperCase()}` }, format.toUpperCase());
        saved.replaceChildren(
          dataTable(
            'Saved segments',
            [
              { label: 'Name', value: (s) => s.name },
              { label: 'Updated', value: (s) => new Date(s.updatedAt).toLocaleString() },
              {
                label: 'Actions',
                value: (s) =>
                  h('span', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', 'aria-label': `Load ${s.name}`, onclick: () => void open(s) }, 'Load'), exportLink(s, 'csv'), exportLink(s, 'ndjson')),
              },
            ],
            segments,
            { 'data-testid': 'saved-segment-rows' },
            'No saved segment yet: build a definition, preview it, name it and save it',
          ),
        );
      } catch (error) {
        context.notify((error as Error).message, 'error');
      }
    };

    root.append(
      suggestions.events,
      suggestions.paths,
      h('div', { class: 'toolbar' }, h('h1', {}, 'Segments')),
      h('p', { class: 'hint' }, 'Who did what, within which window: add conditions, preview the people, save the segment by name. A saved segment is re-evaluated at every export.'),
      h(
        'form',
        { class: 'builder', 'data-testid': 'segment-builder', 'aria-label': 'Segment builder', onsubmit: (e) => (e.preventDefault(), void preview()) },
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', onclick: () => (load(EXAMPLE_SEGMENT), context.notify('The example: carts abandoned by people who signed in on a phone')) }, 'Start from the example'),
          h('button', { type: 'button', class: 'secondary', onclick: () => (builder.set(emptySegment()), fromBuilder(builder.model()), (name.control.value = ''), result.replaceChildren()) }, 'Clear'),
        ),
        builder.element,
        jsonView,
        h('div', { class: 'actions submit' }, h('button', { type: 'submit' }, 'Preview'), name.element, h('button', { type: 'button', class: 'secondary', onclick: () => void save() }, 'Save')),
      ),
      status,
      result,
      saved,
    );
    fromBuilder(builder.model());
    void list();
    return () => undefined;
  },
};
