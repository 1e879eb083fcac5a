/**
 * Keyboard shortcuts for the player: Space plays or pauses, ← and → seek 5 s. Not while
 * typing (inputs, text areas, selects, editable text), and Space is left to a focused button
 * or link. On the post page the mixer keeps Space unless the player was the last to play.
 */
import { audioFocus } from './player-focus.js';
import { itemOf, type Player } from './player.js';

const SEEK_STEP_S = 5;
const TYPING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"]';
const ACTIVATES_ON_SPACE = 'button, a[href], summary, [role="button"], audio, video';

export function startKeys(player: Player): void {
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as Element;
    if (target.closest?.(TYPING)) return;
    if (event.key === ' ') {
      if (event.repeat || target.closest?.(ACTIVATES_ON_SPACE)) return;
      if (document.getElementById('mixer') && audioFocus() !== 'player') return;
      event.preventDefault();
      if (player.current) return player.toggle();
      const first = document.querySelector<HTMLElement>('main [data-play]');
      const item = first && itemOf(first);
      if (item) player.play(item);
      return;
    }
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    if (!player.current) return;
    event.preventDefault();
    player.seek(player.audio.currentTime + (event.key === 'ArrowRight' ? SEEK_STEP_S : -SEEK_STEP_S));
  });
}
