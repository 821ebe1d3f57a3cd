import { describe, expect, it, vi } from 'vitest';
import { createMemoryStorage } from '../core/memory-storage.js';
import { createConsent } from './consent.js';
import { CairnError } from '../core/cairn-error.js';
import { createConsentGate, type Stampable } from './consent-gate.js';

type Event = Stampable & { messageId: string };
const event = (n: number): Event => ({ messageId: `m${n}` });

function setup(limit = 100) {
  const consent = createConsent({ consent: 'required' }, createMemoryStorage());
  const sent: Event[] = [];
  const report = vi.fn();
  const gate = createConsentGate<Event>(
    consent,
    (e) => {
      if (e.messageId == 'too-large') throw new CairnError('event_too_large', 'too-large');
      sent.push(e);
    },
    limit,
    report,
  );
  consent.listen(gate.release);
  return { consent, gate, sent, report };
}

describe('createConsentGate', () => {
  it('holds undecided events and releases the granted ones stamped with the granting decision', () => {
    const { consent, gate, sent } = setup();
    gate.capture(event(1), 'analytics');
    gate.capture(event(2), 'marketing');
    gate.capture(event(3), 'necessary');
    expect(sent.map((e) => e.messageId)).toEqual(['m3']);
    expect(sent[0]!.consent).toEqual({ categoryPreferences: { necessary: true, analytics: false, marketing: false } });
    consent.apply({ analytics: true });
    expect(sent.map((e) => e.messageId)).toEqual(['m3', 'm1']);
    expect(sent[1]!.consent).toEqual({ categoryPreferences: { necessary: true, analytics: true, marketing: false } });
    // The marketing event still waits; a denial drops it.
    consent.apply({ marketing: false });
    consent.apply({ marketing: true });
    expect(sent).toHaveLength(2);
  });

  it('drops events of a denied category at capture', () => {
    const { consent, gate, sent } = setup();
    consent.apply({ analytics: false });
    gate.capture(event(1), 'analytics');
    consent.apply({ analytics: true });
    expect(sent).toEqual([]);
  });

  it('holds at most `limit` events, losing the oldest (reported)', () => {
    const { consent, gate, sent, report } = setup(2);
    for (let n = 1; n <= 3; n++) gate.capture(event(n), 'analytics');
    expect(report).toHaveBeenCalledWith(expect.stringContaining('consent decision'), 'events_dropped', 0, 1);
    consent.apply({ analytics: true });
    expect(sent.map((e) => e.messageId)).toEqual(['m2', 'm3']);
  });

  it('reports and drops an event that cannot be sent at release, and releases the others', () => {
    const { consent, gate, sent, report } = setup();
    gate.capture(event(1), 'analytics');
    gate.capture({ messageId: 'too-large' }, 'analytics');
    gate.capture(event(3), 'analytics');
    consent.apply({ analytics: true });
    expect(sent.map((e) => e.messageId)).toEqual(['m1', 'm3']);
    expect(report).toHaveBeenCalledWith(expect.objectContaining({ code: 'event_too_large' }));
    consent.apply({ marketing: true });
    expect(sent).toHaveLength(2);
  });
});
