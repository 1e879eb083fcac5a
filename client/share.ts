/**
 * The song page's share box (views/posts/_share.ejs): copy the link or the embed code with
 * the Clipboard API, and the system share sheet (Web Share API) where the browser has one.
 * Without them the box still shows both to select by hand; the buttons stay hidden.
 */
import { t } from './i18n.js';
for (const box of document.querySelectorAll<HTMLElement>('[data-share]')) {
  const status = box.querySelector<HTMLElement>('[data-share-status]');
  const say = (text: string) => {
    if (status) status.textContent = text;
  };

  if (navigator.clipboard?.writeText) {
    for (const button of box.querySelectorAll<HTMLButtonElement>('[data-copy]')) {
      button.hidden = false;
      button.addEventListener('click', () => {
        const field = box.querySelector<HTMLInputElement | HTMLTextAreaElement>(button.dataset.copy!);
        if (!field) return;
        navigator.clipboard.writeText(field.value).then(
          () => say(button.dataset.copy === '#share-embed' ? t('share.embed_copied') : t('share.link_copied')),
          () => {
            // Refused (no permission, page not focused): select it so Ctrl+C works.
            field.select();
            say(t('share.press_copy'));
          },
        );
      });
    }
  }

  const share = box.querySelector<HTMLButtonElement>('[data-web-share]');
  if (share && typeof navigator.share === 'function') {
    share.hidden = false;
    share.addEventListener('click', () => {
      navigator.share({ title: share.dataset.title, url: share.dataset.url }).catch((err: unknown) => {
        // Closing the share sheet is not a failure worth a word.
        if ((err as Error).name !== 'AbortError') say(t('share.share_failed'));
      });
    });
  }
}
