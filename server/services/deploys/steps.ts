/**
 * Runs a deploy's steps: each one reported when it starts and ends (with its
 * duration), the output of its commands streamed as it comes, a failure turned into
 * a StepFailure that names the step and what to do next.
 */
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import type { DeployStep, StepEvent } from '../../../src/api/deploys.js';
import type { ExecResult } from '../../../src/platform/exec.js';
import type { AgentDeps } from '../../env.js';
import { DEPLOY_USER } from './argv.js';

export interface DeployReporter {
  step(event: StepEvent): void;
  output(step: DeployStep, text: string): void;
}

export class StepFailure extends Error {
  constructor(
    readonly step: DeployStep,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

export interface RunOptions {
  cwd?: string;
  timeoutMs?: number;
  input?: string;
  /** Say what ran but not what it printed (e.g. `tee` echoing a file back). */
  quiet?: boolean;
  /** Return a non-zero exit instead of failing the step. */
  allowFailure?: boolean;
  /** What to do when it fails. */
  hint?: string;
}

export interface StepContext {
  run(argv: readonly string[], options?: RunOptions): Promise<ExecResult>;
  say(text: string): void;
  /** The step's one-line outcome. */
  detail(text: string): void;
  /** Ends the step as skipped, saying why. */
  skip(why: string): void;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export class StepRunner {
  /** Every step's end, in order. */
  readonly steps: StepEvent[] = [];

  constructor(
    private readonly deps: AgentDeps,
    private readonly reporter: DeployReporter,
    private readonly env: () => NodeJS.ProcessEnv,
    /** Cancels the steps before the switch (the client went away); later steps always finish. */
    private readonly signal?: AbortSignal,
  ) {}

  emit(event: StepEvent): void {
    if (event.status !== 'start') this.steps.push(event);
    this.reporter.step(event);
  }

  async step<T>(name: DeployStep, body: (context: StepContext) => Promise<T>, options: { cancellable?: boolean } = {}): Promise<T> {
    if (options.cancellable !== false && this.signal?.aborted)
      throw new StepFailure(name, 'Stopped: the client went away before this step.');
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let detail: string | undefined;
    let skipped = false;
    const context: StepContext = {
      run: (argv, runOptions = {}) => this.run(name, argv, runOptions, options.cancellable !== false),
      say: (text) => this.reporter.output(name, text.endsWith('\n') ? text : `${text}\n`),
      detail: (text) => {
        detail = text;
      },
      skip: (why) => {
        skipped = true;
        detail = why;
      },
    };
    this.emit({ name, status: 'start', ms: 0 });
    try {
      const value = await body(context);
      this.emit({ name, status: skipped ? 'skipped' : 'ok', ms: elapsed(), ...(detail ? { detail } : {}) });
      return value;
    } catch (error) {
      const failure = error instanceof StepFailure ? error : new StepFailure(name, (error as Error).message);
      this.emit({ name, status: 'failed', ms: elapsed(), detail: failure.message });
      throw failure;
    }
  }

  private async run(step: DeployStep, argv: readonly string[], options: RunOptions, cancellable: boolean): Promise<ExecResult> {
    this.reporter.output(step, `${describeArgv(argv)}\n`);
    const decoder = new StringDecoder('utf8');
    const forward = options.quiet ? undefined : (chunk: Buffer) => this.reporter.output(step, decoder.write(chunk));
    const result = await this.deps
      .exec(argv, {
        env: this.env(),
        ...(options.cwd ? { cwd: options.cwd } : { cwd: '/' }),
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        ...(options.input === undefined ? {} : { input: options.input }),
        ...(cancellable && this.signal ? { signal: this.signal } : {}),
        maxOutputBytes: 256 * 1024,
        ...(forward ? { onStdout: forward, onStderr: forward } : {}),
      })
      .catch((error: Error) => {
        throw new StepFailure(step, error.message, options.hint);
      });
    const rest = decoder.end();
    if (rest && forward) this.reporter.output(step, rest);
    if (result.code === 0 || options.allowFailure) return result;
    const why = result.aborted
      ? 'stopped: the client went away'
      : result.timedOut
        ? `timed out after ${Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s`
        : `exited with ${result.code ?? result.signal}`;
    const last = failureLine(result.stderr) ?? failureLine(result.stdout);
    throw new StepFailure(step, `\`${describeArgv(argv).replace(/^\S+ /, '')}\` ${why}${last ? `: ${last}` : ''}`, options.hint);
  }
}

/** `deploy$ git clone ...` for the deploy user, `# systemctl ...` for root: what ran, readable. */
export function describeArgv(argv: readonly string[]): string {
  const asDeploy = argv[0] === 'runuser' && argv[3] === '--';
  const words = (asDeploy ? argv.slice(4) : argv).map((word) =>
    /^[A-Za-z0-9@%+=:,./_-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`,
  );
  return `${asDeploy ? `${DEPLOY_USER}$` : '#'} ${words.join(' ')}`;
}

/**
 * The line that says why: rake's error after "rake aborted!", else the end of the
 * last paragraph (bundler and git wrap their messages over two lines).
 */
export function failureLine(text: string): string | undefined {
  const rake = text.split('rake aborted!\n')[1];
  if (rake) {
    const lines = rake.split('\n').map((line) => line.trim());
    const end = lines.findIndex((line) => line.startsWith('/') || line.includes(':in `') || /^(Tasks|Caused by):/.test(line));
    return lines
      .slice(0, end < 0 ? 3 : end)
      .filter(Boolean)
      .slice(0, 3)
      .join(' ')
      .slice(0, 300);
  }
  const paragraphs = text.trim().split(/\n\s*\n/);
  const lines = (paragraphs.at(-1) ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.length > 0 ? lines.slice(-2).join(' ').slice(0, 300) : undefined;
}
