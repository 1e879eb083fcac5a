import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import supertest from 'supertest';

/** A person who can sign in at the test provider. */
export interface ProviderAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface TestIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** People by subject (the provider's account id); add to it before signing in. */
  accounts: Map<string, ProviderAccount>;
  /**
   * Signs `subject` in at the provider through its real login and consent forms, starting at
   * the authorization URL SoundHub sent the browser to. Returns the callback URL the provider
   * redirects back to (with code, state and iss).
   */
  signIn(authorizationUrl: string, subject: string): Promise<URL>;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (node-oidc-provider, its development login and consent pages)
 * on a free loopback port, with one confidential client whose redirect URI is `redirectUri`.
 */
export async function startIdentityProvider(redirectUri: string): Promise<TestIdentityProvider> {
  let handle: (req: IncomingMessage, res: ServerResponse) => unknown = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, ProviderAccount>();
  const clientId = 'soundhub-test';
  const clientSecret = 'soundhub-test-secret-0123456789abcdef';
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['test-identity-provider-cookie-key'] },
    // Lifetimes of its own (seconds), so the provider does not print a notice for each default.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      return account ? { accountId: sub, claims: () => ({ sub, ...account }) } : undefined;
    },
  });
  handle = provider.callback();

  async function signIn(authorizationUrl: string, subject: string): Promise<URL> {
    const browser = supertest.agent(issuer);
    let location = authorizationUrl;
    for (let hop = 0; hop < 12; hop++) {
      const url = new URL(location, issuer);
      if (url.href.startsWith(redirectUri)) return url;
      if (url.origin !== issuer) throw new Error(`the provider sent the browser to ${url.href}`);
      const page = await browser.get(url.pathname + url.search);
      if (page.status === 200) {
        // A login or consent page: send its form as a person would.
        const prompt = /name="prompt" value="(\w+)"/.exec(page.text)?.[1];
        const action = /<form[^>]*action="([^"]+)"/.exec(page.text)?.[1];
        if (!prompt || !action) throw new Error(`unexpected provider page: ${page.text.slice(0, 300)}`);
        const sent = await browser.post(new URL(action, issuer).pathname).type('form').send(prompt === 'login' ? { prompt, login: subject, password: 'any' } : { prompt });
        location = sent.headers.location ?? '';
      } else if (page.status >= 300 && page.status < 400) {
        location = page.headers.location ?? '';
      } else {
        throw new Error(`provider answered ${page.status}: ${page.text.slice(0, 300)}`);
      }
    }
    throw new Error('too many redirects at the provider');
  }

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    signIn,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
