import type { ErrorObject } from 'ajv';

/** One schema error: the field it names and what is wrong with it. */
export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * ajv's errors as problems that name the field: `properties.price` `must be number`,
 * `properties.product_id` `is required`, `properties.coupon` `is not allowed`. Repeats (ajv
 * reports each branch of a union) are dropped.
 *
 * @example
 * describeAjvErrors(validate.errors ?? [], 'properties') // [{path: 'properties.price', message: 'must be number'}]
 */
export function describeAjvErrors(errors: readonly ErrorObject[], root: string): FieldProblem[] {
  const seen = new Map<string, FieldProblem>();
  for (const error of errors) {
    const params = error.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
    const path = joinPath(root, error.instancePath);
    let problem: FieldProblem;
    switch (error.keyword) {
      case 'required':
        problem = { path: childPath(path, String(params.missingProperty)), message: 'is required' };
        break;
      case 'additionalProperties':
        problem = { path: childPath(path, String(params.additionalProperty)), message: 'is not allowed' };
        break;
      case 'enum':
        problem = { path, message: `must be one of ${(params.allowedValues ?? []).map((value) => JSON.stringify(value)).join(', ')}` };
        break;
      default:
        problem = { path, message: error.message ?? 'is not valid' };
    }
    seen.set(`${problem.path} ${problem.message}`, problem);
  }
  return [...seen.values()];
}

/**
 * Problems as one line: `properties.price must be number; properties.sku is required`.
 *
 * @example
 * joinProblems(describeAjvErrors(errors, 'properties'))
 */
export function joinProblems(problems: readonly FieldProblem[]): string {
  return problems.map((problem) => (problem.path === '' ? problem.message : `${problem.path} ${problem.message}`)).join('; ');
}

/** `/products/0/price` under `properties` → `properties.products[0].price`. */
function joinPath(root: string, pointer: string): string {
  if (pointer === '') return root;
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : childPath(path, part)), root);
}

function childPath(path: string, key: string): string {
  const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  return path === '' ? segment.replace(/^\./, '') : `${path}${segment}`;
}
