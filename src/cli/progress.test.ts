import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatDuration, startProgress } from './progress.js';

describe('progress lines (stderr is not a terminal)', () => {
  it('prints the first and last sentence and at most one line per interval between, with an estimate', () => {
    const lines: string[] = [];
    let clock = 0;
    const progress = startProgress(
      'explain',
      10,
      { write: (text) => lines.push(text) },
      { interval: 10_000, now: () => clock },
    );
    for (let done = 1; done <= 10; done += 1) {
      clock = done * 3000; // 3 s per sentence
      progress.update(done);
    }
    progress.stop();
    // At 3 s (first), 15 s (12 s after the last line), 27 s, and 30 s (last).
    expect(lines).toEqual([
      'explain: 1/10 sentences, 3.0 s elapsed, about 27.0 s left\n',
      'explain: 5/10 sentences, 15.0 s elapsed, about 15.0 s left\n',
      'explain: 9/10 sentences, 27.0 s elapsed, about 3.0 s left\n',
      'explain: 10/10 sentences, 30.0 s elapsed\n',
    ]);
  });
});

describe('progress bar (stderr is a terminal)', () => {
  it('draws a bar with counts and an ETA on the terminal, not as log lines', () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    let drawn = '';
    terminal.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
    const lines: string[] = [];
    const progress = startProgress('shard 1/4', 8, { tty: terminal, write: (text) => lines.push(text) });
    progress.update(3);
    progress.stop();
    expect(lines).toEqual([]);
    expect(drawn).toContain('shard 1/4');
    expect(drawn).toMatch(/3\/8 sentences/);
    expect(drawn).toContain('ETA ');
  });
});

describe('formatDuration', () => {
  it('reads naturally from seconds to hours', () => {
    expect(formatDuration(4.25)).toBe('4.3 s');
    expect(formatDuration(119.9)).toBe('1 min 59 s');
    expect(formatDuration(3 * 3600 + 5 * 60 + 7)).toBe('3 h 5 min');
  });
});
