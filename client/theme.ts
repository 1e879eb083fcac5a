/**
 * The header's theme switch: flips between light and dark and remembers the choice in a
 * cookie for a year, which the server reads (src/web/theme.ts) to render the next page in it.
 * Without a choice the page follows the system setting (prefers-color-scheme).
 */
import { t } from './i18n.js';
const COOKIE = 'soundhub.theme';
const systemDark = window.matchMedia('(prefers-color-scheme: dark)');

function currentTheme(): 'light' | 'dark' {
  const chosen = document.documentElement.dataset.theme;
  if (chosen === 'light' || chosen === 'dark') return chosen;
  return systemDark.matches ? 'dark' : 'light';
}

function showSwitch(button: HTMLButtonElement): void {
  const next = currentTheme() === 'dark' ? 'light' : 'dark';
  const label = t(next === 'dark' ? 'theme.to_dark' : 'theme.to_light');
  button.setAttribute('aria-label', label);
  button.title = label;
  button.dataset.current = currentTheme();
}

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-theme-switch]')) {
  button.hidden = false;
  showSwitch(button);
  button.addEventListener('click', () => {
    const next = currentTheme() === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    document.cookie = `${COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
    showSwitch(button);
  });
  systemDark.addEventListener('change', () => showSwitch(button));
}
