/**
 * Option schemas: each explainer declares its options once; UI pickers, CLI flags and report sections are
 * generated from these declarations, and `resolveOptions` validates whatever a face passes in.
 */

interface OptionBase {
  name: string;
  label: string;
  help: string;
}

export interface ChoiceOption extends OptionBase {
  type: 'choice';
  choices: readonly string[];
  default: string;
}

export interface IntegerOption extends OptionBase {
  type: 'integer';
  min: number;
  max?: number;
  default: number;
}

export interface BooleanOption extends OptionBase {
  type: 'boolean';
  default: boolean;
}

/** An integer index into a list (a layer, a head, a class), or `all`. */
export interface IndexOrAllOption extends OptionBase {
  type: 'index-or-all';
  default: 'all' | number;
}

/** A class to explain: `predicted`, a class index, or a label name (checked against the model's labels later). */
export interface ClassOption extends OptionBase {
  type: 'class';
  default: 'predicted';
}

export type OptionSpec = ChoiceOption | IntegerOption | BooleanOption | IndexOrAllOption | ClassOption;

export type OptionValue = string | number | boolean;
export type OptionValues = Record<string, OptionValue>;

export class OptionError extends Error {
  override name = 'OptionError';
}

/**
 * Fills defaults and checks every given value against its spec. Strings are accepted for numbers and booleans
 * so that CLI flags and query strings need no conversion of their own. Unknown names are rejected: a typo must
 * not silently run with the default.
 */
export function resolveOptions(
  specs: readonly OptionSpec[],
  given: Record<string, unknown> = {},
  owner = 'method',
): OptionValues {
  const known = new Set(specs.map((spec) => spec.name));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) {
      const list = [...known].join(', ') || 'none';
      throw new OptionError(`${owner} has no option "${name}" (options: ${list})`);
    }
  }
  const resolved: OptionValues = {};
  for (const spec of specs) {
    const value = given[spec.name];
    resolved[spec.name] = value === undefined ? spec.default : parseValue(spec, value, owner);
  }
  return resolved;
}

function parseValue(spec: OptionSpec, value: unknown, owner: string): OptionValue {
  const where = `${owner} option "${spec.name}"`;
  switch (spec.type) {
    case 'choice': {
      if (typeof value !== 'string' || !spec.choices.includes(value)) {
        throw new OptionError(`${where} must be one of ${spec.choices.join(', ')}; got ${String(value)}`);
      }
      return value;
    }
    case 'integer': {
      const number = toInteger(value);
      if (number === undefined || number < spec.min || (spec.max !== undefined && number > spec.max)) {
        const range = spec.max === undefined ? `≥ ${spec.min}` : `from ${spec.min} to ${spec.max}`;
        throw new OptionError(`${where} must be an integer ${range}; got ${String(value)}`);
      }
      return number;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (value === 'true') return true;
      if (value === 'false') return false;
      throw new OptionError(`${where} must be true or false; got ${String(value)}`);
    }
    case 'index-or-all': {
      if (value === 'all') return 'all';
      const number = toInteger(value);
      if (number === undefined || number < 0) {
        throw new OptionError(`${where} must be "all" or an index ≥ 0; got ${String(value)}`);
      }
      return number;
    }
    case 'class': {
      if (typeof value === 'string' && value.trim() !== '' && !/^\d+$/.test(value)) return value;
      const number = toInteger(value);
      if (number === undefined || number < 0) {
        throw new OptionError(`${where} must be "predicted", a class index or a label; got ${String(value)}`);
      }
      return number;
    }
  }
}

function toInteger(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
}
