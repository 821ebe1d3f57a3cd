import { h } from '../dom.js';
import { builderField, choice } from './builder-field.js';
import type { Suggestions } from './builder-suggestions.js';
import { conditionRow } from './condition-row.js';
import type { Fault } from './definition-faults.js';
import { emptyRow, emptySegment, type SegmentModel } from './segment-model.js';

const COMBINE = [
  ['all', 'all of these conditions (AND)'],
  ['any', 'any of these conditions (OR)'],
] as const;

/** The name in an "event never stored" warning (`no stored event is named "X" …`). */
const UNSEEN = /named ("(?:[^"\\]|\\.)*")/;

/**
 * The segment builder: "match people who meet all of / any of" and the condition rows, drawn
 * from a {@link SegmentModel}. Every edit calls `onChange`; structural ones (a row added, a
 * kind or window changed) redraw the rows and put the focus back where the person was.
 */
export function createSegmentBuilder(suggestions: Suggestions, onChange: (model: SegmentModel) => void) {
  let model = emptySegment();
  let rows: ReturnType<typeof conditionRow>[] = [];
  const combine = builderField('Match people who meet', choice('combine', COMBINE, model.combine));
  combine.control.addEventListener('change', () => ((model.combine = combine.control.value as SegmentModel['combine']), changed()));
  const list = h('div', { class: 'conditions' });
  const add = h('button', { type: 'button', class: 'secondary', 'data-focus': 'add-condition', onclick: () => (model.rows.push(emptyRow()), redraw(`r${model.rows.length - 1}.kind`)) }, 'Add condition');
  const fieldset = h('fieldset', { class: 'segment-rows', 'data-testid': 'segment-conditions' }, h('legend', { class: 'visually-hidden' }, 'Conditions'), combine.element, list, add);

  const changed = () => onChange(model);
  const edit = { changed, redraw };
  function drawRows() {
    combine.control.value = model.combine;
    rows = model.rows.map((row, i) =>
      conditionRow(row, i, suggestions, edit, () => {
        model.rows.splice(i, 1);
        redraw(model.rows.length > 0 ? `r${Math.min(i, model.rows.length - 1)}.kind` : 'add-condition');
      }),
    );
    list.replaceChildren(...rows.map((row) => row.element));
  }
  function redraw(focus?: string) {
    drawRows();
    if (focus) fieldset.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focus)}"]`)?.focus();
    changed();
  }
  drawRows(); // no onChange yet: the page sets itself up with the first model

  return {
    element: fieldset,
    model: () => model,
    /** Shows a model (loaded from JSON or a saved segment) without calling onChange. */
    set(next: SegmentModel) {
      model = next;
      drawRows();
    },
    /** Off while the JSON does not fit the builder (the JSON is then what counts). */
    setEnabled(enabled: boolean) {
      fieldset.disabled = !enabled;
    },
    clearMessages() {
      combine.clear();
      for (const row of rows) row.clear();
    },
    /** Puts each fault or warning beside its field; returns those that name no field. */
    showMessages(messages: readonly Fault[], kind: 'fault' | 'warning'): Fault[] {
      return messages.filter((message) => {
        const match = /^(?:all|any)\[(\d+)\](?:\.not)?(?:\.(.*))?$/.exec(message.path);
        const row = match ? rows[Number(match[1])] : undefined;
        if (row) return !row.route(match?.[2] ?? '', message.message, kind);
        const name = UNSEEN.exec(message.message)?.[1];
        if (name) {
          const shown = rows.map((r) => r.warnEvent(JSON.parse(name) as string, message.message)).some(Boolean);
          return !shown;
        }
        return true;
      });
    },
  };
}
