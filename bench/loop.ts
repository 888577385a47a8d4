/**
 * One SSO round trip, and the fixed-concurrency, fixed-duration loop that repeats it.
 *
 * A round trip is what a relying party and a signed-in browser cost the server when the
 * user already has a session and has already consented:
 *   GET  /authorize (code, PKCE S256, scope openid, session cookie) → 3xx with code
 *   POST /token     (authorization_code, client_secret_basic, code_verifier) → tokens
 *   GET  /userinfo  (Bearer access token) → claims
 * Every response is checked; a round trip that fails any check counts as an error, not as
 * throughput.
 */
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SCOPE } from './fixtures.ts';
import { HttpClient, type Reply } from './http.ts';

export interface Endpoints {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfoEndpoint: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface Target extends Endpoints {
  /** Cookie header carrying the SSO session. */
  cookie: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  id_token: string;
}

export interface RoundTripResult {
  sub: string;
  tokens: TokenResponse;
  /** Milliseconds spent in each of the three requests (response body read included). */
  phases: PhaseTimes;
}

export interface PhaseTimes {
  authorize: number;
  token: number;
  userinfo: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTokenResponse(value: unknown): value is TokenResponse {
  return isRecord(value) && typeof value['access_token'] === 'string' && typeof value['token_type'] === 'string' && typeof value['id_token'] === 'string';
}

/** RFC 6749 §2.3.1: both parts form-urlencoded, then Base64. */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')}`;
}

export function authorizationUrl(target: Endpoints, state: string, codeChallenge: string): URL {
  const url = new URL(target.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: target.clientId,
    redirect_uri: target.redirectUri,
    scope: SCOPE,
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
  }).toString();
  return url;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** One client for every round trip of the run: each server gets a keep-alive socket per worker. */
const http = new HttpClient();

function json(reply: Reply): unknown {
  try {
    return JSON.parse(reply.body);
  } catch {
    return undefined;
  }
}

function header(reply: Reply, name: string): string | undefined {
  const value = reply.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Step 1: an authorization with the SSO session; the code from the redirect to the client (state checked). */
export async function authorizeCode(target: Target): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString('base64url');
  const authz = await http.send(authorizationUrl(target, state, challenge), 'GET', { cookie: target.cookie });
  const location = header(authz, 'location');
  if (authz.status < 300 || authz.status > 399 || !location) throw new Error(`authorize: HTTP ${authz.status}, location ${location ?? 'none'}`);
  if (!location.startsWith(target.redirectUri)) throw new Error(`authorize: redirected to ${location}, not to the client (session lost?)`);
  const callback = new URL(location);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`authorize: no code in ${location}`);
  if (callback.searchParams.get('state') !== state) throw new Error('authorize: state mismatch');
  return { code, verifier };
}

/** Step 2: the code redeemed at the token endpoint with client_secret_basic and the PKCE verifier. */
export async function redeemCode(target: Target, code: string, verifier: string): Promise<TokenResponse> {
  const token = await http.send(
    target.tokenEndpoint,
    'POST',
    {
      authorization: basicAuthorization(target.clientId, target.clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: target.redirectUri, code_verifier: verifier }).toString(),
  );
  const tokenBody = json(token);
  if (token.status !== 200 || !isTokenResponse(tokenBody)) throw new Error(`token: HTTP ${token.status} ${token.body.slice(0, 300)}`);
  if (tokenBody.token_type.toLowerCase() !== 'bearer') throw new Error(`token: token_type ${tokenBody.token_type}`);
  return tokenBody;
}

/** Step 3: UserInfo with the access token; its `sub` (checked against `expectedSub` when given). */
export async function readUserInfo(target: Target, accessToken: string, expectedSub?: string): Promise<string> {
  const info = await http.send(target.userinfoEndpoint, 'GET', { authorization: `Bearer ${accessToken}`, accept: 'application/json' });
  const infoBody = json(info);
  if (info.status !== 200 || !isRecord(infoBody) || typeof infoBody['sub'] !== 'string') throw new Error(`userinfo: HTTP ${info.status} ${info.body.slice(0, 300)}`);
  if (expectedSub !== undefined && infoBody['sub'] !== expectedSub) throw new Error(`userinfo: sub ${infoBody['sub']}, expected ${expectedSub}`);
  return infoBody['sub'];
}

export async function roundTrip(target: Target, expectedSub?: string): Promise<RoundTripResult> {
  const t0 = performance.now();
  const { code, verifier } = await authorizeCode(target);
  const t1 = performance.now();
  const tokens = await redeemCode(target, code, verifier);
  const t2 = performance.now();
  const sub = await readUserInfo(target, tokens.access_token, expectedSub);
  const t3 = performance.now();
  return { sub, tokens, phases: { authorize: t1 - t0, token: t2 - t1, userinfo: t3 - t2 } };
}

export interface LoopOptions {
  concurrency: number;
  durationMs: number;
  expectedSub: string;
  /** Stop early once this many round trips have failed. */
  maxErrors?: number;
}

/** Milliseconds per successful round trip, and per request of it. */
export interface Samples {
  roundTrip: number[];
  authorize: number[];
  token: number[];
  userinfo: number[];
}

export function emptySamples(): Samples {
  return { roundTrip: [], authorize: [], token: [], userinfo: [] };
}

export interface SliceResult {
  completed: number;
  errors: number;
  firstError?: string;
  elapsedMs: number;
}

export interface Latency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function summarise(values: readonly number[]): Latency {
  const sorted = values.slice().sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : Number.NaN;
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: percentile(sorted, 100), mean };
}

/**
 * `concurrency` workers, each repeating round trips back to back until `durationMs` has
 * passed (a round trip in flight at the deadline is finished and counted). Successful round
 * trips add their times to `samples`. With several targets (SSO sessions), worker i uses
 * targets[i % targets.length].
 */
export async function runLoop(targets: readonly Target[], options: LoopOptions, samples: Samples = emptySamples()): Promise<SliceResult> {
  if (targets.length === 0) throw new Error('runLoop: no target');
  const maxErrors = options.maxErrors ?? 100;
  let completed = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const worker = async (_: unknown, index: number): Promise<void> => {
    const target = targets[index % targets.length] as Target;
    while (performance.now() < deadline && errors < maxErrors) {
      const t0 = performance.now();
      try {
        const result = await roundTrip(target, options.expectedSub);
        samples.roundTrip.push(performance.now() - t0);
        samples.authorize.push(result.phases.authorize);
        samples.token.push(result.phases.token);
        samples.userinfo.push(result.phases.userinfo);
        completed++;
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { completed, errors, ...(firstError !== undefined ? { firstError } : {}), elapsedMs: performance.now() - started };
}
