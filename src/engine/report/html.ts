/**
 * `index.html` of a report: one self-contained page (inline CSS, charts inline as SVG, no script, nothing
 * fetched) with a summary table and, per sentence, the sections of the app's panes and comparison view plus
 * every method's settings. Laid out to print: one sentence per page, charts scaled to the page width.
 */
import { forceBar } from '../../shared/charts/force.js';
import { formatScore } from '../../shared/charts/heat-text.js';
import { sentenceLayout } from '../../shared/charts/layout.js';
import { headDescription, predictionView, type HeadInfo } from '../../shared/charts/prediction.js';
import { DEFAULT_SEGMENT_LABELS, SEGMENT_MARKS, ZERO_SHOT_SEGMENT_LABELS } from '../../shared/charts/segments.js';
import { zeroShotView } from '../../shared/charts/zero-shot.js';
import { summarizeCorpus, type CorpusSummary, type PredictionRow } from '../../shared/corpus.js';
import type { Explanation, ModelInfo, ResultsDocument, SentenceResult } from '../../shared/results.js';
import { piecesAreText, type TokenLayout } from '../../shared/tokens.js';
import type { ReportChart } from './charts.js';
import type { ReportDocument } from './data-files.js';
import { escapeXml as escape } from './svg-blocks.js';

const STYLE = `
body { font-family: system-ui, sans-serif; color: #1b1b1f; margin: 1.5rem; max-width: 1100px; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; border-bottom: 1px solid #d0d0d7; } h3 { font-size: 1rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.4rem 0; }
th, td { border: 1px solid #d0d0d7; padding: 0.2rem 0.4rem; text-align: left; vertical-align: top; }
.muted { color: #5f5f66; font-size: 0.85rem; }
.partial { background: #fff4d6; border: 1px solid #e0b000; padding: 0.5rem; }
.warning { color: #b3261e; }
figure { margin: 0.5rem 0; } figcaption { font-size: 0.85rem; color: #5f5f66; }
figure svg, figure img { max-width: 100%; height: auto; }
.force { position: relative; height: 1.6rem; border: 1px solid #d0d0d7; }
.force span { position: absolute; top: 0; bottom: 0; overflow: hidden; color: #fff; font-size: 0.75rem;
  text-align: center; line-height: 1.6rem; white-space: nowrap; }
.method { border-left: 3px solid #4c5fd5; padding-left: 0.75rem; margin: 1rem 0; }
table.bars th, table.bars td { border: none; padding: 0.1rem 0.4rem; }
table.bars tr.predicted th { font-weight: bold; }
.track { position: relative; width: 16rem; height: 0.8rem; border: 1px solid #d0d0d7; }
.track .fill { position: absolute; left: 0; top: 0; bottom: 0; background: #c9cbd3; }
tr.predicted .track .fill { background: #4c5fd5; }
table.bars tr.explained th { color: #4c5fd5; }
table.pair th { white-space: nowrap; color: #4c5fd5; }
table.pair caption { text-align: left; }
.sep { color: #4c5fd5; font-weight: bold; padding: 0 0.3em; }
.back { font-size: 0.8rem; margin: -0.4rem 0 0.6rem; }
tr.wrong td { background: #fdecea; }
.correct { color: #1b7f3b; } .wrong-mark { color: #b3261e; }
ul.notes { font-size: 0.85rem; color: #5f5f66; }
.corpus-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(500px, 1fr)); gap: 0 1rem; }
.track .threshold { position: absolute; top: -3px; bottom: -3px; width: 2px; margin-left: -1px; background: #1b1b1f; }
@media print {
  body { margin: 0; max-width: none; }
  .sentence, #sentences { break-before: page; }
  figure, table { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}`;

/**
 * Above this size a chart goes into the page as its PNG: a long sentence's attention map has n² cells, and
 * 512 tokens make a 40 MB SVG that no browser opens comfortably (the app switches to canvas for the same reason).
 */
export const INLINE_SVG_LIMIT = 1_000_000;

