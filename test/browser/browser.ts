import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Express } from 'express';

/** Debian's Chromium, headless; audio may start without a gesture so tests need no tricks. `extraArgs` add switches (a fake microphone). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required', ...extraArgs],
  });
}

/** The real app on a free loopback port. */
export async function listen(app: Express): Promise<{ server: Server; baseUrl: string; close(): Promise<void> }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Logs in through the real form and lands on `next`. */
export async function logIn(page: Page, baseUrl: string, user: { email: string; password: string }, next: string): Promise<void> {
  await page.goto(`${baseUrl}/login?next=${encodeURIComponent(next)}`);
  await page.fill('#email', user.email);
  await page.fill('#password', user.password);
  await Promise.all([page.waitForURL(`${baseUrl}${next}`), page.click('form[action="/login"] button[type="submit"]')]);
}

export interface Unnamed {
  tag: string;
  html: string;
}

const ROLES = ['button', 'slider', 'checkbox', 'spinbutton', 'textbox', 'combobox', 'listbox', 'radio', 'switch', 'link'];

/**
 * Every control inside `selector` has an accessible name, as Chromium's own accessibility
 * tree computes it (labels, aria-label, aria-labelledby, text). Returns the controls that
 * have none, or that the tree does not expose as a control at all.
 */
export async function controlsWithoutName(page: Page, selector: string): Promise<Unnamed[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Accessibility.enable');
    const root = await cdp.send('Runtime.evaluate', { expression: `document.querySelector(${JSON.stringify(selector)})` });
    const named = new Set<number>();
    for (const role of ROLES) {
      const { nodes } = await cdp.send('Accessibility.queryAXTree', { objectId: root.result.objectId!, role });
      for (const node of nodes) {
        const name = String(node.name?.value ?? '').trim();
        if (name && node.backendDOMNodeId !== undefined) named.add(node.backendDOMNodeId);
      }
    }
    const controls = await cdp.send('Runtime.evaluate', {
      expression: `[...document.querySelector(${JSON.stringify(selector)}).querySelectorAll('input:not([type=hidden]), button, select, textarea, a[href], [role=slider], [role=button], [tabindex]:not([tabindex="-1"])')]`,
    });
    const { result } = await cdp.send('Runtime.getProperties', { objectId: controls.result.objectId!, ownProperties: true });
    const missing: Unnamed[] = [];
    for (const prop of result) {
      if (!/^\d+$/.test(prop.name) || !prop.value?.objectId) continue;
      const { node } = await cdp.send('DOM.describeNode', { objectId: prop.value.objectId });
      if (named.has(node.backendNodeId)) continue;
      const html = await cdp.send('Runtime.callFunctionOn', { objectId: prop.value.objectId, functionDeclaration: 'function () { return this.outerHTML.slice(0, 200); }', returnByValue: true });
      missing.push({ tag: node.nodeName.toLowerCase(), html: String(html.result.value) });
    }
    return missing;
  } finally {
    await cdp.detach();
  }
}
