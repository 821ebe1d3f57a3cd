import { dataTable, formatCount, h } from '../dom.js';
import type { Fault } from './definition-faults.js';

/** A person of a segment's answer (DESIGN.md, "Reading the data back"). */
export interface Person {
  userId: string | null;
  anonymousIds: string[];
  traits: Record<string, unknown>;
  firstSeen: string;
  lastSeen: string;
}
export interface SegmentAnswer {
  count: number;
  people: Person[];
  warnings: Fault[];
}

/** Traits as `key: value` pairs, values as JSON when they are not text. */
export function formatTraits(traits: Record<string, unknown>): string {
  return Object.entries(traits ?? {})
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

/** The count line and the people table of a preview. */
export function segmentPeople(answer: SegmentAnswer): HTMLElement[] {
  return [
    h(
      'p',
      { 'data-testid': 'segment-count' },
      h('strong', {}, formatCount(answer.count)),
      answer.count === 1 ? ' person' : ' people',
      answer.count > answer.people.length ? ` (the latest ${answer.people.length} shown)` : '',
    ),
    dataTable(
      'People in the segment, latest seen first',
      [
        { label: 'userId', value: (p) => p.userId ?? '(anonymous)' },
        { label: 'anonymousIds', value: (p) => p.anonymousIds.join(', ') },
        { label: 'Traits', value: (p) => formatTraits(p.traits) },
        { label: 'First seen', value: (p) => new Date(p.firstSeen).toLocaleString() },
        { label: 'Last seen', value: (p) => new Date(p.lastSeen).toLocaleString() },
      ],
      answer.people,
      { 'data-testid': 'segment-people' },
      'Nobody matches this definition now',
    ),
  ];
}
