import { csrfToken } from './csrf.js';
import { t } from './i18n.js';

/**
 * One file's trip to the server: the checks the server would make first (size, kind of
 * file), done in the browser so a refused file costs no bytes, and the request itself as
 * an XMLHttpRequest, whose upload progress events and abort() fetch still lacks in
 * Firefox (a streamed fetch body needs HTTP/2 and reports nothing back).
 */

/** The server's limits, printed by the form as data attributes (src/web/upload.ts audioUploadLimits). */
export interface UploadLimits {
  maxBytes: number;
  extensions: Set<string>;
}

export function limitsOf(form: HTMLElement): UploadLimits {
  return {
    maxBytes: Number(form.dataset.maxBytes) || Infinity,
    extensions: new Set((form.dataset.extensions ?? '').split(',').filter(Boolean)),
  };
}

export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;

/** Why the server would refuse this file before reading it, or undefined when it may go. */
export function refusalOf(file: File, limits: UploadLimits): string | undefined {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(file.name)?.[1]?.toLowerCase();
  const known = ext !== undefined && limits.extensions.has(ext);
  if (!known && !file.type.startsWith('audio/')) return t('upload.not_audio', { name: file.name });
  if (file.size > limits.maxBytes) return t('upload.too_large', { name: file.name, size: megabytes(file.size), limit: megabytes(limits.maxBytes) });
  if (file.size === 0) return t('upload.empty_file', { name: file.name });
  return undefined;
}

export interface Progress {
  loaded: number;
  total: number;
  /** Seconds left at the rate so far, once there is a rate to go by. */
  secondsLeft?: number;
}

/** What the server answered: its JSON body on success, its message and field errors otherwise. */
export type Answer =
  | { ok: true; status: number; body: { id?: number; url?: string; trackId?: string } }
  | { ok: false; status: number; message: string; fields: Record<string, string>; cancelled?: boolean };

export interface Sending {
  done: Promise<Answer>;
  cancel(): void;
}

/** Posts `body` to `url` asking for JSON, reporting upload progress; cancel() aborts the request. */
export function send(url: string, body: FormData, onProgress: (p: Progress) => void): Sending {
  const xhr = new XMLHttpRequest();
  const done = new Promise<Answer>((resolve) => {
    xhr.open('POST', url);
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    xhr.setRequestHeader('Accept', 'application/json');
    const started = performance.now();
    xhr.upload.addEventListener('progress', (e) => {
      if (!e.lengthComputable) return;
      const seconds = (performance.now() - started) / 1000;
      const rate = e.loaded / seconds;
      onProgress({ loaded: e.loaded, total: e.total, secondsLeft: seconds > 0.5 && rate > 0 ? (e.total - e.loaded) / rate : undefined });
    });
    xhr.addEventListener('load', () => {
      let parsed: { id?: number; url?: string; trackId?: string; error?: { message?: string; fields?: Record<string, string> } } = {};
      try {
        parsed = JSON.parse(xhr.responseText) as typeof parsed;
      } catch {
        // not JSON (a proxy's error page): the status says it below
      }
      if (xhr.status < 400) return resolve({ ok: true, status: xhr.status, body: parsed });
      const fields = parsed.error?.fields ?? {};
      const message = Object.values(fields)[0] ?? parsed.error?.message ?? t('upload.refused', { status: xhr.status });
      resolve({ ok: false, status: xhr.status, message, fields });
    });
    xhr.addEventListener('error', () => resolve({ ok: false, status: 0, message: t('upload.interrupted'), fields: {} }));
    xhr.addEventListener('abort', () => resolve({ ok: false, status: 0, message: t('upload.cancelled'), fields: {}, cancelled: true }));
    xhr.send(body);
  });
  return { done, cancel: () => xhr.abort() };
}

/** "42% · 1.3 of 3.1 MB · about 5 s left" */
export function progressText({ loaded, total, secondsLeft }: Progress): string {
  const percent = total ? Math.floor((loaded / total) * 100) : 0;
  const left = loaded >= total ? t('upload.checking') : secondsLeft === undefined ? t('upload.starting') : t('upload.time_left', { time: timeLeft(secondsLeft) });
  return t('upload.progress', { percent, loaded: (loaded / 1024 / 1024).toFixed(1), total: megabytes(total), left });
}

function timeLeft(seconds: number): string {
  if (seconds < 60) return t('upload.seconds', { n: Math.max(1, Math.round(seconds)) });
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? t('upload.minutes', { n: minutes }) : t('upload.hours_minutes', { h: Math.floor(minutes / 60), m: minutes % 60 });
}
