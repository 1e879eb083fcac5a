// The few parts of Turbo Drive (@hotwired/turbo ships no types) that the client uses.
declare module '@hotwired/turbo' {
  export const config: { forms: { mode: 'on' | 'off' | 'optin' } };
  export function visit(location: string, options?: { action?: 'advance' | 'replace' }): void;
}
