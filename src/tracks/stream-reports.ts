import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * When nginx moves a stream's bytes (AUDIO_VIA_NGINX), only nginx knows how many reached the
 * listener. The stream route hands it this signed note with the object; when the response
 * ends, nginx posts it back with `$body_bytes_sent` (nginx.conf, @stream_report) and the
 * bytes count towards a play as if the web process had sent them (src/tracks/plays.ts).
 * Signed with the session secret, so a made-up note cannot add bytes to someone's total.
 */
export interface StreamReport {
  trackId: string;
  listener: string;
  thresholdBytes: number;
  /** Seconds since the epoch after which the note is refused (a long stream ends well before). */
  expires: number;
}

const PURPOSE = 'stream-report';
/** A stream lasts at most as long as a listener keeps the tab open: hours, not days. */
export const STREAM_REPORT_SECONDS = 6 * 3600;

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(`${PURPOSE}:${body}`).digest('base64url');

export function signStreamReport(secret: string, report: Omit<StreamReport, 'expires'>, now = Date.now()): string {
  const full: StreamReport = { ...report, expires: Math.floor(now / 1000) + STREAM_REPORT_SECONDS };
  const body = Buffer.from(JSON.stringify(full)).toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

/** The note if its signature holds and it has not expired; undefined otherwise. */
export function readStreamReport(secret: string, token: string, now = Date.now()): StreamReport | undefined {
  const [body, mac, ...rest] = token.split('.');
  if (!body || !mac || rest.length) return undefined;
  const given = Buffer.from(mac);
  const expected = Buffer.from(sign(secret, body));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const report = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as StreamReport;
  return report.expires * 1000 >= now ? report : undefined;
}
