import { spawn } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';

/** What a finished ffmpeg/ffprobe run left behind. */
export interface ToolRun {
  exitCode: number | null;
  /** Collected only when no `onStdout` handler was given. */
  stdout: Buffer;
  /** The last part of stderr (summaries such as ebur128's are printed at the end). */
  stderr: string;
}

export interface ToolOptions {
  /** Receives output as it arrives; if it throws, the run is killed and the error rethrown. */
  onStdout?: (chunk: Buffer) => void;
  /** Ends the run (the job's deadline passed or the worker is stopping). */
  signal?: AbortSignal | undefined;
  /** Runs the tool at least at this niceness (0–19): below the priority of the process that asked. */
  niceness?: number | undefined;
}

const STDERR_KEEP_CHARS = 256 * 1024;
/** How long a tool may take to exit after SIGTERM before it gets SIGKILL. */
export const KILL_GRACE_MS = 1000;

/**
 * Raised instead of a result when the run was ended by its signal; `cause` is the signal's
 * reason. The caller decides what that means (took too long, or the worker is stopping).
 */
export class ToolInterrupted extends Error {}

/**
 * Runs a binary without a shell. Rejects only when the binary cannot run or the signal
 * ended it; a non-zero exit is the caller's to judge.
 *
 * The tool gets a process group of its own so that ending it ends everything it started
 * (a wrapper script's children too): SIGTERM to the group, SIGKILL after KILL_GRACE_MS.
 */
export function runTool(binary: string, args: readonly string[], { onStdout, signal, niceness }: ToolOptions = {}): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ToolInterrupted(`not starting ${binary}: ${reasonText(signal)}`, { cause: signal.reason }));
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    if (niceness && child.pid !== undefined) {
      try {
        // Never above the caller's own priority (the worker runs niced already).
        setPriority(child.pid, Math.max(niceness, getPriority()));
      } catch {
        // ESRCH: it has already exited; EACCES cannot happen when lowering a child's priority.
      }
    }
    const chunks: Buffer[] = [];
    let stderr = '';
    let handlerError: { error: unknown } | null = null;
    let killTimer: NodeJS.Timeout | undefined;

    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    const stop = (sig: NodeJS.Signals = 'SIGTERM') => {
      killGroup(sig);
      if (sig === 'SIGTERM' && !killTimer) killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const onAbort = () => stop('SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });

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
        stop('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr += text;
      if (stderr.length > 2 * STDERR_KEEP_CHARS) stderr = stderr.slice(-STDERR_KEEP_CHARS);
    });
    child.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(new Error(`could not run ${binary}: ${error.message}`, { cause: error }));
    });
    child.on('close', (exitCode) => {
      signal?.removeEventListener('abort', onAbort);
      // The leader is gone; anything it left in its group goes with it.
      if (killTimer) {
        clearTimeout(killTimer);
        killGroup('SIGKILL');
      }
      if (signal?.aborted) reject(new ToolInterrupted(`${binary} was stopped`, { cause: signal.reason }));
      else if (handlerError) reject(handlerError.error instanceof Error ? handlerError.error : new Error(String(handlerError.error)));
      else resolve({ exitCode, stdout: Buffer.concat(chunks), stderr });
    });
  });
}

function reasonText(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason);
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
