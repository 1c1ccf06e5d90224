/**
 * The charts of a report's corpus summary, from the same src/shared/charts/corpus.ts builders as the app's
 * corpus view: the confusion matrix, the global importance bars per method and class (tokens, and words where
 * they differ from the tokens), the agreement matrix over the file and the averaged evaluation table.
 */
import {
  confusionMatrixOption,
  corpusAgreementOption,
  corpusEvaluationTable,
  DEFAULT_TOP_K,
  globalImportanceOption,
} from '../../shared/charts/corpus.js';
import type { ChartOption } from '../../shared/charts/types.js';
import type { ClassImportance, CorpusSummary } from '../../shared/corpus.js';
import { echartsPlan, pages, plan, slug, type ChartPlan } from './charts.js';
import { tableSvg, type TableCell } from './svg-blocks.js';

/** Names of the corpus charts start so, apart from every sentence's (`s1-…`). */
export const CORPUS_PREFIX = 'corpus';

export function corpusCharts(summary: CorpusSummary, methodLabel: (method: string) => string): ChartPlan[] {
  const charts: ChartPlan[] = [];
  const names = new Set<string>();
  // Two labels or methods can slug alike ("a b", "a_b"): a chart never overwrites another's files.
  const unique = (name: string): string => {
    let candidate = name;
    for (let n = 2; names.has(candidate); n += 1) candidate = `${name}-${n}`;
    names.add(candidate);
    return candidate;
  };
  const { classification, labels } = summary;
  if (classification) {
    const side = 200 + 56 * labels.length;
    const option = (): ChartOption => confusionMatrixOption(labels, classification);
    const size: [number, number] = [Math.max(side + 200, 520), side];
    charts.push(echartsPlan(unique(`${CORPUS_PREFIX}-confusion`), 'Confusion matrix', option, size));
  }
  for (const { method, classes } of summary.importance) {
    const label = methodLabel(method);
    for (const importance of classes) {
      for (const kind of kinds(importance)) {
        const shown = Math.min(importance[kind].length, DEFAULT_TOP_K);
        const height = 112 + 24 * Math.max(shown, 1);
        const noun = kind === 'tokens' ? 'token' : 'word';
        const name = unique(`${CORPUS_PREFIX}-${slug(method)}-${kind}-${slug(importance.label)}`);
        const option = (): ChartOption =>
          globalImportanceOption({
            importance,
            methodLabel: label,
            kind,
            minCount: summary.options.minCount,
          });
        charts.push(
          echartsPlan(
            name,
            `${label}: global ${noun} importance for ${importance.label}`,
            option,
            [720, height],
            method,
          ),
        );
      }
    }
  }
  const { agreement } = summary;
  if (agreement.methods.length >= 2) {
    const size = 240 + 48 * agreement.methods.length;
    const option = (): ChartOption => corpusAgreementOption(agreement, methodLabel);
    const title = "Agreement over the file (mean Kendall's τ-b)";
    charts.push(echartsPlan(unique(`${CORPUS_PREFIX}-agreement`), title, option, [size + 160, size]));
  }
  if (Object.keys(summary.evaluation).length > 0) charts.push(evaluationPlan(summary, methodLabel, unique));
  return charts;
}

/** Words are drawn where they say something the tokens do not: some word is not one token. */
function kinds(importance: ClassImportance): ('tokens' | 'words')[] {
  const top = (entries: ClassImportance['tokens']) => JSON.stringify(entries.slice(0, DEFAULT_TOP_K));
  return importance.words.length > 0 && top(importance.words) !== top(importance.tokens)
    ? ['tokens', 'words']
    : ['tokens'];
}

function evaluationPlan(
  summary: CorpusSummary,
  methodLabel: (method: string) => string,
  unique: (name: string) => string,
): ChartPlan {
  const chart = {
    name: unique(`${CORPUS_PREFIX}-evaluation`),
    title: 'Evaluation averaged over the file (ferret metrics; ★ best mean; n: sentences with a value)',
  };
  return plan(chart.name, chart.title, undefined, () => {
    const table = corpusEvaluationTable(summary.evaluation, summary.totals, methodLabel);
    const cells: TableCell[][] = [
      [
        { text: 'Method', header: true },
        ...table.columns.map(({ label, direction }) => ({ text: label, title: direction, header: true })),
        { text: 'Cost over the file', header: true },
      ],
      ...table.rows.map((row) => [
        { text: row.label, header: true },
        ...row.cells.map((cell) => ({
          text: `${cell.text}${cell.best ? ' ★' : ''} · ${cell.count}`,
          background: cell.background,
          color: cell.color,
          title: cell.title,
        })),
        { text: `${row.seconds.toFixed(1)} s · ${row.evaluations} evaluations · ${row.sentences} sentences` },
      ]),
    ];
    return pages(
      chart,
      tableSvg(cells, { maxCellChars: 48 }),
      ({ columns }) => `columns ${columns[0]}–${columns.at(-1)}`,
    );
  });
}