/** A chart as the page gets it: with its PNG when the SVG is too large to inline (and only then, to spare memory). */
export type PageChart = ReportChart & { png?: Uint8Array };

/** A chart that could not be drawn: the page says so in its place. */
export interface ChartNote {
  name: string;
  title: string;
  method?: string;
  reason: string;
}

export type PageFigure = PageChart | ChartNote;

export interface HtmlInput {
  document: ReportDocument;
  /** One `sentenceSection` per sentence, in the order of `document.sentences`. */
  sections: readonly string[];
  /** The corpus summary's charts (`corpusCharts`, drawn); without them the section has its numbers alone. */
  corpus?: readonly PageFigure[];
}

export function reportHtml({ document, sections, corpus = [] }: HtmlInput): string {
  const { model, report } = document;
  const summary = document.summary ?? summarizeCorpus(document);
  const title = `XAI Workbench report: ${model.name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escape(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escape(title)}</h1>
${report.partial ? `<p class="partial" data-section="partial">Partial report: the run was cancelled or interrupted; only the ${document.sentences.length} sentences that finished are included.</p>` : ''}
<table data-section="model">
<tr><th>Model</th><td>${escape(model.name)} (${escape(model.source)}, ${escape(model.modelType)}${model.tokenizer ? `, ${escape(model.tokenizer)} tokenizer` : ''}, ${model.dtype})</td></tr>
${tokensRow(model)}
${model.precision === 'int8' ? `<tr><th>Precision</th><td>${int8Summary(document)}</td></tr>` : ''}
<tr><th>ONNX sha256</th><td><code>${model.sha256}</code></td></tr>
<tr><th>Head</th><td data-section="head">${escape(headDescription(model))}</td></tr>
<tr><th>Labels</th><td>${model.labels.map(escape).join(', ')}</td></tr>
${document.input ? `<tr><th>Input</th><td>${inputSummary(document)}</td></tr>` : ''}
<tr><th>Created</th><td>${escape(report.createdAt)} with XAI Workbench ${escape(report.appVersion)}</td></tr>
</table>
${corpusSection(summary, corpus)}
${summaryTable(document.sentences, model, summary)}
${sections.join('\n')}
</body>
</html>
`;
}

/**
 * How the page shows a byte-level BPE or SentencePiece model's tokens: as the text they cover, while the data
 * files keep the vocabulary strings. WordPiece pieces are text already; nothing to say.
 */
function tokensRow(model: ModelInfo): string {
  if (piecesAreText({ tokens: [], tokenizer: model.tokenizer })) return '';
  return (
    `<tr><th>Tokens</th><td data-section="tokens">shown as the text they cover (<code>Ġlook</code> and <code>▁look</code> as <code>look</code>, ` +
    `<code>␣</code> for a space); hover a chip for its vocabulary string, which results.json and the <code>token</code> ` +
    `column of scores.csv keep (<code>token_text</code> has the shown text)</td></tr>`
  );
}

function int8Summary({ sentences, model }: ResultsDocument): string {
  const drifts = sentences.flatMap((sentence) => (sentence.int8Drift === undefined ? [] : [sentence.int8Drift]));
  const delta = model.task === 'regression' ? '|Δscore|' : '|Δp|';
  const worst =
    drifts.length > 0 ? `; largest drift from fp32 max ${delta} = ${Math.max(...drifts).toExponential(2)}` : '';
  return `SHAP, LIME, occlusion and the metrics ran on the int8-quantized model; predictions, gradients and attention in fp32${worst}`;
}

function inputSummary({ input, shard, sentences }: ResultsDocument): string {
  const whole = `${input!.sentences} sentences (sha256 <code>${input!.sha256.slice(0, 12)}…</code>)`;
  return shard
    ? `shard ${shard.index} of ${shard.count}: ${sentences.length} of ${whole}, every ${shard.count}th from sentence ${shard.index + 1}`
    : whole;
}

