/** The `saveReport` call: picks the results (a job's or the caller's), evaluates them if asked, writes the folder. */
import type { JobState, SavedReport, SaveReportRequest } from '../../shared/api.js';
import type { ModelBundle } from '../model/bundle.js';
import { evaluateResults } from './evaluate.js';
import { writeReport } from './write.js';

export async function saveReport(
  { dir, jobId, results, onExisting = 'refuse', evaluate = false }: SaveReportRequest,
  { job, model }: { job?: JobState; model?: ModelBundle },
): Promise<SavedReport> {
  if (jobId && !job) throw new Error(`no job ${jobId}`);
  const chosen = job?.results ?? results;
  if (!chosen) throw new Error('saveReport needs a job id or results');
  if (chosen.sentences.length === 0) throw new Error('nothing to save: no sentence has finished yet');
  // A job that did not complete holds only the sentences that finished before it stopped.
  const partial = job ? job.status !== 'completed' : (chosen.partial ?? false);
  let document = chosen;
  if (evaluate) {
    // Metrics re-run the model: on another model's weights they would describe a different classifier.
    if (model?.info.sha256 !== chosen.model.sha256)
      throw new Error('cannot evaluate: the loaded model is not the one these results were computed with');
    document = await evaluateResults(model, chosen);
  }
  const written = await writeReport(document, dir, { partial, onExisting });
  return { dir: written.dir, sentences: document.sentences.length, partial, skippedCharts: written.skippedCharts };
}
