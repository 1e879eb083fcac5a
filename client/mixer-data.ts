/**
 * The mixer's data as the post page prints it (`<script type="application/json" id="mixer-data">`),
 * checked once here so the rest of the mixer works with typed, clamped values.
 */
import { t as tr } from './i18n.js';
export type TrackRole = 'author' | 'contribution';

export interface MixerTrackData {
  trackId: string;
  role: TrackRole;
  /** "Guitar · alice": names the track in the UI and in every control's accessible name. */
  label: string;
  instrument: string;
  musician: string;
  streamUrl: string;
  peaksUrl: string | null;
  durationMs: number | null;
  loudnessLufs: number | null;
  /** The starting fader: the saved value, or the server's loudness-matched default. */
  gainDb: number;
  pan: number;
  muted: boolean;
  /** False for a part outside the mix: it starts muted, marked "not in the mix". */
  included: boolean;
  /** Where the track starts against the song's 0:00 (+ later), −5000..5000 ms. */
  offsetMs: number;
}

export interface MixerData {
  postId: number;
  canSave: boolean;
  saveUrl: string;
  versionsUrl: string;
  /** The master version the mixer starts from; null before the first save. */
  version: number | null;
  tracks: MixerTrackData[];
}

export const GAIN_MIN_DB = -24;
export const GAIN_MAX_DB = 12;
export const OFFSET_MAX_MS = 5000;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function parseTrack(raw: unknown): MixerTrackData | null {
  if (!raw || typeof raw !== 'object') return null;
  const t = raw as Record<string, unknown>;
  const trackId = str(t.trackId);
  const streamUrl = str(t.streamUrl);
  if (!trackId || !streamUrl) return null;
  return {
    trackId,
    role: t.role === 'author' ? 'author' : 'contribution',
    label: str(t.label, tr('mixer.track')),
    instrument: str(t.instrument),
    musician: str(t.musician),
    streamUrl,
    peaksUrl: typeof t.peaksUrl === 'string' && t.peaksUrl ? t.peaksUrl : null,
    durationMs: num(t.durationMs),
    loudnessLufs: num(t.loudnessLufs),
    gainDb: clamp(num(t.gainDb) ?? 0, GAIN_MIN_DB, GAIN_MAX_DB),
    pan: clamp(num(t.pan) ?? 0, -1, 1),
    muted: t.muted === true,
    included: t.included !== false,
    offsetMs: Math.round(clamp(num(t.offsetMs) ?? 0, -OFFSET_MAX_MS, OFFSET_MAX_MS)),
  };
}

/** Reads and checks the JSON block; null when it is missing or unusable. */
export function readMixerData(root: ParentNode): MixerData | null {
  const block = root.querySelector('#mixer-data');
  if (!block?.textContent) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(block.textContent);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const d = raw as Record<string, unknown>;
  const tracks = Array.isArray(d.tracks) ? d.tracks.map(parseTrack).filter((t): t is MixerTrackData => t !== null) : [];
  if (tracks.length === 0) return null;
  return {
    postId: num(d.postId) ?? 0,
    canSave: d.canSave === true,
    saveUrl: str(d.saveUrl),
    versionsUrl: str(d.versionsUrl),
    version: num(d.version),
    tracks,
  };
}

/** "1:05" for 65 s; hours roll into minutes ("75:00"), which no song here reaches. */
export function formatTime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function formatGain(db: number): string {
  if (db === 0) return '0.0 dB';
  return `${db > 0 ? '+' : '−'}${Math.abs(db).toFixed(1)} dB`;
}

/** Pan as a mixing desk shows it: "L40", "C", "R100". */
export function formatPan(pan: number): string {
  const percent = Math.round(Math.abs(pan) * 100);
  if (percent === 0) return 'C';
  return `${pan < 0 ? 'L' : 'R'}${percent}`;
}

/** The same, spelled out for screen readers. */
export function describePan(pan: number): string {
  const percent = Math.round(Math.abs(pan) * 100);
  if (percent === 0) return tr('mixer.centre');
  return tr(pan < 0 ? 'mixer.pan_left' : 'mixer.pan_right', { percent });
}

/** "+120 ms", "−40 ms", "0 ms". */
export function formatOffset(ms: number): string {
  if (ms === 0) return '0 ms';
  return `${ms > 0 ? '+' : '−'}${Math.abs(ms)} ms`;
}

export const dbToGain = (db: number) => Math.pow(10, db / 20);
