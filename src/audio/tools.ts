import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Paths of the two binaries every audio function runs. */
export interface AudioTools {
  ffmpegPath: string;
  ffprobePath: string;
  /**
   * Ends every run started with these tools: a job passes its own (deadline or worker
   * stopping), so one value carries it through every audio function.
   */
  signal?: AbortSignal | undefined;
  /** Niceness of every run (see runTool): the web process's upload checks yield to its requests. */
  niceness?: number | undefined;
}

export const SYSTEM_AUDIO_TOOLS: AudioTools = {
  ffmpegPath: '/usr/bin/ffmpeg',
  ffprobePath: '/usr/bin/ffprobe',
};

/** The static builds shipped in npm packages; falls back to `$PATH` where they have no build. */
export function npmAudioTools(): AudioTools {
  return {
    ffmpegPath: installedBinary('@ffmpeg-installer/ffmpeg', 'ffmpeg'),
    ffprobePath: installedBinary('@ffprobe-installer/ffprobe', 'ffprobe'),
  };
}

/**
 * FFMPEG_PATH / FFPROBE_PATH when set, else Debian's binaries when installed (newer,
 * maintained), else the npm ones. Takes the environment as an argument so config.ts
 * stays the only reader of process.env.
 */
export function resolveAudioTools(env: Readonly<Record<string, string | undefined>>): AudioTools {
  const npm = (): AudioTools => npmAudioTools();
  return {
    ffmpegPath: env.FFMPEG_PATH || firstExisting(SYSTEM_AUDIO_TOOLS.ffmpegPath) || npm().ffmpegPath,
    ffprobePath: env.FFPROBE_PATH || firstExisting(SYSTEM_AUDIO_TOOLS.ffprobePath) || npm().ffprobePath,
  };
}

function firstExisting(path: string): string | undefined {
  return existsSync(path) ? path : undefined;
}

function installedBinary(packageName: string, fallback: string): string {
  try {
    // The installer packages are CommonJS and throw on platforms they have no build for.
    const installed = createRequire(import.meta.url)(packageName) as { path?: unknown };
    return typeof installed.path === 'string' ? installed.path : fallback;
  } catch {
    return fallback;
  }
}
