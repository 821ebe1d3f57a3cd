import { INGEST_RULES_SCHEMA, type IngestRules } from '../ingest/ingest-rules.js';

/** A JSON value as a plan file holds it. */
export type PlanJson = string | number | boolean | null | PlanJson[] | { [key: string]: PlanJson };

/** One declared track event, keyed by its canonical name in {@link TrackingPlanDocument.events}. */
export interface PlanEventDocument {
  description?: string;
  /** Other names clients send for it. Case, spaces, `_`, `-` and `.` are ignored when matching. */
  aliases?: string[];
  /** Consent category (`analytics`, `marketing`, …); default: the plan's `defaultCategory`. */
  category?: string;
  /** Properties filled in when the event comes without them (absent or null). */
  defaults?: Record<string, PlanJson>;
  /** JSON Schema (draft-07) of the event's `properties`, compiled once when the plan loads. */
  properties?: Record<string, unknown>;
}

/** Money settings: which fields are amounts and the rate table (no network: rates are data). */
export interface PlanMoneyDocument {
  /** ISO 4217 code amounts are also stored in, e.g. `USD`. */
  baseCurrency: string;
  /** Value of ONE unit of each currency in the base currency: `{"EUR": 1.0857}` = 1 EUR is 1.0857 USD. */
  rates: Record<string, number>;
  /** Currency of amounts that come without `properties.currency` (a source's `currency` wins). */
  defaultCurrency?: string;
  /** Amount fields of `properties`; default price, total, revenue, value, subtotal, shipping, tax, discount. */
  fields?: string[];
  /** Amount fields of each `properties.products[]` item; default price. */
  productFields?: string[];
  /** Decimals of the base amounts; default 2. */
  decimals?: number;
}

/**
 * A tracking plan file (JSON). Every key is optional; a plan with only `money` converts
 * currencies and checks no names.
 *
 * @example
 * {
 *   "mode": "quarantine",
 *   "money": { "baseCurrency": "USD", "rates": { "EUR": 1.0857 } },
 *   "sources": { "shop-eu": { "currency": "EUR" } },
 *   "events": {
 *     "Product Added": {
 *       "aliases": ["add to cart"], "category": "analytics", "defaults": { "quantity": 1 },
 *       "properties": { "type": "object", "required": ["product_id"], "properties": { "price": { "type": "number" } } }
 *     }
 *   }
 * }
 */
export interface TrackingPlanDocument {
  $schema?: string;
  /** `allow` (default): violations are stored, tagged; `quarantine`: they go to quarantine. */
  mode?: 'allow' | 'quarantine';
  /** Track events whose name the plan does not declare; default: as `mode`. */
  unknownEvents?: 'allow' | 'quarantine';
  /** Consent category of events that declare none (and of unknown events). */
  defaultCategory?: string;
  /** Properties filled on every track event that lacks them. */
  defaults?: Record<string, PlanJson>;
  /** Per source (by name): defaults for its track events, and the currency of its amounts. */
  sources?: Record<string, { defaults?: Record<string, PlanJson>; currency?: string }>;
  money?: PlanMoneyDocument;
  events?: Record<string, PlanEventDocument>;
  /** Overrides of the collector's rule switches and limits. */
  rules?: IngestRules;
}

const name = { type: 'string', minLength: 1, maxLength: 255 } as const;
const currencyCode = { type: 'string', pattern: '^[A-Za-z]{3}$' } as const;
const defaults = { type: 'object', propertyNames: { not: { const: '__proto__' } } } as const;
const fieldList = { type: 'array', items: name, uniqueItems: true } as const;

/** JSON Schema of {@link TrackingPlanDocument}; unknown keys are errors, so a typo fails the load. */
export const TRACKING_PLAN_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    mode: { enum: ['allow', 'quarantine'] },
    unknownEvents: { enum: ['allow', 'quarantine'] },
    defaultCategory: name,
    defaults,
    sources: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: { defaults, currency: currencyCode },
      },
    },
    money: {
      type: 'object',
      additionalProperties: false,
      required: ['baseCurrency', 'rates'],
      properties: {
        baseCurrency: currencyCode,
        rates: {
          type: 'object',
          propertyNames: { pattern: '^[A-Za-z]{3}$' },
          additionalProperties: { type: 'number', exclusiveMinimum: 0 },
        },
        defaultCurrency: currencyCode,
        fields: fieldList,
        productFields: fieldList,
        decimals: { type: 'integer', minimum: 0, maximum: 12 },
      },
    },
    events: {
      type: 'object',
      propertyNames: { minLength: 1, maxLength: 255 },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          description: { type: 'string' },
          aliases: { type: 'array', items: name },
          category: name,
          defaults,
          properties: { type: 'object' },
        },
      },
    },
    rules: INGEST_RULES_SCHEMA,
  },
} as const;