/** Longer text is cut in the summary table and headings; the sentence's section shows it whole below. */
export const SHORT_TEXT_CHARS = 240;

function shortText(text: string): string {
  const chars = [...text];
  return chars.length <= SHORT_TEXT_CHARS ? text : `${chars.slice(0, SHORT_TEXT_CHARS).join('').trimEnd()}…`;
}

function fullText(text: string): string {
  if (shortText(text) === text) return '';
  const words = text.split(/\s+/).filter(Boolean).length;
  return `<details data-section="text"><summary>Whole text (${words} words)</summary><p>${escape(text)}</p></details>\n`;
}

/**
 * One row per sentence; the prediction's columns follow the head: label and probability (single-label), the
 * predicted labels and every label's sigmoid (multi-label), the score (regression).
 */
function summaryTable(sentences: readonly SentenceResult[], model: HeadInfo, summary: CorpusSummary): string {
  const task = model.task ?? 'single_label_classification';
  const zeroShot = sentences.some((sentence) => sentence.zeroShot);
  const rowOf = new Map(summary.predictions.map((row) => [row.index, row]));
  const labelled = summary.predictions.some((row) => row.trueLabel !== undefined);
  const flagged = summary.predictions.some((row) => row.truncated || row.int8Drift !== undefined);
  const head =
    task === 'regression'
      ? '<th>Score</th>'
      : task === 'multi_label_classification'
        ? `<th>Predicted (sigmoid ≥ ${model.threshold ?? 0.5})</th><th>Sigmoids</th>`
        : '<th>Predicted</th><th>Probability</th>';
  const rows = sentences.map((sentence) => {
    const view = predictionView(sentence, model);
    // A zero-shot sentence's prediction is its best candidate, not the NLI label of the pair explained.
    const candidates = sentence.zeroShot ? zeroShotView(sentence.zeroShot) : undefined;
    const best = candidates?.bars.find((bar) => bar.best);
    const cells = best
      ? `<td>${escape(best.label)}</td><td>${best.text}</td>`
      : view.task === 'regression'
        ? `<td>${view.score.toFixed(3)}</td>`
        : view.task === 'multi_label_classification'
          ? `<td>${escape(view.predictedLabels.join(', ') || 'none')}</td>` +
            `<td>${view.bars.map((bar) => `${escape(bar.label)} ${bar.text}`).join(' · ')}</td>`
          : `<td>${escape(view.label)}</td><td>${view.probability.toFixed(3)}</td>`;
    const ranking = zeroShot ? `<td data-zero-shot>${candidates ? escape(candidates.summary) : ''}</td>` : '';
    const row = rowOf.get(sentence.index);
    const truth = labelled ? `<td>${escape(row?.trueLabel ?? '')}</td>${correctCell(row)}` : '';
    const flags = flagged ? `<td>${row ? escape(rowFlags(row)) : ''}</td>` : '';
    const n = sentence.index + 1;
    return (
      `<tr id="row-s${n}"${row?.correct === false ? ' class="wrong"' : ''}><td><a href="#s${n}">${n}</a></td><td>${textCell(sentence)}</td>` +
      `${cells}${ranking}${truth}${flags}<td>${Object.keys(sentence.explanations).length}</td></tr>`
    );
  });
  const headings = `${zeroShot ? '<th>Zero-shot candidates</th>' : ''}${labelled ? '<th>True label</th><th>Correct</th>' : ''}${flagged ? '<th>Notes</th>' : ''}`;
  return `<h2 id="sentences">Sentences</h2>
<p class="muted">Each number opens its sentence's section; each section links back here.${labelled ? ' Wrong predictions are shaded.' : ''} As CSV: <a href="summary/predictions.csv">summary/predictions.csv</a>.</p>
<table data-section="summary"><tr><th>#</th><th>Text</th>${head}${headings}<th>Methods</th></tr>
${rows.join('\n')}
</table>`;
}

