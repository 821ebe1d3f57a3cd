// Cost of the data-integrity rules (issue #6): ingest events/s through the built collector app
// with every rule and a realistic tracking plan ON, against the minimal pipeline (envelope, id,
// timestamp: DEFAULT_STAGES) OFF, in the same process and run. Target: ON ≥ 80% of OFF.
// Run alone: node bench/collector-rules.mjs (after npm run build -w @cairn/collector).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const WRITE_KEY = 'bench-key';
const EVENTS_PER_BATCH = 50;
const SECONDS = Number(process.env.CAIRN_BENCH_SECONDS ?? 4);
/** ON may cost at most this share of OFF's throughput. */
const MAX_COST_PERCENT = 20;
const SLICE_MS = 250;

/** @typedef {import('./bench-module.mjs').Figure} Figure */
// The built package is imported by a computed path, so type-checking does not need a build;
// its exports are therefore `any` here.
/** @typedef {any} CollectorModule */
/** @typedef {{ app: any, store: any, rejected: number, next: number }} Side */
const COLLECTOR_DIST = '../packages/collector/dist/index.js';

/** @type {import('./bench-module.mjs').BenchModule} */
export const collectorRules = {
  name: 'collector-rules',
  title: `Ingest rules cost (${EVENTS_PER_BATCH}-event e-commerce batches through app.request, SQLite, rules ON vs OFF, ${SECONDS} s each)`,
  async run() {
    /** @type {CollectorModule} */
    const collector = await import(COLLECTOR_DIST).catch(() => undefined);
    if (!collector) return { ok: false, figures: [], notes: ['packages/collector/dist is missing: run npm run build -w @cairn/collector'] };
    const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-rules-'));
    try {
      /** @type {Figure[]} */
      const figures = [];
      const notes = [];
      let ok = true;
      // synchronous=normal: without an fsync per commit the run is CPU-bound, so the rules'
      // share shows at its largest; with FULL the disk hides most of it (also measured).
      for (const synchronous of /** @type {const} */ (['normal', 'full'])) {
        const result = await compare(collector, dir, synchronous);
        const cost = Math.round((1 - result.ratio) * 1000) / 10;
        figures.push(
          { name: `OFF (${synchronous})`, value: result.off, unit: 'events/s' },
          { name: `ON (${synchronous})`, value: result.on, unit: 'events/s' },
          { name: `cost (${synchronous})`, value: cost, unit: '% of OFF', budget: MAX_COST_PERCENT },
        );
        ok &&= cost <= MAX_COST_PERCENT;
        if (result.onRejected > 0) notes.push(`ON (${synchronous}) quarantined ${result.onRejected} events: the bench batches should all pass`);
      }
      const pipeline = await pipelineOnly(collector);
      figures.push(
        { name: 'pipeline OFF', value: pipeline.off, unit: 'events/s (no HTTP, no store)' },
        { name: 'pipeline ON', value: pipeline.on, unit: 'events/s (no HTTP, no store)' },
      );
      notes.push(
        'ON: the default pipeline (consent, IP, envelope limits, epoch/offset timestamps, skew, aliases, defaults, JSON Schemas via ajv, EUR→USD with products[], normalized JSON stored); OFF: DEFAULT_STAGES',
        `ON and OFF alternate in ${SLICE_MS} ms slices on two temp databases; events/s and cost are medians over the rounds (cost = 1 − median ON/OFF per round)`,
      );
      return { ok, figures, notes };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/**
 * A storefront's plan: 12 events, schemas on the commerce ones, EUR and GBP to USD.
 * @returns {Record<string, unknown> & { events: Record<string, object> }}
 */
export function benchPlan() {
  const product = { type: 'object', properties: { product_id: { type: 'string' }, price: { type: 'number' }, quantity: { type: 'integer' } } };
  /** @type {Record<string, object>} */
  const events = {
    'Product Added': {
      aliases: ['add to cart', 'Add_To_Cart'],
      category: 'analytics',
      defaults: { quantity: 1 },
      properties: { type: 'object', required: ['product_id', 'price'], properties: { ...product.properties, currency: { type: 'string' } } },
    },
    'Product Viewed': { aliases: ['view item'], category: 'analytics', properties: { type: 'object', required: ['product_id'], properties: product.properties } },
    'Order Completed': {
      aliases: ['purchase'],
      category: 'analytics',
      properties: { type: 'object', required: ['order_id', 'total'], properties: { order_id: { type: 'string' }, total: { type: 'number' }, products: { type: 'array', items: product } } },
    },
  };
  for (const name of ['Signed In', 'Signed Out', 'Signed Up', 'Cart Viewed', 'Checkout Started', 'Coupon Applied', 'Product Removed', 'Newsletter Subscribed', 'Search']) {
    events[name] = { category: name.startsWith('Newsletter') ? 'marketing' : 'analytics' };
  }
  return {
    mode: 'quarantine',
    defaultCategory: 'analytics',
    money: { baseCurrency: 'USD', rates: { EUR: 1.0857, GBP: 1.2712, JPY: 0.0064 } },
    sources: { default: { currency: 'EUR' } },
    events,
  };
}

/**
 * One SDK-like batch: page views, aliased add-to-carts in EUR, orders without currency, identifies.
 * @param {string} prefix
 * @param {number} first
 * @returns {Record<string, unknown>[]}
 */
export function buildBatch(prefix, first) {
  const now = Date.now();
  const context = {
    library: { name: '@cairn/browser', version: '0.1.0' },
    page: { url: 'https://shop.example/products/trail-shoe?utm_source=news', path: '/products/trail-shoe', title: 'Trail shoe', referrer: 'https://news.example/' },
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    locale: 'de-DE',
    device: { type: 'desktop' },
    consent: { categoryPreferences: { analytics: true, marketing: false } },
  };
  const batch = [];
  for (let i = 0; i < EVENTS_PER_BATCH; i++) {
    const base = { messageId: `${prefix}-${first + i}`, anonymousId: 'anon-7f3a', timestamp: new Date(now - 2000 + i).toISOString(), context };
    switch (i % 10) {
      case 0: case 1: case 2: case 3:
        batch.push({ ...base, type: 'page', name: 'Trail shoe', properties: { path: '/products/trail-shoe' } });
        break;
      case 4: case 5:
        batch.push({ ...base, type: 'track', event: 'add to cart', properties: { product_id: 'sku-1042', price: 89.9, currency: 'EUR', name: 'Trail shoe' } });
        break;
      case 6:
        batch.push({ ...base, type: 'track', event: 'Order Completed', timestamp: Math.floor(now / 1000) - 2, properties: { order_id: `o-${first + i}`, total: 179.8, products: [{ product_id: 'sku-1042', price: 89.9, quantity: 2 }] } });
        break;
      case 7:
        batch.push({ ...base, type: 'track', event: 'Product Viewed', properties: { product_id: 'sku-1042', price: 89.9 } });
        break;
      case 8:
        batch.push({ ...base, type: 'identify', userId: 'user-42', traits: { plan: 'pro' } });
        break;
      default:
        batch.push({ ...base, type: 'track', event: 'Signed In', userId: 'user-42' });
    }
  }
  return batch;
}

/**
 * @param {CollectorModule} collector
 * @param {string} dir
 * @param {'normal' | 'full'} synchronous
 */
async function compare(collector, dir, synchronous) {
  const silent = { info() {}, warn() {}, error() {} };
  /** @type {(name: string, options: object) => Side} */
  const open = (name, options) => {
    const store = collector.createSqliteStore({ path: join(dir, `${name}-${synchronous}.db`), synchronous });
    const app = collector.createCollector({ sources: [{ name: 'default', writeKey: WRITE_KEY }], store, logger: silent, ...options });
    return { store, app, rejected: 0, next: 0 };
  };
  const off = open('off', { stages: collector.DEFAULT_STAGES });
  const on = open('on', { plan: collector.compileTrackingPlan(benchPlan()) });
  try {
    /** Events/s of one side over one slice. */
    /** @type {(side: Side, prefix: string) => Promise<number>} */
    const slice = async (side, prefix) => {
      const started = performance.now();
      let events = 0;
      while (performance.now() - started < SLICE_MS) {
        const body = JSON.stringify({ writeKey: WRITE_KEY, sentAt: new Date().toISOString(), batch: buildBatch(prefix, side.next) });
        side.next += EVENTS_PER_BATCH;
        const res = await side.app.request('/v1/batch', { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
        const result = await res.json();
        if (res.status !== 200) throw new Error(`bench request failed: ${res.status} ${JSON.stringify(result)}`);
        side.rejected += result.rejected.length;
        events += EVENTS_PER_BATCH;
      }
      return (events / (performance.now() - started)) * 1000;
    };
    await slice(off, 'w'); // warm-up: JIT, ajv's compiled validators, SQLite page cache
    await slice(on, 'w');
    on.rejected = 0;
    // The other helpers' builds and tests share the cores: a burst of load skews one slice, so
    // each round's ON/OFF ratio is taken (the order alternating) and the median reported.
    const rounds = [];
    for (let round = 0; round < (SECONDS * 1000) / SLICE_MS; round++) {
      const first = round % 2 === 0 ? off : on;
      const a = await slice(first, 'm');
      const b = await slice(first === off ? on : off, 'm');
      rounds.push(first === off ? { off: a, on: b } : { off: b, on: a });
    }
    /** @type {(values: number[]) => number} */
    const median = (values) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;
    return {
      off: Math.round(median(rounds.map((r) => r.off))),
      on: Math.round(median(rounds.map((r) => r.on))),
      ratio: median(rounds.map((r) => r.on / r.off)),
      onRejected: on.rejected,
    };
  } finally {
    await off.store.close();
    await on.store.close();
  }
}

/** The same batches through runPipeline alone: the rules' CPU cost without HTTP or SQLite. */
/** @param {CollectorModule} collector */
async function pipelineOnly(collector) {
  const planned = collector.createIngestStages({ plan: collector.createPlanHolder(collector.compileTrackingPlan(benchPlan())) });
  const texts = Array.from({ length: 20 }, (_, i) => JSON.stringify(buildBatch('p', i * EVENTS_PER_BATCH)));
  /** @type {(stages: unknown) => Promise<number>} */
  const rate = async (stages) => {
    const batches = texts.map((text) => JSON.parse(text));
    const started = performance.now();
    for (const batch of batches) {
      await collector.runPipeline(stages, batch, { source: 'default', receivedAt: Date.now(), sentAt: new Date().toISOString() });
    }
    return ((texts.length * EVENTS_PER_BATCH) / (performance.now() - started)) * 1000;
  };
  const off = [];
  const on = [];
  for (let round = 0; round < 40; round++) {
    off.push(await rate(collector.DEFAULT_STAGES));
    on.push(await rate(planned));
  }
  /** @type {(values: number[]) => number} */
  const median = (values) => Math.round(values.sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0);
  return { off: median(off.slice(5)), on: median(on.slice(5)) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await collectorRules.run();
  console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${collectorRules.title}`);
  for (const figure of result.figures) {
    const budget = figure.budget === undefined ? '' : `  (budget ${figure.budget} ${figure.unit})`;
    console.log(`       ${figure.name.padEnd(18)} ${figure.value.toLocaleString('en').padStart(10)} ${figure.unit}${budget}`);
  }
  for (const note of result.notes ?? []) console.log(`       ${note}`);
  process.exitCode = result.ok ? 0 : 1;
}
