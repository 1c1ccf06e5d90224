/**
 * The arguments of every contract call, checked where they enter the engine (the web host's routes, Electron's
 * IPC handlers): one JSON Schema per argument, so that a wrong type or shape is refused with its path before the
 * engine sees it, and an argument over the contract's limits is refused with the limits.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { MAX_CANDIDATE_LABELS, MAX_TEXT_CHARACTERS, MAX_TEXTS_PER_CALL, type WorkbenchCall } from './api.js';
import resultsSchema from './results.schema.json' with { type: 'json' };

/** A call's arguments have the wrong number, type or shape: a client's mistake (HTTP 400). */
export class CallArgumentError extends Error {
  override name = 'CallArgumentError';
}

/** A call's arguments are over one of the contract's limits (HTTP 413). */
export class CallLimitError extends Error {
  override name = 'CallLimitError';
}

/** The limits in words, for every refusal over them. */
export const CALL_LIMITS = `a call takes at most ${MAX_TEXTS_PER_CALL} texts of at most ${MAX_TEXT_CHARACTERS} characters each`;
/** The limit of a zero-shot call's candidates, in words. */
export const CANDIDATE_LIMITS = `a zero-shot call takes at most ${MAX_CANDIDATE_LABELS} candidate labels`;

type Schema = Record<string, unknown>;
interface ArgumentSpec {
  name: string;
  optional?: boolean;
  schema: Schema;
}

const nonEmptyString: Schema = { type: 'string', minLength: 1 };
const text: Schema = { type: 'string', maxLength: MAX_TEXT_CHARACTERS };
/** A text, or a sentence pair `[text, textPair]`. */
const textInput: Schema = { oneOf: [text, { type: 'array', items: text, minItems: 2, maxItems: 2 }] };
const texts: Schema = { type: 'array', items: textInput, maxItems: MAX_TEXTS_PER_CALL };
/** Method id → option values; the engine checks ids and values against each explainer's option specs. */
const methods: Schema = {
  type: 'object',
  additionalProperties: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
};
/** One true label per text, or null where the file gave none (the engine checks the count matches). */
const trueLabels: Schema = {
  type: 'array',
  items: { type: ['string', 'null'], maxLength: MAX_TEXT_CHARACTERS },
  maxItems: MAX_TEXTS_PER_CALL,
};
const explainRequest: Schema = {
  type: 'object',
  required: ['texts', 'methods'],
  additionalProperties: false,
  properties: {
    texts,
    methods,
    labels: trueLabels,
    evaluate: { type: 'boolean' },
    rationales: {
      type: 'array',
      items: { anyOf: [{ type: 'null' }, { type: 'array', items: { enum: [0, 1] }, maxItems: MAX_TEXT_CHARACTERS }] },
      maxItems: MAX_TEXTS_PER_CALL,
    },
  },
};
/** A zero-shot call's candidates: distinct, non-empty labels, at least one. */
const candidateLabels: Schema = {
  type: 'array',
  items: { type: 'string', minLength: 1, maxLength: MAX_TEXT_CHARACTERS },
  minItems: 1,
  maxItems: MAX_CANDIDATE_LABELS,
  uniqueItems: true,
};
const zeroShotRequest: Schema = {
  type: 'object',
  required: ['texts', 'candidateLabels', 'methods'],
  additionalProperties: false,
  properties: {
    // Single texts: a zero-shot pair is the text and a candidate's hypothesis.
    texts: { type: 'array', items: text, maxItems: MAX_TEXTS_PER_CALL },
    candidateLabels,
    hypothesisTemplate: {
      type: 'string',
      maxLength: MAX_TEXT_CHARACTERS,
      pattern: '\\{\\}',
      description: 'hold {} where the label goes',
    },
    multiLabel: { type: 'boolean' },
    explainLabel: { type: 'string', minLength: 1, maxLength: MAX_TEXT_CHARACTERS },
    methods,
    labels: trueLabels,
  },
};
/** The results schema's own definitions, so that the enums are written down once. */
const fromResults = (pointer: string): Schema => ({ $ref: `${resultsSchema.$id}#/definitions/${pointer}` });

const CALL_ARGUMENTS: Record<WorkbenchCall, ArgumentSpec[]> = {
  loadModel: [
    { name: 'source', schema: nonEmptyString },
    {
      name: 'options',
      optional: true,
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          dtype: fromResults('model/properties/dtype'),
          precision: fromResults('model/properties/precision'),
          threshold: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        },
      },
    },
  ],
  listMethods: [],
  predict: [{ name: 'texts', schema: texts }],
  explain: [{ name: 'request', schema: explainRequest }],
  zeroShot: [{ name: 'request', schema: zeroShotRequest }],
  compare: [
    {
      name: 'request',
      schema: {
        type: 'object',
        required: ['text', 'methods'],
        additionalProperties: false,
        properties: { text: textInput, methods, rationale: { type: 'array', items: { enum: [0, 1] } } },
      },
    },
  ],
  startJob: [{ name: 'request', schema: explainRequest }],
  cancelJob: [{ name: 'jobId', schema: nonEmptyString }],
  getJob: [{ name: 'jobId', schema: nonEmptyString }],
  saveReport: [
    {
      name: 'request',
      schema: {
        type: 'object',
        required: ['dir'],
        additionalProperties: false,
        properties: {
          dir: nonEmptyString,
          jobId: nonEmptyString,
          results: {
            allOf: [
              { $ref: resultsSchema.$id },
              { type: 'object', properties: { sentences: { type: 'array', maxItems: MAX_TEXTS_PER_CALL } } },
            ],
          },
          onExisting: { enum: ['refuse', 'suffix'] },
          evaluate: { type: 'boolean' },
        },
      },
    },
  ],
};

