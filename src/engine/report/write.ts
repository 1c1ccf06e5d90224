/**
 * Writing a report folder: results.json (with the corpus summary), scores.csv, words.csv, the summary's tables
 * under summary/, every chart as SVG and 2× PNG (the corpus summary's first, then each sentence's), and
 * index.html, all into a temporary sibling renamed into place at the end (folder.ts), so a failure half way
 * leaves no report behind.
 * The data files come first and a chart that cannot be drawn costs only itself: the page shows a note in its
 * place and the caller gets it in `skippedCharts`.
 */
import type { SkippedChart } from '../../shared/api.js';
import type { ResultsDocument } from '../../shared/results.js';
import { EXPLAINERS } from '../explainers/registry.js';
import { sentenceCharts, type ChartPlan, type ReportChart } from './charts.js';
import { corpusCharts } from './corpus-charts.js';
import { reportDocument, scoresCsv, wordsCsv } from './data-files.js';
import { writeFolderAtomically, type AtomicFolderOptions, type FileWriter } from './folder.js';
import { INLINE_SVG_LIMIT, reportHtml, sentenceSection, type PageFigure } from './html.js';
import { svgToPng } from './render.js';
import { summaryCsvFiles } from './summary-files.js';

export interface WriteReportOptions extends AtomicFolderOptions {
  /** Only some sentences finished (a cancelled or interrupted job); the report says so. */
  partial?: boolean;
  now?: Date;
}

export interface WrittenReport {
  /** The final folder (a suffixed name when `onExisting: 'suffix'` found the folder taken). */
  dir: string;
  partial: boolean;
  /** Charts that could not be drawn, in report order; empty when the report is complete. */
  skippedCharts: SkippedChart[];
}

/** Method labels come from the registry, the one list of methods; an unknown id (an older report) shows as is. */
function methodLabel(method: string): string {
  return EXPLAINERS.find((explainer) => explainer.id === method)?.label ?? method;
}

export async function writeReport(
  results: ResultsDocument,
  dir: string,
  { partial = results.partial ?? false, now, onExisting }: WriteReportOptions = {},
): Promise<WrittenReport> {
  // The top-level flag and the report's agree, whatever the given results said.
  const { partial: _given, ...rest } = results;
  const document = reportDocument(partial ? { ...rest, partial } : rest, partial, now);
  const skippedCharts: SkippedChart[] = [];
  const written = await writeFolderAtomically(
    dir,
    async (write) => {
      await write('results.json', `${JSON.stringify(document, null, 2)}\n`);
      await write('scores.csv', scoresCsv(document));
      await write('words.csv', wordsCsv(document));
      const summary = document.summary!;
      for (const [name, content] of summaryCsvFiles(summary)) await write(name, content);
      const corpus: PageFigure[] = [];
      for (const plan of corpusCharts(summary, methodLabel)) {
        const drawn = await drawChart(plan);
        if ('reason' in drawn) {
          skippedCharts.push({ chart: plan.name, title: plan.title, reason: drawn.reason });
          const { name, title, method } = plan;
          corpus.push({ name, title, ...(method ? { method } : {}), reason: drawn.reason });
        } else corpus.push(...(await writeChart(write, drawn.pages)));
      }
      const rows = new Map(summary.predictions.map((row) => [row.index, row]));
      const sections: string[] = [];
      for (const sentence of document.sentences) {
        const figures: PageFigure[] = [];
        for (const plan of sentenceCharts(sentence, document.model, methodLabel)) {
          const drawn = await drawChart(plan);
          if ('reason' in drawn) {
            skippedCharts.push({ sentence: sentence.index, chart: plan.name, title: plan.title, reason: drawn.reason });
            const { name, title, method } = plan;
            figures.push({ name, title, ...(method ? { method } : {}), reason: drawn.reason });
          } else figures.push(...(await writeChart(write, drawn.pages)));
        }
        // The section is the page's copy of the charts: their SVGs and PNGs are not kept past their sentence.
        sections.push(sentenceSection(sentence, figures, methodLabel, document.model, rows.get(sentence.index)));
      }
      await write('index.html', reportHtml({ document, sections, corpus }));
    },
    { onExisting },
  );
  return { dir: written, partial, skippedCharts };
}

interface DrawnPage {
  chart: ReportChart;
  png: Uint8Array;
}

/** Every page of a chart, or why one failed (any error: a builder's, ECharts', sharp's); nothing is written yet. */
async function drawChart(plan: ChartPlan): Promise<{ pages: DrawnPage[] } | { reason: string }> {
  try {
    const pages: DrawnPage[] = [];
    for (const chart of plan.draw()) pages.push({ chart, png: await svgToPng(chart) });
    return { pages };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Writes the pages' files; a failure to write is the report's failure, not the chart's. */
async function writeChart(write: FileWriter, pages: DrawnPage[]): Promise<PageFigure[]> {
  const figures: PageFigure[] = [];
  for (const { chart, png } of pages) {
    await write(`charts/${chart.name}.svg`, chart.svg);
    await write(`charts/${chart.name}.png`, png);
    figures.push(chart.svg.length > INLINE_SVG_LIMIT ? { ...chart, png } : chart);
  }
  return figures;
}