function correctCell(row: PredictionRow | undefined): string {
  if (row?.correct === undefined) return '<td data-correct="">—</td>';
  return row.correct
    ? '<td data-correct="true" class="correct">✓</td>'
    : '<td data-correct="false" class="wrong-mark">✗</td>';
}

function rowFlags(row: PredictionRow): string {
  return [
    row.truncated ? 'truncated' : '',
    row.int8Drift === undefined ? '' : `int8 drift ${row.int8Drift.toExponential(2)}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** `negative 12 · positive 30`, in the label order. */
function counts(labels: readonly string[], byLabel: Record<string, number>): string {
  const order = [...labels, ...Object.keys(byLabel).filter((label) => !labels.includes(label))];
  return order
    .filter((label) => byLabel[label] !== undefined)
    .map((label) => `${escape(label)} ${byLabel[label]}`)
    .join(' · ');
}

const SUMMARY_FILES = [
  'predictions',
  'labels',
  'importance-tokens',
  'importance-words',
  'agreement',
  'evaluation',
  'confusion',
  'totals',
];

/**
 * The report's first section: the file at a glance. Counts and (with true labels) accuracy, macro-F1 and each
 * label's precision, recall and F1; what was left out and why; the confusion matrix, each method's global
 * importance per class, the methods' agreement and the averaged evaluation; each method's total cost.
 */
export function corpusSection(summary: CorpusSummary, charts: readonly PageFigure[] = []): string {
  const { classification } = summary;
  const chart = (prefix: string) => charts.filter((c) => c.name.startsWith(prefix)).map(figure);
  const errors = summary.predictions.filter((row) => row.correct === false);
  const numbers = [
    `<tr><th>Sentences</th><td data-value="sentences">${summary.sentences}${summary.labelled > 0 ? ` (${summary.labelled} with a true label)` : ''}</td></tr>`,
    `<tr><th>Predicted</th><td>${counts(summary.labels, summary.predictedCounts)}</td></tr>`,
    summary.labelled > 0 ? `<tr><th>True labels</th><td>${counts(summary.labels, summary.trueCounts)}</td></tr>` : '',
    classification
      ? `<tr><th>Accuracy</th><td data-value="accuracy">${classification.accuracy.toFixed(3)} over ${classification.sentences} sentences</td></tr>` +
        `<tr><th>Macro-F1</th><td data-value="macro-f1">${classification.macroF1.toFixed(3)}</td></tr>` +
        `<tr><th>Errors</th><td data-value="errors">${errors.length}${
          errors.length > 0
            ? `: ${errors
                .slice(0, 50)
                .map((row) => `<a href="#s${row.index + 1}">${row.index + 1}</a>`)
                .join(', ')}${errors.length > 50 ? ', …' : ''}`
            : ''
        }</td></tr>`
      : '',
  ].join('');
  const perLabel = classification
    ? `<table data-section="corpus-labels"><tr><th>Label</th><th>Precision</th><th>Recall</th><th>F1</th><th>Support</th></tr>${classification.perLabel
        .map(
          (m) =>
            `<tr><th>${escape(m.label)}</th><td>${m.precision.toFixed(3)}</td><td>${m.recall.toFixed(3)}</td><td>${m.f1.toFixed(3)}</td><td>${m.support}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const notes =
    summary.notes.length > 0
      ? `<ul class="notes" data-section="corpus-notes">${summary.notes.map((note) => `<li>${escape(note)}</li>`).join('')}</ul>`
      : '';
  const totals = summary.totals.length
    ? `<table data-section="corpus-totals"><tr><th>Method</th><th>Sentences</th><th>Seconds</th><th>Evaluations</th></tr>${summary.totals
        .map(
          (t) =>
            `<tr><th>${escape(t.method)}</th><td>${t.sentences}</td><td>${t.seconds.toFixed(2)}</td><td>${t.evaluations}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const importance = summary.importance
    .map(({ method }) => {
      const figures = charts.filter((c) => c.method === method).map(figure);
      return figures.length > 0
        ? `<div class="corpus-grid" data-section="corpus-importance" data-method="${escape(method)}">\n${figures.join('\n')}\n</div>`
        : '';
    })
    .join('\n');
  const { minCount, hideStopWords } = summary.options;
  return `<section id="corpus" data-section="corpus">
<h2>Corpus summary</h2>
<table data-section="corpus-numbers">${numbers}</table>
${perLabel}
${notes}
${chart('corpus-confusion').join('\n')}
${importance ? `<h3>Global importance</h3>\n<p class="muted">Per method and class: the tokens (and words) by mean |score| over their occurrences in the explanations for that class, seen at least ${minCount} times${hideStopWords ? ', stop words hidden' : ''}; red pushes toward the class on average, blue against it.</p>\n${importance}` : ''}
${chart('corpus-agreement').join('\n')}
${chart('corpus-evaluation').join('\n')}
${totals ? `<h3>Cost</h3>\n${totals}` : ''}
<p class="muted" data-section="corpus-files">The summary's tables as CSV: ${SUMMARY_FILES.map((name) => `<a href="summary/${name}.csv">${name}.csv</a>`).join(' · ')}; word-level scores in <a href="words.csv">words.csv</a>, token-level in <a href="scores.csv">scores.csv</a>.</p>
</section>`;
}

/**
 * A sentence as a cell or heading shows it: a pair's two texts apart (`premise │ hypothesis`), each cut short;
 * a zero-shot sentence by its text (its pairs are the candidates' hypotheses).
 */
function textCell(sentence: SentenceResult): string {
  if (sentence.textPair === undefined || sentence.zeroShot) return escape(shortText(sentence.text));
  return `${escape(shortText(sentence.text))}<span class="sep">│</span>${escape(shortText(sentence.textPair))}`;
}

/** A pair's two texts, whole, each under its name (`A · text`, `B · text pair`; a zero-shot pair's hypothesis). */
function pairTable(sentence: SentenceResult): string {
  if (sentence.textPair === undefined) return '';
  const labels = sentence.zeroShot ? ZERO_SHOT_SEGMENT_LABELS : DEFAULT_SEGMENT_LABELS;
  const rows = [sentence.text, sentence.textPair]
    .map((text, s) => `<tr><th>${SEGMENT_MARKS[s]} · ${labels[s]}</th><td>${escape(text)}</td></tr>`)
    .join('');
  const what = sentence.zeroShot ? 'The pair explained' : 'Sentence pair';
  return `<table class="pair" data-section="pair"><caption class="muted">${what}</caption>${rows}</table>\n`;
}

/**
 * A zero-shot sentence's candidates as the app shows them: one bar per candidate on 0–1 (the softmax across
 * them, or each one's own entailment), the explained one marked, with its hypothesis.
 */
function zeroShotHtml(sentence: SentenceResult): string {
  if (!sentence.zeroShot) return '';
  const view = zeroShotView(sentence.zeroShot);
  const rows = view.bars
    .map(
      (bar) =>
        `<tr class="${[bar.explained ? 'explained' : '', bar.best ? 'predicted' : ''].join(' ').trim()}" data-label="${escape(bar.label)}" data-explained="${bar.explained}" title="${escape(bar.title)}">` +
        `<th>${escape(bar.label)}${bar.explained ? ' ◀ explained' : ''}</th><td><div class="track"><span class="fill" style="width:${bar.width}%"></span></div></td><td>${bar.text}</td>` +
        `<td class="muted">${escape(bar.hypothesis)}</td></tr>`,
    )
    .join('');
  return `<div data-section="zero-shot"><p>Zero-shot: best <strong>${escape(view.best)}</strong> · ${escape(view.caption)} · explained <strong>${escape(view.explained)}</strong> (its pair's entailment)</p>
<table class="bars">${rows}</table></div>\n`;
}

/**
 * The sentence's prediction as the app's prediction bars show it: one bar per label on a fixed 0–1 scale (the
 * softmax; or each label's own sigmoid with the threshold marked, never renormalized), or the regression score.
 */
function predictionHtml(sentence: SentenceResult, model: HeadInfo): string {
  const view = predictionView(sentence, model);
  const notes = `${sentence.truncated ? ' · truncated' : ''}${sentence.int8Drift === undefined ? '' : ` · int8 drift ${sentence.int8Drift.toExponential(2)}`}`;
  if (view.task === 'regression') {
    return `<div data-section="prediction" data-task="regression"><p>Score <strong data-score>${view.score.toFixed(3)}</strong> <span class="muted">(the regression head's one output${view.label === 'score' ? '' : `, ${escape(view.label)}`})</span>${notes}</p></div>`;
  }
  const multi = view.task === 'multi_label_classification';
  // A zero-shot sentence's own prediction is the NLI model's, of the pair explained.
  const of = sentence.zeroShot ? 'The NLI model on the pair explained: ' : '';
  const headline = multi
    ? `${of}Predicted <strong>${escape(view.predictedLabels.join(', ') || 'no label')}</strong> · multi-label: each label's own sigmoid, threshold ${view.threshold}`
    : `${of}Predicted <strong>${escape(view.label)}</strong> · softmax over ${view.bars.length} labels`;
  const threshold = multi ? `<span class="threshold" style="left:${view.thresholdAt}%"></span>` : '';
  const rows = view.bars
    .map(
      (bar) =>
        `<tr${bar.predicted ? ' class="predicted"' : ''} data-label="${escape(bar.label)}" data-predicted="${bar.predicted}" title="${escape(bar.title)}">` +
        `<th>${escape(bar.label)}</th><td><div class="track"><span class="fill" style="width:${bar.width}%"></span>${threshold}</div></td><td>${bar.text}</td></tr>`,
    )
    .join('');
  return `<div data-section="prediction" data-task="${view.task}"><p>${headline}${notes}</p>
<table class="bars">${rows}</table></div>`;
}

/** One sentence's part of the page, made as soon as its charts are drawn so that their SVGs need not be kept. */
export function sentenceSection(
  sentence: SentenceResult,
  charts: readonly PageFigure[],
  methodLabel: (method: string) => string,
  /** The model's tokenizer type, to show its tokens readably, and its head, to show the prediction as it means. */
  model: Partial<Pick<ModelInfo, 'tokenizer' | 'task' | 'threshold'>> = {},
  /** The sentence's row of the corpus summary: its true label and whether the prediction is it. */
  truth?: Pick<PredictionRow, 'trueLabel' | 'correct'>,
): string {
  const { tokenizer } = model;
  const methods = Object.values(sentence.explanations).map((explanation) =>
    methodSection(
      explanation,
      sentenceLayout(sentence, tokenizer, explanation.tokens),
      charts.filter((chart) => chart.method === explanation.method),
      methodLabel,
    ),
  );
  const shared = charts.filter((chart) => chart.method === undefined);
  // Numbered by position in the input file, so a shard's report names the same sentence as the merged one.
  const number = sentence.index + 1;
  return `<section class="sentence" id="s${number}" data-section="sentence">
<h2>${number}. ${textCell(sentence)}</h2>
${backLink(sentence, truth)}
${sentence.textPair === undefined ? fullText(sentence.text) : ''}${zeroShotHtml(sentence)}${pairTable(sentence)}${predictionHtml(sentence, model)}
${warnings(sentence.warnings)}
${methods.join('\n')}
<div data-section="comparison"><h3>Comparison</h3>
${shared.map(figure).join('\n')}
</div>
</section>`;
}

/** Back to the sentence's row of the table, with its true label where the file gave one. */
function backLink(sentence: SentenceResult, truth?: Pick<PredictionRow, 'trueLabel' | 'correct'>): string {
  const trueLabel = truth?.trueLabel ?? sentence.trueLabel;
  const verdict =
    truth?.correct === undefined
      ? ''
      : truth.correct
        ? ' <span class="correct">✓ predicted</span>'
        : ' <span class="wrong-mark">✗ mispredicted</span>';
  const label = trueLabel === undefined ? '' : ` · true label <strong>${escape(trueLabel)}</strong>${verdict}`;
  return `<p class="back" data-section="back"><a href="#row-s${sentence.index + 1}">↑ back to the table</a>${label}</p>`;
}

function methodSection(
  explanation: Explanation,
  layout: TokenLayout,
  charts: readonly PageFigure[],
  methodLabel: (method: string) => string,
): string {
  const sum = explanation.scores.reduce((a, b) => a + b, 0);
  const target = explanation.options.targetLabel;
  const settings = Object.entries(explanation.options)
    .map(([name, value]) => `<tr><th>${escape(name)}</th><td>${escape(JSON.stringify(value) ?? '')}</td></tr>`)
    .join('');
  const delta = explanation.delta === undefined ? '' : ` · convergence delta ${explanation.delta.toExponential(3)}`;
  return `<section class="method" data-section="method" data-method="${escape(explanation.method)}">
<h3>${escape(methodLabel(explanation.method))}</h3>
<p class="muted">Target ${escape(typeof target === 'string' ? target : '—')} · attribution sum ${formatScore(sum)} · ${explanation.evaluations} evaluations · ${explanation.seconds.toFixed(2)} s${delta}</p>
${warnings(explanation.warnings)}
${explanation.shap ? forceBarHtml(explanation, layout) : ''}
${charts.map(figure).join('\n')}
<details open><summary>Settings</summary><table data-section="settings">${settings}</table></details>
</section>`;
}

/** shap's base value → f(x) strip, as the app's ForceBar draws it. */
function forceBarHtml(explanation: Explanation, layout: TokenLayout): string {
  const shap = explanation.shap!;
  const target = typeof explanation.options.target === 'number' ? explanation.options.target : 0;
  const bar = forceBar(
    layout,
    shap.values.map((perClass) => perClass[target] ?? 0),
    shap.baseValues[target] ?? 0,
    shap.outputs[target] ?? 0,
  );
  const segments = bar.segments
    .map(
      (s) =>
        `<span title="${escape(s.title)}" style="left:${s.left}%;width:${s.width}%;background:${s.color}">${s.width > 6 ? escape(s.token) : ''}</span>`,
    )
    .join('');
  return `<figure data-section="force"><figcaption>Base value ${formatScore(bar.base)} → f(x) ${formatScore(bar.output)}</figcaption><div class="force">${segments}</div></figure>`;
}

function warnings(list: readonly { message: string }[]): string {
  return list.map((warning) => `<p class="warning">⚠ ${escape(warning.message)}</p>`).join('\n');
}

function figure(chart: PageFigure): string {
  if ('reason' in chart) {
    return `<figure data-chart="${chart.name}" data-skipped="true"><figcaption>${escape(chart.title)}</figcaption>
<p class="warning">⚠ This chart could not be drawn: ${escape(chart.reason)}. Its data are in results.json and scores.csv.</p>
</figure>`;
  }
  const image = chart.png
    ? `<img src="data:image/png;base64,${Buffer.from(chart.png).toString('base64')}" width="${chart.width}" height="${chart.height}" alt="${escape(chart.title)}">`
    : inlineSvg(chart);
  return `<figure data-chart="${chart.name}"><figcaption>${escape(chart.title)} · <a href="charts/${chart.name}.png">PNG</a> · <a href="charts/${chart.name}.svg">SVG</a></figcaption>
${image}
</figure>`;
}

/**
 * Several SVGs in one page share one id space; ECharts names its clip paths and gradients `zr0-…` in every
 * chart, so ids are prefixed with the chart's name to keep each `url(#…)` pointing into its own chart.
 */
function inlineSvg(chart: ReportChart): string {
  const prefix = `${chart.name}-`;
  return chart.svg
    .replace(/<\?xml[^>]*>\s*/, '')
    .replace(/\bid="([^"]+)"/g, `id="${prefix}$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}$1"`);
}
