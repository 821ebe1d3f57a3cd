import type { OverviewResponse as Overview } from '@cairn/protocol';
import { barChart, timeChart } from '../charts.js';
import { dataTable, formatCount, formatRate, h } from '../dom.js';
import type { ConsolePage } from './page.js';


const RANGES: Record<string, number> = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 };
const DAY = 86_400_000;

/** Overview: the numbers of a range and source as charts (uPlot), each with its table. */
export const overviewPage: ConsolePage = {
  id: 'overview',
  title: 'Overview',
  mount(root, context) {
    const content = h('div', { class: 'overview', 'data-testid': 'overview' });
    const form = h(
      'form',
      { class: 'filters', 'data-testid': 'overview-filters', onsubmit: (e) => (e.preventDefault(), void load()) },
      h('label', {}, 'Range', h('select', { name: 'range' }, ...Object.keys(RANGES).map((r) => h('option', { value: r, selected: r === '7d' }, `last ${r}`)), h('option', { value: 'custom' }, 'custom'))),
      h('label', {}, 'From', h('input', { name: 'from', type: 'datetime-local' })),
      h('label', {}, 'To', h('input', { name: 'to', type: 'datetime-local' })),
      h('label', {}, 'Source', h('select', { name: 'source' }, h('option', { value: '' }, 'all'), ...context.sources.map((s) => h('option', { value: s }, s)))),
      h('button', { type: 'submit' }, 'Show'),
    );
    // A range in the URL (#overview?from=…&to=…) wins: links and tests can open a fixed range.
    const preset = new URLSearchParams(location.hash.split('?')[1] ?? '');
    async function load() {
      const data = new FormData(form);
      const range = String(data.get('range'));
      let from = preset.get('from') ?? undefined;
      let to = preset.get('to') ?? undefined;
      if (range === 'custom') {
        from = data.get('from') ? new Date(String(data.get('from'))).toISOString() : from;
        to = data.get('to') ? new Date(String(data.get('to'))).toISOString() : to;
      } else if (!preset.has('from')) {
        to = new Date().toISOString();
        from = new Date(Date.now() - (RANGES[range] ?? 7) * DAY).toISOString();
      }
      preset.delete('from');
      try {
        const overview = await context.api.get<Overview>('/overview', { from, to, source: String(data.get('source') ?? '') || preset.get('source') || undefined });
        draw(overview);
      } catch (error) {
        context.notify((error as Error).message, 'error');
      }
    }
    function draw(o: Overview) {
      content.replaceChildren();
      const q = o.quality;
      const card = (id: string, label: string, value: string) => h('div', { class: 'card', 'data-metric': id }, h('span', { class: 'label' }, label), h('strong', {}, value));
      content.append(
        h('p', { class: 'hint' }, `${new Date(o.range.from).toLocaleString()} – ${new Date(o.range.to).toLocaleString()} · ${o.range.source ?? 'all sources'} · per ${o.range.bucket}`),
        h(
          'div',
          { class: 'cards' },
          card('events', 'Events', formatCount(o.eventsOverTime.reduce((sum, b) => sum + b.events, 0))),
          card('users', 'Distinct users', formatCount(o.people.users)),
          card('anonymousIds', 'Anonymous ids', formatCount(o.people.anonymousIds)),
          card('rejectedRate', 'Rejected', `${formatRate(q.rejectedRate)} (${formatCount(q.rejected)})`),
          card('duplicateRate', 'Duplicates', `${formatRate(q.duplicateRate)} (${formatCount(q.duplicates)})`),
        ),
      );
      const panel = (wide = false) => {
        const element = h('section', { class: wide ? 'panel wide' : 'panel' });
        content.append(element);
        return element;
      };
      const time = panel(true);
      timeChart(time, 'events-over-time', 'Events over time', o.eventsOverTime.map((b) => b.start), [{ label: 'Events', values: o.eventsOverTime.map((b) => b.events) }]);
      time.append(
        h('details', {}, h('summary', {}, 'Show as table'), dataTable('Events over time', [
          { label: o.range.bucket === 'day' ? 'Day (UTC)' : 'Hour (UTC)', value: (b) => b.start.slice(0, o.range.bucket === 'day' ? 10 : 16).replace('T', ' ') },
          { label: 'Events', value: (b) => b.events, numeric: true },
        ], o.eventsOverTime, { 'data-table': 'events-over-time' })),
      );

      const top = panel();
      const topRows = o.topEvents.slice(0, 10);
      barChart(top, 'top-events', 'Top events', topRows.map((r) => (r.type === 'track' ? r.label : `${r.type}: ${r.label || '(unnamed)'}`)), [{ label: 'Events', values: topRows.map((r) => r.events) }]);
      top.append(dataTable('Top events', [
        { label: 'Type', value: (r) => r.type },
        { label: 'Event / name', value: (r) => r.label },
        { label: 'Events', value: (r) => r.events, numeric: true },
      ], o.topEvents, { 'data-table': 'top-events' }));

      const devices = panel();
      barChart(devices, 'devices', 'Device types', o.devices.map((d) => d.device), [{ label: 'Events', values: o.devices.map((d) => d.events) }]);
      devices.append(dataTable('Device types', [
        { label: 'Device', value: (d) => d.device },
        { label: 'Events', value: (d) => d.events, numeric: true },
      ], o.devices, { 'data-table': 'devices' }));

      const campaigns = panel();
      const campaignRows = o.campaigns.slice(0, 8);
      barChart(campaigns, 'campaigns', 'Campaigns', campaignRows.map((c) => [c.utmSource, c.utmMedium, c.utmCampaign].filter(Boolean).join(' / ') || c.adPlatform), [{ label: 'Events', values: campaignRows.map((c) => c.events) }]);
      campaigns.append(dataTable('Campaigns (utm and ad platform by click id)', [
        { label: 'utm_source', value: (c) => c.utmSource },
        { label: 'utm_medium', value: (c) => c.utmMedium },
        { label: 'utm_campaign', value: (c) => c.utmCampaign },
        { label: 'Ad platform', value: (c) => c.adPlatform },
        { label: 'Events', value: (c) => c.events, numeric: true },
      ], o.campaigns, { 'data-table': 'campaigns' }));

      const consent = panel();
      barChart(consent, 'consent', 'Consent grant rate per category (%)', o.consent.map((c) => c.category), [{ label: 'Granted %', values: o.consent.map((c) => Math.round((c.grantRate ?? 0) * 1000) / 10) }]);
      consent.append(dataTable('Consent per category', [
        { label: 'Category', value: (c) => c.category },
        { label: 'Granted', value: (c) => c.granted, numeric: true },
        { label: 'Denied', value: (c) => c.denied, numeric: true },
        { label: 'Grant rate', value: (c) => formatRate(c.grantRate), numeric: true },
      ], o.consent, { 'data-table': 'consent' }));

      const quality = panel();
      barChart(quality, 'quality', 'Received in this range: accepted, duplicate, rejected', ['accepted', 'duplicates', 'rejected'], [{ label: 'Events', values: [q.accepted, q.duplicates, q.rejected] }]);
      quality.append(dataTable('Data quality', [
        { label: 'Outcome', value: (r) => r.outcome },
        { label: 'Events', value: (r) => r.count, numeric: true },
        { label: 'Share', value: (r) => formatRate(r.rate), numeric: true },
      ], [
        { outcome: 'accepted', count: q.accepted, rate: q.accepted + q.duplicates + q.rejected === 0 ? null : q.accepted / (q.accepted + q.duplicates + q.rejected) },
        { outcome: 'duplicates', count: q.duplicates, rate: q.duplicateRate },
        { outcome: 'rejected', count: q.rejected, rate: q.rejectedRate },
      ], { 'data-table': 'quality' }));
    }
    root.append(h('div', { class: 'toolbar' }, h('h1', {}, 'Overview')), form, content);
    void load();
    return () => undefined;
  },
};
