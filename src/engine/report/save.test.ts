/** `saveReport` through the engine's contract: a cancelled job's finished sentences, marked partial. */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkbenchEvent } from '../../shared/api.js';
import { Workbench } from '../workbench.js';

describe('saveReport', () => {
  const events: WorkbenchEvent[] = [];
  let workbench: Workbench;
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'xai-save-'));
    workbench = new Workbench({ cacheDir: await mkdtemp(join(tmpdir(), 'xai-save-model-')) }, (event) =>
      events.push(event),
    );
    await workbench.loadModel('demo');
  });
  afterAll(() => workbench.dispose());

  it('saves the sentences a cancelled job finished, marked partial, and refuses an existing folder', async () => {
    const texts = Array.from({ length: 200 }, (_, i) => `Sentence ${i} was rather good and not bad at all.`);
    const job = await workbench.startJob({ texts, methods: { occlusion: {} } });
    await expect.poll(() => events.some((event) => event.type === 'sentence-done'), { timeout: 30_000 }).toBe(true);
    const cancelled = await workbench.cancelJob(job.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.done).toBeLessThan(texts.length);

    const saved = await workbench.saveReport({ jobId: job.id, dir: join(root, 'report') });
    expect(saved).toEqual({ dir: join(root, 'report'), sentences: cancelled.done, partial: true, skippedCharts: [] });
    const document = JSON.parse(await readFile(join(saved.dir, 'results.json'), 'utf8')) as {
      partial: boolean;
      report: { partial: boolean };
      sentences: unknown[];
    };
    expect([document.partial, document.report.partial, document.sentences.length]).toEqual([
      true,
      true,
      cancelled.done,
    ]);

    await expect(workbench.saveReport({ jobId: job.id, dir: saved.dir })).rejects.toThrow(
      /already exists; choose another folder/,
    );
  });

  it('evaluates given results with the loaded model when asked', async () => {
    const results = await workbench.explain({ texts: ['A fine film.'], methods: { occlusion: {}, attention: {} } });
    const saved = await workbench.saveReport({ results, dir: join(root, 'evaluated'), evaluate: true });
    expect(saved.partial).toBe(false);
    const html = await readFile(join(saved.dir, 'index.html'), 'utf8');
    expect(html).toContain('data-chart="s1-evaluation"');
  });

  it('tells the face which charts could not be drawn', async () => {
    const results = await workbench.explain({ texts: ['A fine film.'], methods: { occlusion: {} } });
    results.sentences[0]!.explanations.occlusion!.scores.pop(); // one score short: no comparison table
    const saved = await workbench.saveReport({ results, dir: join(root, 'damaged') });
    expect(saved.skippedCharts.map(({ sentence, chart }) => [sentence, chart])).toEqual([[0, 's1-comparison']]);
  });
});
