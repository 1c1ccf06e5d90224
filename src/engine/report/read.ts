/**
 * Reading a saved report folder's results.json back (for `summarize`): each way a folder can fail to be a
 * report is said in words, naming the path, rather than as a raw ENOENT or a JSON parser's position.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RESULTS_SCHEMA, RESULTS_SCHEMA_VERSION, type ResultsDocument } from '../../shared/results.js';
import resultsSchema from '../../shared/results.schema.json' with { type: 'json' };

export class ReportReadError extends Error {
  override name = 'ReportReadError';
}

/** Schema errors named in a message at most; the rest are counted. */
const SHOWN_ERRORS = 3;

/** The results a report folder holds, its report metadata and saved summary left out (a summary is made anew). */
export async function readReportFolder(dir: string): Promise<ResultsDocument> {
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    throw new ReportReadError(
      error.code === 'ENOENT'
        ? `${dir} does not exist: give a report folder written by explain --out or merge`
        : `cannot open ${dir}: ${error.code ?? error.message}`,
    );
  });
  if (!info.isDirectory()) {
    throw new ReportReadError(
      `${dir} is a file, not a report folder: give the folder that holds results.json (written by explain --out or merge)`,
    );
  }
  const path = join(dir, 'results.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ReportReadError(
      code === 'ENOENT'
        ? `${dir} is not a report folder: it has no results.json (a report folder is written by explain --out or merge)`
        : `cannot read ${path}: ${code ?? String(error)}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ReportReadError(`${path} is not valid JSON (${reason}); was it cut short or edited?`);
  }
  const document = parsed as Partial<ResultsDocument> | null;
  if (typeof document !== 'object' || document === null || document.schema !== RESULTS_SCHEMA) {
    throw new ReportReadError(`${path} is not XAI Workbench results: it does not say "schema": "${RESULTS_SCHEMA}"`);
  }
  if (document.version !== RESULTS_SCHEMA_VERSION) {
    throw new ReportReadError(
      `${path} is in version ${JSON.stringify(document.version)} of the results schema; this version of XAI Workbench reads version ${RESULTS_SCHEMA_VERSION}`,
    );
  }
  const validate = validator();
  if (!validate(document)) {
    const errors = validate.errors ?? [];
    const shown = errors.slice(0, SHOWN_ERRORS).map(describeError).join('; ');
    const more = errors.length > SHOWN_ERRORS ? ` (and ${errors.length - SHOWN_ERRORS} more)` : '';
    throw new ReportReadError(`${path} does not match the results schema: ${shown}${more}`);
  }
  const {
    report: _report,
    summary: _summary,
    ...results
  } = document as ResultsDocument & {
    report?: unknown;
    summary?: unknown;
  };
  return results;
}

let compiled: ReturnType<Ajv['compile']> | undefined;

function validator(): ReturnType<Ajv['compile']> {
  compiled ??= new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }).compile(resultsSchema);
  return compiled;
}

/** `/sentences/2/tokens: must be array`, `/: must NOT have additional property "extra"`. */
function describeError({ instancePath, message, params }: ErrorObject): string {
  const extra =
    'additionalProperty' in params
      ? ` (${JSON.stringify((params as { additionalProperty: string }).additionalProperty)})`
      : '';
  return `${instancePath || '/'} ${message ?? 'is invalid'}${extra}`;
}
