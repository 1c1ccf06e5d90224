/**
 * The PyTorch side of the bench (scripts/bench_torch.py) as a long-lived child process: one JSON request per
 * line, one JSON answer per line. Keeping it alive lets the bench alternate its own and PyTorch's rounds.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { processCpuSeconds } from './measure.js';

export interface TorchInfo {
  torch: string;
  default_threads: number;
  torch_blas: string;
  libraries: string[];
  openblas?: string;
  core?: string;
  blas_threads?: number;
}

export interface TorchTiming {
  seconds: number;
  threads: number;
}

export class TorchBench {
  private readonly answers: ((line: string) => void)[] = [];
  private readonly exited: Promise<number | null>;
  private stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => this.answers.shift()?.(line));
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => child.on('exit', resolve));
  }

  /**
   * Starts the PyTorch process on the model folder, rebuilding bench_torch.py's model of that name (its full-size
   * DistilBERT by default); undefined (with the reason on stderr) when it cannot.
   */
  static async start(modelDir: string, model = 'distilbert-full'): Promise<TorchBench | undefined> {
    const child = spawn('/usr/bin/python3', ['scripts/bench_torch.py', modelDir, '--model', model]);
    const failed = new Promise<undefined>((resolve) => child.on('error', () => resolve(undefined)));
    const bench = new TorchBench(child);
    try {
      const info = await Promise.race([bench.request<TorchInfo>({ cmd: 'info' }), failed]);
      return info ? bench : undefined;
    } catch (error) {
      process.stderr.write(`PyTorch rows skipped: ${error instanceof Error ? error.message : String(error)}\n`);
      void bench.close();
      return undefined;
    }
  }

  request<T>(request: Record<string, unknown>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      void this.exited.then((code) => reject(new Error(`bench_torch.py exited (${code}): ${this.stderr.trim()}`)));
      this.answers.push((line) => resolve(JSON.parse(line) as T));
      this.child.stdin.write(`${JSON.stringify(request)}\n`);
    });
  }

  /** CPU seconds the PyTorch process has used. */
  cpuSeconds(): number {
    return this.child.pid === undefined ? 0 : processCpuSeconds(this.child.pid);
  }

  /** Ends its input; resolves once it has exited (a blocked event loop, e.g. in spawnSync, would keep it alive). */
  async close(): Promise<void> {
    this.child.stdin.end();
    await this.exited;
  }
}
