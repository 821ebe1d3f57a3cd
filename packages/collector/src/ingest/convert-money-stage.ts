import { ERROR_CODES } from '@cairn/protocol';
import { isPlainObject } from '../json/is-plain-object.js';
import type { PlanMoney } from '../plan/tracking-plan.js';
import type { RuleSource } from './active-rules.js';
import { withNotes, type CairnNotes, type Violation } from './cairn-notes.js';
import type { RuleMetrics } from './rule-metrics.js';
import { reject, type Stage } from './stage.js';

const NUMERIC_TEXT = /^-?\d+(?:\.\d+)?$/;

/**
 * Gives every amount of an event also in the plan's base currency, from its rate table (no
 * network). The originals stay as sent; beside each amount field `F` the normalized event gets
 * `F_base`, and the properties get `base_currency`:
 * `{price: 10, currency: 'EUR'}` → `{price: 10, currency: 'EUR', price_base: 10.86, base_currency: 'USD'}`,
 * and `products[i].price` → `products[i].price_base`. The rate used is in `context.cairn.currency`.
 * A currency the table does not know is refused (`unknown_currency`), never guessed; amounts
 * without any currency take the source's (or the plan's default) one, else are flagged
 * `currency_missing` and left unconverted.
 *
 * @example
 * const stage = createMoneyStage(createRuleSource(planHolder), ruleMetrics(metrics));
 */
export function createMoneyStage(source: RuleSource, counters?: RuleMetrics): Stage {
  return {
    name: 'convert-money',
    run(draft, context) {
      const { plan, rules } = source.active();
      const money = plan?.money;
      const properties = draft.event.properties;
      if (!money || !rules.money || !isPlainObject(properties)) return draft;
      const products = Array.isArray(properties.products) ? properties.products : undefined;
      if (!hasAmount(properties, money.fields) && !products?.some((item) => isPlainObject(item) && hasAmount(item, money.productFields))) {
        return draft;
      }

      const notes: CairnNotes = {};
      let sent = properties.currency;
      if (!isPresent(sent)) {
        sent = plan?.sourceCurrency(context.source);
        if (sent === undefined) return withNotes(draft, { flags: ['currency_missing'] });
        notes.defaults = ['currency'];
        counters?.add('defaultsApplied', context.source);
      }
      if (typeof sent !== 'string') return reject(ERROR_CODES.invalidEvent, 'properties.currency must be an ISO 4217 code such as "EUR"');
      const code = sent.trim().toUpperCase();
      const rate = money.rates.get(code);
      if (rate === undefined) {
        return reject(
          ERROR_CODES.unknownCurrency,
          `properties.currency ${JSON.stringify(sent.slice(0, 20))} is not in the rate table (base ${money.baseCurrency}; known: ${[...money.rates.keys()].join(', ')})`,
        );
      }
      const violations: Violation[] = [];
      let converted = 0;
      const convert = (record: Record<string, unknown>, fields: readonly string[], path: string) => {
        let copy: Record<string, unknown> | undefined;
        for (const field of fields) {
          const amount = readAmount(record[field]);
          if (amount === undefined) {
            if (isPresent(record[field])) violations.push({ path: `${path}.${field}`, message: 'is not a number; not converted' });
            continue;
          }
          copy ??= { ...record };
          copy[`${field}_base`] = round(amount * rate, money);
          converted++;
        }
        return copy ?? record;
      };
      const top = convert(properties, money.fields, 'properties');
      // Never write into `properties` itself: it is the object as received (raw).
      const next = top === properties ? { ...properties } : top;
      next.currency = sent;
      next.base_currency = money.baseCurrency;
      if (products) {
        next.products = products.map((item, i) => (isPlainObject(item) ? convert(item, money.productFields, `properties.products[${i}]`) : item));
      }
      if (converted > 0) counters?.add('currencyConversions', context.source, converted, ['currency', code]);
      notes.currency = { from: code, to: money.baseCurrency, rate };
      if (violations.length > 0) notes.violations = violations;
      return withNotes({ ...draft, event: { ...draft.event, properties: next } }, notes);
    },
  };
}

function hasAmount(record: Record<string, unknown>, fields: readonly string[]): boolean {
  for (const field of fields) if (isPresent(record[field])) return true;
  return false;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function readAmount(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && NUMERIC_TEXT.test(value)) return Number(value);
  return undefined;
}

/** Rounded to the plan's decimals; `+ 0` turns a -0 into 0. */
function round(value: number, money: PlanMoney): number {
  const scale = 10 ** money.decimals;
  return Math.round(value * scale) / scale + 0;
}
