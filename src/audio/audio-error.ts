/**
 * The one error the audio functions throw for bad input: `reason` is safe to show to
 * the uploader; `message` adds ffmpeg's own words (redacted) for the logs.
 */
export class AudioError extends Error {
  /** Plain-language reason, safe to show to the user who uploaded the file. */
  readonly reason: string;

  constructor(reason: string, options?: { detail?: string; cause?: unknown }) {
    const detail = options?.detail?.trim();
    super(detail ? `${reason} (${detail})` : reason, { cause: options?.cause });
    this.name = 'AudioError';
    this.reason = reason;
  }
}

export const NOT_AUDIO = 'This file is not audio we can read';

/** The reason as a sentence for a page ("…read."), whether or not it already ends in a stop. */
export const reasonSentence = (err: AudioError) => (/[.!?]$/.test(err.reason) ? err.reason : `${err.reason}.`);
