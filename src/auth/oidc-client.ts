import * as client from 'openid-client';
import type { Logger } from 'pino';
import { HttpError, unavailableFrom } from '../web/errors.js';
import type { OidcProviderConfig } from './oidc-config.js';

/** What a sign-in started here must bring back: kept in the session between the two redirects. */
export interface SignInFlow {
  provider: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Where to go once signed in (already checked by safeNext). */
  next: string;
  startedAt: number;
}

/** Who the provider says signed in. */
export interface ProviderClaims {
  /** The provider's stable id for the person; what an identity is matched on. */
  subject: string;
  email: string | undefined;
  /** Only a verified email may create an account or point at an existing one. */
  emailVerified: boolean;
  name: string | undefined;
}

export interface OidcProvider {
  id: string;
  name: string;
  /** The provider's authorization URL for a new flow, with PKCE (S256), state and nonce. */
  start(next: string): Promise<{ url: string; flow: SignInFlow }>;
  /**
   * Checks the callback against its flow (state, then code + PKCE verifier at the token
   * endpoint, then the ID token's issuer, audience, expiry and nonce) and returns the claims.
   */
  finish(callbackUrl: URL, flow: SignInFlow): Promise<ProviderClaims>;
}

/** The sign-in came back wrong or was refused: 400 with a message naming the provider. */
export class SignInRefused extends HttpError {
  constructor(message: string) {
    super(400, 'sign_in_refused', message);
  }
}

/**
 * One client per configured provider. Discovery runs on first use and is kept by this app
 * instance (server metadata and keys, which every instance may fetch for itself); a failed
 * discovery is forgotten so the next sign-in tries again.
 */
export function createOidcProviders(configs: readonly OidcProviderConfig[], redirectOrigin: string, log: Logger): Map<string, OidcProvider> {
  return new Map(configs.map((c) => [c.id, oidcProvider(c, `${redirectOrigin}/auth/${c.id}/callback`, log)]));
}

function oidcProvider(config: OidcProviderConfig, redirectUri: string, log: Logger): OidcProvider {
  const issuer = new URL(config.issuer);
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = () =>
    (discovered ??= client
      .discovery(issuer, config.clientId, config.clientSecret, undefined, issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {})
      .catch((err: unknown) => {
        discovered = undefined;
        throw err;
      }));
  const unreachable = (err: unknown) => {
    log.warn({ err, provider: config.id }, 'sign-in provider unreachable');
    return unavailableFrom(err) ?? new HttpError(503, 'unavailable', `${config.name} is not answering right now. Please try again in a minute, or log in with your password.`);
  };

  return {
    id: config.id,
    name: config.name,
    async start(next) {
      const cfg = await configuration().catch((err: unknown) => Promise.reject(unreachable(err)));
      const codeVerifier = client.randomPKCECodeVerifier();
      const flow: SignInFlow = { provider: config.id, state: client.randomState(), nonce: client.randomNonce(), codeVerifier, next, startedAt: Date.now() };
      const url = client.buildAuthorizationUrl(cfg, {
        redirect_uri: redirectUri,
        scope: config.scope,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      });
      return { url: url.href, flow };
    },
    async finish(callbackUrl, flow) {
      const cfg = await configuration().catch((err: unknown) => Promise.reject(unreachable(err)));
      try {
        const tokens = await client.authorizationCodeGrant(cfg, callbackUrl, { pkceCodeVerifier: flow.codeVerifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true });
        const idToken = tokens.claims()!;
        // Providers that follow the spec strictly put email only in the userinfo answer.
        const claims = typeof idToken.email === 'string' ? idToken : await client.fetchUserInfo(cfg, tokens.access_token, idToken.sub);
        return {
          subject: idToken.sub,
          email: typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : undefined,
          emailVerified: claims.email_verified === true || claims.email_verified === 'true',
          name: typeof claims.name === 'string' ? claims.name : undefined,
        };
      } catch (err) {
        const outage = unavailableFrom(err);
        if (outage) throw unreachable(err);
        // Log why (state, nonce, PKCE, signature…); the musician gets one plain sentence.
        log.warn({ provider: config.id, reason: (err as Error).message, code: (err as { code?: string }).code }, 'sign-in callback refused');
        if (err instanceof client.AuthorizationResponseError && err.error === 'access_denied') throw new SignInRefused(`Signing in with ${config.name} was cancelled.`);
        throw new SignInRefused(`Signing in with ${config.name} did not work: its answer did not match the sign-in started here. Please try again.`);
      }
    },
  };
}