// `verbose` keeps the offending value and its schema on each error, for the messages below.
const ajv = new Ajv({ strict: true, allowUnionTypes: true, verbose: true });
ajv.addSchema(resultsSchema);
const validators = Object.fromEntries(
  Object.entries(CALL_ARGUMENTS).map(([call, specs]) => [
    call,
    specs.map((spec) => ({ ...spec, validate: ajv.compile(spec.schema) })),
  ]),
) as Record<WorkbenchCall, (ArgumentSpec & { validate: ValidateFunction })[]>;

/** Throws a `CallArgumentError` or `CallLimitError` naming the first argument path that is wrong. */
export function checkCallArguments(call: WorkbenchCall, args: readonly unknown[]): void {
  const specs = validators[call];
  const required = specs.filter((spec) => !spec.optional).length;
  if (args.length < required || args.length > specs.length) {
    throw new CallArgumentError(`${call} takes ${expectedArguments(specs)}, got ${args.length}`);
  }
  args.forEach((arg, i) => {
    const { name, validate } = specs[i]!;
    if (validate(arg)) return;
    const error = validate.errors![0]!;
    const path = pathOf(name, error.instancePath);
    if (error.keyword === 'maxItems' || error.keyword === 'maxLength') {
      const size = error.keyword === 'maxItems' ? `${(error.data as unknown[]).length} items` : characters(error.data);
      const limits = error.parentSchema === candidateLabels ? CANDIDATE_LIMITS : CALL_LIMITS;
      throw new CallLimitError(`${call}: ${path} has ${size}; ${limits}`);
    }
    throw new CallArgumentError(`${call}: ${problem(path, error)}`);
  });
}

function expectedArguments(specs: readonly ArgumentSpec[]): string {
  if (specs.length === 0) return 'no arguments';
  const required = specs.filter((spec) => !spec.optional).length;
  const count = required === specs.length ? `${required}` : `${required} or ${specs.length}`;
  const names = specs.map((spec) => (spec.optional ? `${spec.name}?` : spec.name)).join(', ');
  return `${count} argument${specs.length === 1 ? '' : 's'} (${names})`;
}

/** `request` + `/texts/2` → `request.texts[2]`. */
function pathOf(argument: string, pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (path, key) =>
        /^\d+$/.test(key)
          ? `${path}[${key}]`
          : /^[A-Za-z_$][\w$]*$/.test(key)
            ? `${path}.${key}`
            : `${path}[${JSON.stringify(key)}]`,
      argument,
    );
}

function problem(path: string, error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type': {
      const wanted = String(params.type).split(',').map(withArticle);
      const choices = wanted.length > 1 ? `${wanted.slice(0, -1).join(', ')} or ${wanted.at(-1)!}` : wanted[0]!;
      return `${path} must be ${choices}, not ${kindOf(error.data)}`;
    }
    case 'required':
      return `${pathOf(path, `/${String(params.missingProperty)}`)} is missing`;
    case 'additionalProperties': {
      const known = Object.keys((error.parentSchema?.properties as Schema | undefined) ?? {}).join(', ');
      return `${path} has an unknown property ${excerpt(params.additionalProperty)} (known: ${known})`;
    }
    case 'enum':
      return `${path} must be one of ${(params.allowedValues as unknown[]).map(excerpt).join(', ')}, not ${excerpt(error.data)}`;
    case 'minLength':
      return `${path} must not be empty`;
    case 'minItems':
      return `${path} must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`;
    case 'uniqueItems':
      return `${path} has ${excerpt((error.data as unknown[])[params.i as number])} twice`;
    case 'pattern': {
      const wanted = (error.parentSchema as Schema | undefined)?.description;
      return `${path} must ${typeof wanted === 'string' ? wanted : `match ${String(params.pattern)}`}, not ${excerpt(error.data)}`;
    }
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${path} must be ${String(params.comparison)} ${String(params.limit)}, not ${excerpt(error.data)}`;
    default:
      return `${path} ${error.message ?? 'is not valid'}`;
  }
}

function withArticle(type: string): string {
  return type === 'null' ? 'null' : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return withArticle(typeof value);
}

/** A value as JSON, cut short: an error message must not echo megabytes a client sent. */
function excerpt(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 40)}…` : json;
}

/** Counted as the schema counts them: in code points, so an emoji is one character. */
function characters(value: unknown): string {
  return `${[...String(value)].length} characters`;
}
