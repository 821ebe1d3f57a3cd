import { Ajv, type ErrorObject } from 'ajv';
import { CollectorError } from '../collector-error.js';

// Two instances: a config file must hold real JSON types, while flags and environment
// variables are strings that are coerced ("10" → 10, "true" → true) by the same schema.
const strict = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const coercing = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, coerceTypes: true });

/**
 * Checks `data` against `schema` and throws {@link CollectorError} `invalid_config` naming every
 * bad key, e.g. `config file ./cairn.config.json: sources[1].writeKey: must be a string`.
 * With `coerce`, string values are converted in place to the schema's types first.
 * `label(path)` turns a key path (`limits.rateLimit`) into what the user wrote (`--rate-limit`).
 *
 * @example
 * validateSettings(CONFIG_SCHEMA, data, { context: 'config file ./cairn.config.json' });
 */
export function validateSettings(
  schema: object,
  data: unknown,
  options: { context: string; coerce?: boolean; label?: (path: string) => string; code?: 'invalid_config' | 'invalid_argument' },
): void {
  const validate = (options.coerce ? coercing : strict).compile(schema);
  if (validate(data)) return;
  const label = options.label ?? ((path: string) => path || '(top level)');
  const problems = (validate.errors ?? []).map((error) => {
    const path = errorPath(error);
    return `${label(path)}: ${describe(error)}`;
  });
  // ajv reports both branches of a union; the same line twice says nothing new.
  const unique = [...new Set(problems)];
  throw new CollectorError(options.code ?? 'invalid_config', `${options.context}: ${unique.join('; ')}`);
}

/** `/sources/1/writeKey` → `sources[1].writeKey`; a missing or unknown key is named too. */
function errorPath(error: ErrorObject): string {
  let path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const child = error.keyword === 'required' ? params.missingProperty : error.keyword === 'additionalProperties' ? params.additionalProperty : undefined;
  if (child !== undefined) path = path ? `${path}.${child}` : child;
  return path;
}

function describe(error: ErrorObject): string {
  const params = error.params as { type?: string; allowedValues?: unknown[] };
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known setting';
    case 'type': {
      const types = String(params.type).split(',');
      return `must be ${types.map((type) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`)).join(' or ')}`;
    }
    case 'enum':
      return `must be one of ${(params.allowedValues ?? []).map((value) => JSON.stringify(value)).join(', ')}`;
    default:
      return error.message ?? 'is not valid';
  }
}
