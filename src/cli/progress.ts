/**
 * Progress of a long CLI run on standard error: a live bar with ETA (cli-progress) when stderr is a terminal,
 * plain lines otherwise (CI logs, `2> file`), at most one every `interval` so a long log stays readable.
 */
import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  /** `done` of the run's `total` items have finished. */
  update(done: number): void;
  /** Removes the bar (before anything else is printed) or prints nothing more. */
  stop(): void;
}

export interface ProgressTarget {
  /** A terminal to draw the bar on; without one, progress is written as lines through `write`. */
  tty?: NodeJS.WritableStream;
  write: (text: string) => void;
}

export function startProgress(
  what: string,
  total: number,
  { tty, write }: ProgressTarget,
  { interval = 10_000, now = () => performance.now() } = {},
): Progress {
  if (tty) {
    const bar = new SingleBar(
      {
        stream: tty,
        format: `${what} {bar} {value}/{total} sentences | {duration_formatted} elapsed | ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  const started = now();
  let lastLine = -Infinity;
  return {
    update(done) {
      const time = now();
      if (done < total && done > 1 && time - lastLine < interval) return;
      lastLine = time;
      const elapsed = (time - started) / 1000;
      const left = done < total ? `, about ${formatDuration((elapsed / done) * (total - done))} left` : '';
      write(`${what}: ${done}/${total} sentences, ${formatDuration(elapsed)} elapsed${left}\n`);
    },
    stop() {},
  };
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.floor(seconds - minutes * 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
