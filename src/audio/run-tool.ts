import { spawn } from 'node:child_process';

/** What a finished ffmpeg/ffprobe run left behind. */
export interface ToolRun {
  exitCode: number | null;
  /** Collected only when no `onStdout` handler was given. */
  stdout: Buffer;
  /** The last part of stderr (summaries such as ebur128's are printed at the end). */
  stderr: string;
}

const STDERR_KEEP_CHARS = 256 * 1024;

/** Raised instead of a result when the process is stopping: the job is retried, not failed. */
export class ToolInterrupted extends Error {}

// The tools running in this process, so a stopping worker can end them (an orphaned ffmpeg
// would outlive the container's stop timeout). Process supervision, not shared state.
const running = new Set<ReturnType<typeof spawn>>();
let interrupted = false;

/** Ends every running ffmpeg/ffprobe; their callers get ToolInterrupted. */
export function interruptRunningTools(): void {
  interrupted = true;
  for (const child of running) child.kill('SIGKILL');
}

/**
 * Runs a binary without a shell. `onStdout` receives output as it arrives so callers can
 * fold decoded audio without holding it; if it throws, the process is killed and the
 * error rethrown. Rejects only when the binary cannot run; a non-zero exit is the
 * caller's to judge.
 */
export function runTool(
  binary: string,
  args: readonly string[],
  onStdout?: (chunk: Buffer) => void,
): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    if (interrupted) return reject(new ToolInterrupted('stopping: not starting ' + binary));
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    const chunks: Buffer[] = [];
    let stderr = '';
    let handlerError: { error: unknown } | null = null;

    child.stdout.on('data', (chunk: Buffer) => {
      if (handlerError) return;
      if (!onStdout) {
        chunks.push(chunk);
        return;
      }
      try {
        onStdout(chunk);
      } catch (error) {
        handlerError = { error };
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr += text;
      if (stderr.length > 2 * STDERR_KEEP_CHARS) stderr = stderr.slice(-STDERR_KEEP_CHARS);
    });
    child.on('error', (error) => reject(new Error(`could not run ${binary}: ${error.message}`, { cause: error })));
    child.on('close', (exitCode) => {
      running.delete(child);
      if (interrupted) reject(new ToolInterrupted(`${binary} was stopped with the process`));
      else if (handlerError) reject(handlerError.error);
      else resolve({ exitCode, stdout: Buffer.concat(chunks), stderr });
    });
  });
}

/**
 * The last lines of ffmpeg's stderr for a log line, with URL query strings removed
 * (a presigned S3 URL carries its signature there).
 */
export function stderrTail(stderr: string, lines = 4): string {
  return stderr
    .trim()
    .split('\n')
    .slice(-lines)
    .join(' | ')
    .replace(/(https?:\/\/[^\s?]+)\?\S*/gi, '$1?…');
}
