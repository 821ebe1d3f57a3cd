import { Ajv, type ValidateFunction } from 'ajv';
import { CollectorError } from '../collector-error.js';
import { describeAjvErrors, joinProblems } from './ajv-messages.js';
import { eventNameKey } from './event-name-key.js';
import { TRACKING_PLAN_SCHEMA, type PlanJson, type TrackingPlanDocument } from './tracking-plan-document.js';
import type { PlanEvent, PlanMoney, TrackingPlan } from './tracking-plan.js';

const DEFAULT_MONEY_FIELDS = ['price', 'total', 'revenue', 'value', 'subtotal', 'shipping', 'tax', 'discount'];
const DEFAULT_PRODUCT_FIELDS = ['price'];
const NO_DEFAULTS: Readonly<Record<string, PlanJson>> = Object.freeze({});
const MAX_REMEMBERED_NAMES = 1024;

// The plan file's own shape is checked by one shared instance; each plan gets a fresh one for
// its event schemas, so a reload drops the old compiled functions and `$id`s cannot clash.
const documentAjv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const checkDocument = documentAjv.compile(TRACKING_PLAN_SCHEMA);

/**
 * Checks a tracking plan and compiles every event's properties schema once (ajv), so ingest
 * only runs compiled validators. Throws {@link CollectorError} `invalid_config` naming the key
 * at fault (`tracking plan plan.json: events["Product Added"].properties: …`).
 *
 * @example
 * const plan = compileTrackingPlan({ events: { 'Product Added': { aliases: ['add to cart'] } } });
 * plan.resolve('Add_To_Cart')?.name // 'Product Added'
 */
export function compileTrackingPlan(document: unknown, origin = 'tracking plan'): TrackingPlan {
  const fail = (message: string): never => {
    throw new CollectorError('invalid_config', `${origin}: ${message}`);
  };
  if (!checkDocument(document)) fail(joinProblems(describeAjvErrors(checkDocument.errors ?? [], '')));
  const doc = document as TrackingPlanDocument;
  const mode = doc.mode ?? 'allow';
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false, allowUnionTypes: true });

  const events = new Map<string, PlanEvent>();
  const byKey = new Map<string, PlanEvent>();
  const claim = (spelling: string, event: PlanEvent, where: string) => {
    const key = eventNameKey(spelling);
    const owner = byKey.get(key);
    if (owner && owner !== event) fail(`${where}: ${JSON.stringify(spelling)} also names event ${JSON.stringify(owner.name)}`);
    byKey.set(key, event);
  };
  for (const [name, declared] of Object.entries(doc.events ?? {})) {
    const where = `events[${JSON.stringify(name)}]`;
    let validate: ValidateFunction | undefined;
    if (declared.properties !== undefined) {
      try {
        validate = ajv.compile(declared.properties);
      } catch (error) {
        fail(`${where}.properties is not a valid JSON Schema: ${(error as Error).message}`);
      }
    }
    const event: PlanEvent = {
      name,
      aliases: declared.aliases ?? [],
      category: declared.category ?? doc.defaultCategory,
      defaults: declared.defaults ?? NO_DEFAULTS,
      validate,
    };
    events.set(name, event);
    claim(name, event, where);
    for (const alias of event.aliases) claim(alias, event, `${where}.aliases`);
  }

  // Several rules resolve the same alias per event (consent, names, plan); Unicode
  // normalisation is the costly part, so respellings are remembered, up to a bound that an
  // attacker sending random names cannot grow past.
  const respelled = new Map<string, PlanEvent | null>();
  const resolve = (name: string): PlanEvent | undefined => {
    const exact = events.get(name);
    if (exact) return exact;
    let found = respelled.get(name);
    if (found === undefined) {
      found = byKey.get(eventNameKey(name)) ?? null;
      if (respelled.size >= MAX_REMEMBERED_NAMES) respelled.clear();
      respelled.set(name, found);
    }
    return found ?? undefined;
  };
  const sources = new Map(Object.entries(doc.sources ?? {}));
  const money = compileMoney(doc, fail);
  return {
    document: doc,
    mode,
    unknownEvents: doc.unknownEvents ?? mode,
    events,
    defaults: doc.defaults ?? NO_DEFAULTS,
    money,
    rules: doc.rules,
    sourceDefaults: (source) => sources.get(source)?.defaults ?? NO_DEFAULTS,
    sourceCurrency: (source) => sources.get(source)?.currency?.toUpperCase() ?? money?.defaultCurrency,
    resolve,
    categoryOf(name) {
      const event = resolve(name);
      return event ? event.category : doc.defaultCategory;
    },
  };
}

function compileMoney(doc: TrackingPlanDocument, fail: (message: string) => never): PlanMoney | undefined {
  if (!doc.money) return undefined;
  const base = doc.money.baseCurrency.toUpperCase();
  const rates = new Map<string, number>([[base, 1]]);
  for (const [code, rate] of Object.entries(doc.money.rates)) {
    const upper = code.toUpperCase();
    if (upper === base && rate !== 1) fail(`money.rates.${code}: the base currency's rate must be 1`);
    if (rates.has(upper) && upper !== base) fail(`money.rates.${code}: listed twice`);
    rates.set(upper, rate);
  }
  const known = (code: string | undefined, where: string) => {
    if (code !== undefined && !rates.has(code.toUpperCase())) fail(`${where}: ${code} is not in money.rates`);
  };
  known(doc.money.defaultCurrency, 'money.defaultCurrency');
  for (const [source, settings] of Object.entries(doc.sources ?? {})) known(settings.currency, `sources.${source}.currency`);
  return {
    baseCurrency: base,
    rates,
    defaultCurrency: doc.money.defaultCurrency?.toUpperCase(),
    fields: doc.money.fields ?? DEFAULT_MONEY_FIELDS,
    productFields: doc.money.productFields ?? DEFAULT_PRODUCT_FIELDS,
    decimals: doc.money.decimals ?? 2,
  };
}
