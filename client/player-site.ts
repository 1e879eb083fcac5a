/** Starts the one player on the first page (the bar is permanent, so this runs once per full load). */
import { thePlayer } from './player.js';
import { startBar } from './player-bar.js';
import { startButtons } from './player-buttons.js';
import { startKeys } from './player-keys.js';
import { startMediaSession } from './player-session.js';

export function startPlayer(): void {
  const player = thePlayer();
  if (!player) return;
  startBar(player);
  startButtons(player);
  startKeys(player);
  startMediaSession(player);
}
