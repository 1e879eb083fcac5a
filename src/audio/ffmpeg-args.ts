import { resolve } from 'node:path';

/** Quiet, non-interactive start of every ffmpeg command line. */
export const FFMPEG_QUIET = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error'] as const;

/**
 * Demuxers for audio files people upload. Anything else (playlists such as HLS,
 * concat lists, image sequences) is refused, so an upload cannot make ffmpeg open
 * other files or URLs.
 */
const AUDIO_DEMUXERS = [
  'mp3', 'wav', 'w64', 'flac', 'ogg', 'mov', 'matroska', 'aiff', 'aac', 'caf', 'wv', 'asf', 'ape', 'tta', 'au',
].join(',');

const NETWORK_TIMEOUT_MICROSECONDS = '30000000';

export function isRemoteInput(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

/**
 * `-i` for a local path or an http(s) URL (e.g. a presigned S3 URL). Local paths get
 * the `file:` prefix so a name containing ':' is never read as a protocol.
 */
export function inputArgs(input: string): string[] {
  const remote = isRemoteInput(input);
  return [
    '-protocol_whitelist', remote ? 'http,https,tcp,tls' : 'file',
    ...(remote ? ['-rw_timeout', NETWORK_TIMEOUT_MICROSECONDS] : []),
    '-format_whitelist', AUDIO_DEMUXERS,
    '-i', remote ? input : `file:${resolve(input)}`,
  ];
}

export function outputArg(path: string): string {
  return `file:${resolve(path)}`;
}
