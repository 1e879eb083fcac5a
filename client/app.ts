import './likes.js';
import './messages.js';
import './share.js';
import './theme.js';
import * as Turbo from '@hotwired/turbo';
import { startPlayer } from './player-site.js';
import { enhanceUploads } from './upload.js';
import { t } from './i18n.js';

/**
 * Site-wide behaviour: Turbo Drive visits pages without a full load, so the one player
 * (client/player*.ts) keeps playing while the listener browses; the upload forms are in
 * client/upload.ts (a plain form post still works without JavaScript).
 *
 * Forms are left to the browser (Turbo's opt-in mode): Turbo would need every form answer to
 * be a redirect or an error status, and the file uploads send their own requests. A form opts
 * in with data-turbo="true" (the header search). Code that binds to a page's elements runs on
 * "turbo:load" (the first load and every visit); listeners on `document` are bound once.
 */
Turbo.config.forms.mode = 'optin';
startPlayer();

// After uploading parts: scroll to the last one and say on each that it arrived.
function showUploadedParts(): void {
  const uploaded = sessionStorage.getItem('soundhub:uploaded-part');
  if (!uploaded) return;
  sessionStorage.removeItem('soundhub:uploaded-part');
  const parts = uploaded.split(',').map((id) => document.getElementById(`contribution-${id}`)).filter((p) => p !== null);
  for (const part of parts) {
    const note = document.createElement('p');
    note.className = 'notice small';
    note.setAttribute('role', 'status');
    note.dataset.uploadedNote = '';
    note.textContent = t('part.uploaded_note');
    part.prepend(note);
  }
  parts.at(-1)?.scrollIntoView({ block: 'center' });
}

document.addEventListener('turbo:load', () => {
  enhanceUploads();
  showUploadedParts();
});

// Destructive forms ask first (deleting a part re-renders the master without it).
document.addEventListener('submit', (event) => {
  const form = event.target as HTMLFormElement;
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
