/**
 * The site's one player: one <audio> in the permanent `#player` bar (views/partials/player.ejs),
 * kept by Turbo Drive across page visits, and a queue. Play buttons, the bar, the keys and the
 * Media Session all drive this one object; it tells them about changes with a "change" event.
 *
 * Read-only hook for tests and tools: `window.soundhubPlayer` (src, paused, currentTime,
 * duration, index, queue).
 */
import { claimAudio, pauseWhenOtherStarts } from './player-focus.js';

export interface PlayItem {
  src: string;
  title: string;
  artist: string;
  art?: string | undefined;
  peaksUrl?: string | undefined;
  /** The song's page, linked from the bar. */
  href?: string | undefined;
  durationMs?: number | undefined;
}

/** The item a play button (or anything with the same data attributes) stands for. */
export function itemOf(el: HTMLElement): PlayItem | null {
  const d = el.dataset;
  if (!d.play) return null;
  const ms = Number(d.durationMs);
  return { src: d.play, title: d.title ?? '', artist: d.artist ?? '', art: d.art, peaksUrl: d.peaks, href: d.href, durationMs: Number.isFinite(ms) && ms > 0 ? ms : undefined };
}

/** "Back" restarts the song when more than this much of it has played. */
const RESTART_AFTER_S = 3;

export class Player extends EventTarget {
  queue: PlayItem[] = [];
  index = -1;

  constructor(readonly audio: HTMLAudioElement) {
    super();
    audio.addEventListener('play', () => claimAudio('player'));
    audio.addEventListener('ended', () => {
      if (this.index + 1 < this.queue.length) this.load(this.index + 1, 0, true);
      else this.changed();
    });
    for (const type of ['play', 'pause', 'loadedmetadata', 'durationchange']) audio.addEventListener(type, () => this.changed());
    pauseWhenOtherStarts('player', () => audio.pause());
  }

  get current(): PlayItem | null {
    return this.queue[this.index] ?? null;
  }

  get playing(): boolean {
    return !this.audio.paused && !this.audio.ended;
  }

  /** Seconds, from the audio once it knows, else from the item. */
  get duration(): number {
    const d = this.audio.duration;
    if (Number.isFinite(d) && d > 0) return d;
    return (this.current?.durationMs ?? 0) / 1000;
  }

  isCurrent(src: string): boolean {
    return this.current?.src === src;
  }

  /** Plays `item`; the rest of `list` (the buttons it was among) follows it. */
  play(item: PlayItem, list: PlayItem[] = [item], startAt = 0): void {
    const at = list.findIndex((i) => i.src === item.src);
    this.queue = at < 0 ? [item] : [...list];
    this.load(at < 0 ? 0 : at, startAt, true);
  }

  toggle(): void {
    if (!this.current) return;
    if (this.playing) this.audio.pause();
    else void this.audio.play().catch(() => this.changed());
  }

  pause(): void {
    this.audio.pause();
  }

  next(): void {
    if (this.index + 1 < this.queue.length) this.load(this.index + 1, 0, true);
  }

  previous(): void {
    if (this.audio.currentTime > RESTART_AFTER_S || this.index <= 0) this.seek(0);
    else this.load(this.index - 1, 0, true);
  }

  seek(seconds: number): void {
    const end = this.duration;
    this.audio.currentTime = Math.max(0, end ? Math.min(seconds, end - 0.05) : seconds);
    this.changed();
  }

  /** Right after the current item; nothing playing yet: it plays now. */
  playNext(item: PlayItem): void {
    if (!this.current) return this.play(item);
    this.queue = this.queue.filter((i, n) => i.src !== item.src || n === this.index);
    if (this.isCurrent(item.src)) return this.changed();
    this.index = this.queue.indexOf(this.current);
    this.queue.splice(this.index + 1, 0, item);
    this.changed();
  }

  /** At the end of the queue; nothing playing yet: it plays now. */
  enqueue(item: PlayItem): void {
    if (!this.current) return this.play(item);
    if (this.queue.some((i) => i.src === item.src)) return this.changed();
    this.queue.push(item);
    this.changed();
  }

  /** Takes an upcoming item out of the queue (never the one playing). */
  remove(position: number): void {
    if (position <= this.index || position >= this.queue.length) return;
    this.queue.splice(position, 1);
    this.changed();
  }

  private load(index: number, startAt: number, autoplay: boolean): void {
    const item = this.queue[index];
    if (!item) return;
    this.index = index;
    if (this.audio.getAttribute('src') !== item.src) {
      this.audio.src = item.src;
      this.audio.preload = 'auto';
    }
    if (startAt > 0) {
      const seek = () => this.seek(startAt);
      if (this.audio.readyState >= HTMLMediaElement.HAVE_METADATA) seek();
      else this.audio.addEventListener('loadedmetadata', seek, { once: true });
    }
    if (autoplay) void this.audio.play().catch(() => this.changed());
    this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}

let player: Player | null = null;

/** The page's player, made on first use from the permanent bar's <audio>; null without the bar. */
export function thePlayer(): Player | null {
  if (player?.audio.isConnected) return player;
  const audio = document.querySelector<HTMLAudioElement>('#player audio');
  if (!audio) return null;
  player = new Player(audio);
  const p = player;
  Object.defineProperty(window, 'soundhubPlayer', {
    configurable: true,
    value: Object.freeze({
      get src() { return p.current?.src ?? null; },
      get paused() { return p.audio.paused; },
      get currentTime() { return p.audio.currentTime; },
      get duration() { return p.duration; },
      get index() { return p.index; },
      get queue() { return p.queue.map((i) => i.src); },
    }),
  });
  player.dispatchEvent(new Event('ready'));
  return player;
}

/** Plays the recording of play button `selector` from `seconds` (a comment's moment). */
export function playFromButton(selector: string, seconds: number): boolean {
  const p = thePlayer();
  const button = selector ? document.querySelector<HTMLElement>(selector) : null;
  const item = button && itemOf(button);
  if (!p || !item) return false;
  if (p.isCurrent(item.src)) {
    p.seek(seconds);
    if (!p.playing) p.toggle();
  } else {
    p.play(item, [item], seconds);
  }
  return true;
}

/** Where the player is in the recording of play button `selector`, when that is what plays. */
export function positionOfButton(selector: string): number | null {
  const p = thePlayer();
  const button = selector ? document.querySelector<HTMLElement>(selector) : null;
  const src = button?.dataset.play;
  return p && src && p.isCurrent(src) ? p.audio.currentTime : null;
}

export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
