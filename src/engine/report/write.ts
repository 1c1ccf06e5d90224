/**
 * Writing a report folder: results.json, scores.csv, every chart as SVG and 2× PNG, and index.html, all into a
 * temporary sibling renamed into place at the end (folder.ts), so a failure half way leaves no report behind.
 */
import type { ResultsDocument } from '../../shared/results.js';
import { EXPLAINERS } from '../explainers/registry.js';
import { sentenceCharts } from './charts.js';
import { reportDocument, scoresCsv } from './data-files.js';
import { writeFolderAtomically, type AtomicFolderOptions } from './folder.js';
import { INLINE_SVG_LIMIT, reportHtml, type PageChart } from './html.js';
import { svgToPng } from './render.js';

export interface WriteReportOptions extends AtomicFolderOptions {
  /** Only some sentences finished (a cancelled or interrupted job); the report says so. */
  partial?: boolean;
  now?: Date;
}

export interface WrittenReport {
  /** The final folder (a suffixed name when `onExisting: 'suffix'` found the folder taken). */
  dir: string;
  partial: boolean;
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
  const written = await writeFolderAtomically(
    dir,
    async (write) => {
      await write('results.json', `${JSON.stringify(document, null, 2)}\n`);
      await write('scores.csv', scoresCsv(document));
      const charts: PageChart[][] = [];
      for (const sentence of document.sentences) {
        const perSentence: PageChart[] = [];
        for (const chart of sentenceCharts(sentence, document.model.labels, methodLabel)) {
          const png = await svgToPng(chart.svg);
          await write(`charts/${chart.name}.svg`, chart.svg);
          await write(`charts/${chart.name}.png`, png);
          perSentence.push(chart.svg.length > INLINE_SVG_LIMIT ? { ...chart, png } : chart);
        }
        charts.push(perSentence);
      }
      await write('index.html', reportHtml({ document, charts, methodLabel }));
    },
    { onExisting },
  );
  return { dir: written, partial };
}
