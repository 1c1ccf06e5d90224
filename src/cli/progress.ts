/**
 * Progress of a long CLI step on standard error: a live bar with ETA (cli-progress) when stderr is a terminal,
 * plain lines otherwise (CI logs, `2> file`), at most one every `interval` so a long log stays readable.
 */
import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  /** `done` of the step's total have finished. */
  update(done: number): void;
  /** Removes the bar (before anything else is printed) or prints nothing more. */
  stop(): void;
}

export interface ProgressTarget {
  /** A terminal to draw the bar on; without one, progress is written as lines through `write`. */
  tty?: NodeJS.WritableStream;
  write: (text: string) => void;
}

export type ProgressUnit = 'sentences' | 'bytes';

export interface ProgressOptions {
  unit?: ProgressUnit;
  /** Least time between two plain lines, in ms; the first and the last are always written. */
  interval?: number;
  now?: () => number;
}

/** Starts reporting a step of `total` units (undefined when unknown, as for a download without a length). */
export function startProgress(
  what: string,
  total: number | undefined,
  { tty, write }: ProgressTarget,
  { unit = 'sentences', interval = 10_000, now = () => performance.now() }: ProgressOptions = {},
): Progress {
  const amount = (value: number): string => (unit === 'bytes' ? `${(value / 1e6).toFixed(1)} MB` : String(value));
  const ofTotal = (done: number): string =>
    total === undefined
      ? amount(done)
      : unit === 'bytes'
        ? `${(done / 1e6).toFixed(1)}/${amount(total)}`
        : `${done}/${total} ${unit}`;
  if (tty) {
    const bar = new SingleBar(
      {
        stream: tty,
        format: `${what} {bar} {amount} | {duration_formatted} elapsed | ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
      },
      Presets.shades_classic,
    );
    bar.start(total ?? 0, 0, { amount: ofTotal(0) });
    return { update: (done) => bar.update(done, { amount: ofTotal(done) }), stop: () => bar.stop() };
  }
  const started = now();
  let lastLine: number | undefined;
  return {
    update(done) {
      const time = now();
      const last = total !== undefined && done >= total;
      if (!last && lastLine !== undefined && time - lastLine < interval) return;
      lastLine = time;
      const elapsed = (time - started) / 1000;
      const left =
        total !== undefined && !last && done > 0
          ? `, about ${formatDuration((elapsed / done) * (total - done))} left`
          : '';
      write(`${what}: ${ofTotal(done)}, ${formatDuration(elapsed)} elapsed${left}\n`);
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
