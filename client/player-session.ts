/**
 * The Media Session: the phone's lock screen, headset buttons and the OS media keys see what
 * plays (title, artist, cover) and drive the one player.
 */
import type { Player } from './player.js';

export function startMediaSession(player: Player): void {
  if (!('mediaSession' in navigator)) return;
  const session = navigator.mediaSession;
  const handlers: Array<[MediaSessionAction, MediaSessionActionHandler]> = [
    ['play', () => { if (!player.playing) player.toggle(); }],
    ['pause', () => player.pause()],
    ['previoustrack', () => player.previous()],
    ['nexttrack', () => player.next()],
    ['seekto', (details) => { if (details.seekTime !== undefined) player.seek(details.seekTime); }],
    ['seekbackward', (details) => player.seek(player.audio.currentTime - (details.seekOffset ?? 10))],
    ['seekforward', (details) => player.seek(player.audio.currentTime + (details.seekOffset ?? 10))],
  ];
  for (const [action, handler] of handlers) {
    try {
      session.setActionHandler(action, handler);
    } catch {
      // an older browser without this action
    }
  }
  let shown = '';
  const show = () => {
    const item = player.current;
    session.playbackState = !item ? 'none' : player.playing ? 'playing' : 'paused';
    if (item && shown !== item.src) {
      shown = item.src;
      session.metadata = new MediaMetadata({ title: item.title, artist: item.artist, album: 'SoundHub', artwork: item.art ? [{ src: new URL(item.art, location.href).href }] : [] });
    }
    const d = player.duration;
    if (d && Number.isFinite(d)) {
      try {
        session.setPositionState({ duration: d, position: Math.min(d, player.audio.currentTime), playbackRate: player.audio.playbackRate || 1 });
      } catch {
        // position past the end while the duration settles
      }
    }
  };
  player.addEventListener('change', show);
  player.audio.addEventListener('seeked', show);
}
