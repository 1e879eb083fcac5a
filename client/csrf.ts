/** The session's CSRF token, which the layout prints in a meta tag, for fetch/XHR headers. */
export const csrfToken = () => document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
