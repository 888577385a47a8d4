/**
 * Interoperability with an OpenID Certified relying party that is a web server module, not a
 * library: Apache httpd with mod_auth_openidc (Debian's libapache2-mod-auth-openidc) protecting
 * a directory, driven by headless Chromium. It signs in (code + PKCE S256, client_secret_basic,
 * ID token and UserInfo; ES256 ID tokens and signed UserInfo for a client that registered them;
 * the hybrid flow answered by form_post),
 * refreshes through its refresh hook, and logs out every way:
 * back-channel (Portcullis's logout token ends the module's session), front-channel (the
 * signed-out page loads the module's logout URI with `iss` and `sid`; each client has its own
 * virtual host) and RP-initiated (the module sends `id_token_hint`).
 * The module reports its session at `redirect_uri?info=json`. APACHE2 names the httpd binary
 * (default /usr/sbin/apache2); this suite never skips.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startOutboxDispatcher, type OutboxDispatcher } from '../../src/outbox/index.ts';
import { launchChromium, openPage } from '../helpers/chromium.ts';
import { basic, postForm } from '../helpers/http.ts';
import { freePort, startServer, type TestServer } from '../helpers/server.ts';
import { until } from '../helpers/until.ts';
import { ALICE } from '../helpers/users.ts';
import type { Json } from './support.ts';

const APACHE2 = process.env['APACHE2'] ?? '/usr/sbin/apache2';
const MODULES = '/usr/lib/apache2/modules';
const SECRET = 'apache-secret-0123456789abcdef';

/** Whether something accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** One protected site: a virtual host on its own port, signing in as its own client. */
interface Site {
  port: number;
  clientId: string;
  /** More mod_auth_openidc directives for this site. */
  directives?: string[];
}

function httpdConf(dir: string, issuer: string, sites: Site[]): string {
  const global = `ServerName 127.0.0.1
PidFile ${dir}/httpd.pid
ErrorLog ${dir}/error.log
LogLevel warn
LoadModule mpm_event_module ${MODULES}/mod_mpm_event.so
LoadModule authn_core_module ${MODULES}/mod_authn_core.so
LoadModule authz_core_module ${MODULES}/mod_authz_core.so
LoadModule authz_user_module ${MODULES}/mod_authz_user.so
LoadModule mime_module ${MODULES}/mod_mime.so
LoadModule headers_module ${MODULES}/mod_headers.so
LoadModule auth_openidc_module ${MODULES}/mod_auth_openidc.so
TypesConfig /etc/mime.types
User www-data
Group www-data
OIDCCryptoPassphrase ${'0123456789abcdef'.repeat(2)}
`;
  const site = ({ port, clientId, directives = [] }: Site) => `Listen 127.0.0.1:${port}
<VirtualHost 127.0.0.1:${port}>
  DocumentRoot ${dir}/www
  OIDCProviderMetadataURL ${issuer}/.well-known/openid-configuration
  OIDCClientID ${clientId}
  OIDCClientSecret ${SECRET}
  OIDCRedirectURI http://127.0.0.1:${port}/protected/redirect_uri
  OIDCPKCEMethod S256
  OIDCScope "openid profile email offline_access"
  OIDCInfoHook iat access_token id_token userinfo refresh_token session
${directives.map((line) => `  ${line}\n`).join('')}  <Location /protected>
    AuthType openid-connect
    Require valid-user
    # Never from the browser's cache: each visit must pass the module.
    Header always set Cache-Control no-store
  </Location>
</VirtualHost>
`;
  return global + sites.map(site).join('');
}

describe('interop: Apache httpd with mod_auth_openidc', () => {
  let server: TestServer;
  let dispatcher: OutboxDispatcher;
  let httpd: ChildProcess;
  let browser: Browser;
  let dir: string;
  /** The site whose client is told of logouts through the back channel, and the one told through the front channel. */
  let rp: string;
  let front: string;
  /** The site whose client registered ES256 for its ID tokens and for signed UserInfo. */
  let es256: string;
  /** The site that signs in with the hybrid flow (`code id_token`), answered by form_post. */
  let hybrid: string;

  before(async () => {
    if (!existsSync(APACHE2) || !existsSync(`${MODULES}/mod_auth_openidc.so`)) {
      throw new Error(`${APACHE2} with mod_auth_openidc not found: install apache2 and libapache2-mod-auth-openidc (this suite never skips)`);
    }
    const ports: number[] = [];
    while (ports.length < 4) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const sites: Site[] = [
      { port: ports[0] as number, clientId: 'apache' },
      { port: ports[1] as number, clientId: 'apache-front' },
      { port: ports[2] as number, clientId: 'apache-es256', directives: ['OIDCIDTokenSignedResponseAlg ES256', 'OIDCUserInfoSignedResponseAlg ES256'] },
      { port: ports[3] as number, clientId: 'apache-hybrid', directives: ['OIDCResponseType "code id_token"', 'OIDCResponseMode form_post'] },
    ];
    [rp, front, es256, hybrid] = sites.map((site) => `http://127.0.0.1:${site.port}`) as [string, string, string, string];
    const client = (id: string, base: string) => ({
      client_id: id,
      client_secret: SECRET,
      client_name: id,
      redirect_uris: [`${base}/protected/redirect_uri`],
      post_logout_redirect_uris: [`${base}/bye.html`],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile email offline_access',
    });
    server = await startServer({
      users: [ALICE],
      clients: [
        { ...client('apache', rp), backchannel_logout_uri: `${rp}/protected/redirect_uri?logout=backchannel`, backchannel_logout_session_required: true },
        { ...client('apache-front', front), frontchannel_logout_uri: `${front}/protected/redirect_uri?logout=get`, frontchannel_logout_session_required: true },
        { ...client('apache-es256', es256), id_token_signed_response_alg: 'ES256', userinfo_signed_response_alg: 'ES256' },
        { ...client('apache-hybrid', hybrid), response_types: ['code id_token'], grant_types: ['authorization_code', 'implicit', 'refresh_token'] },
      ],
    });
    dispatcher = startOutboxDispatcher(server.runtime.services, { pollIntervalMs: 20, retryBaseMs: 20, retryMaxMs: 200 });
    dir = mkdtempSync(join(tmpdir(), 'portcullis-httpd-'));
    mkdirSync(join(dir, 'www', 'protected'), { recursive: true });
    writeFileSync(join(dir, 'www', 'protected', 'index.html'), '<!doctype html><title>Protected</title><p>protected page</p>\n');
    writeFileSync(join(dir, 'www', 'bye.html'), '<!doctype html><title>Bye</title><p>signed out</p>\n');
    // httpd started as root serves as www-data, which must reach the document root.
    for (const path of [dir, join(dir, 'www'), join(dir, 'www', 'protected')]) chmodSync(path, 0o755);
    writeFileSync(join(dir, 'httpd.conf'), httpdConf(dir, server.url, sites));
    httpd = spawn(APACHE2, ['-f', join(dir, 'httpd.conf'), '-DFOREGROUND'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    httpd.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await Promise.all(sites.map((site) => until(() => accepts(site.port), `httpd on port ${site.port}`, 15_000))).catch((err: Error) => {
      throw new Error(`${err.message}; httpd said: ${stderr}${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''}`);
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    httpd?.kill('SIGTERM');
    await dispatcher?.stop();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The module's view of the browser's session: 200 with its JSON, or the status it answered. */
  async function moduleSession(context: BrowserContext, site = rp): Promise<{ status: number; info?: Json }> {
    const reply = await context.request.get(`${site}/protected/redirect_uri?info=json`, { maxRedirects: 0 });
    return reply.status() === 200 ? { status: 200, info: (await reply.json()) as Json } : { status: reply.status() };
  }

  /** The module's answer once it stops knowing the session (polled: the logout reaches it asynchronously). */
  async function sessionEnded(context: BrowserContext, site: string): Promise<number> {
    let status = 200;
    await until(async () => (status = (await moduleSession(context, site)).status) !== 200, `the module at ${site} to drop the session`, 10_000);
    return status;
  }

  /** Opens the protected page, signing in (and consenting) on Portcullis's pages if asked; returns the pages it went through. */
  async function visitProtected(page: Page, site = rp): Promise<string[]> {
    const seen: string[] = [];
    await page.goto(`${site}/protected/index.html`);
    if (await page.$('input[name=password]')) {
      seen.push('login');
      await page.fill('input[name=username]', ALICE.username);
      await page.fill('input[name=password]', ALICE.password);
      await Promise.all([page.waitForURL((url) => !url.pathname.endsWith('/authorize')), page.click('button[type=submit]')]);
    }
    if (await page.$('button[name=decision][value=allow]')) {
      seen.push('consent');
      await Promise.all([page.waitForURL(`${site}/protected/index.html`), page.click('button[name=decision][value=allow]')]);
    }
    assert.equal(page.url(), `${site}/protected/index.html`);
    assert.equal(await page.textContent('p'), 'protected page');
    return seen;
  }

  it('signs in with code + PKCE, validates the ID token and reads UserInfo for the same sub', async () => {
    const { context, page } = await openPage(browser);
    const authorize: URL[] = [];
    page.on('request', (r) => r.url().startsWith(`${server.url}/authorize`) && authorize.push(new URL(r.url())));
    assert.deepEqual(await visitProtected(page), ['login', 'consent']);
    assert.equal(authorize[0]?.searchParams.get('code_challenge_method'), 'S256');

    const { status, info } = await moduleSession(context);
    assert.equal(status, 200);
    const idToken = info?.['id_token'] as Json;
    const userinfo = info?.['userinfo'] as Json;
    assert.equal(idToken['iss'], server.url);
    assert.equal(idToken['aud'], 'apache');
    assert.equal(typeof idToken['sub'], 'string');
    assert.equal(typeof idToken['nonce'], 'string', 'the module sent a nonce and got it back');
    assert.equal(userinfo['sub'], idToken['sub']);
    assert.equal(userinfo['email'], ALICE.email);
    assert.equal(userinfo['name'], ALICE.name);
    assert.equal(typeof info?.['refresh_token'], 'string');
    await context.close();
  });

  it('refreshes through the module: a rotated refresh token, and the old one is dead', async () => {
    const { context, page } = await openPage(browser);
    await visitProtected(page);
    const before = (await moduleSession(context)).info ?? {};
    const refresh = await context.request.get(
      `${rp}/protected/redirect_uri?refresh=${encodeURIComponent(`${rp}/protected/index.html`)}&access_token=${String(before['access_token'])}`,
      { maxRedirects: 0 },
    );
    assert.equal(refresh.status(), 302);
    const afterwards = (await moduleSession(context)).info ?? {};
    assert.notEqual(afterwards['refresh_token'], before['refresh_token']);
    assert.notEqual(afterwards['access_token'], before['access_token']);

    // RFC 9700 §4.14.2: the refresh token the module gave up no longer works.
    const replay = await postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: String(before['refresh_token']) }, { authorization: basic('apache', SECRET) });
    assert.equal(replay.status, 400);
    assert.equal(replay.body['error'], 'invalid_grant');
    await context.close();
  });

  it('an ES256 ID token and signed ES256 UserInfo, as the client registered', async () => {
    const { context, page } = await openPage(browser);
    assert.deepEqual(await visitProtected(page, es256), ['login', 'consent']);
    const { status, info } = await moduleSession(context, es256);
    assert.equal(status, 200);
    const idToken = info?.['id_token'] as Json;
    const userinfo = info?.['userinfo'] as Json;
    assert.equal(idToken['aud'], 'apache-es256');
    assert.equal(userinfo['sub'], idToken['sub']);
    assert.equal(userinfo['email'], ALICE.email);
    // What the module verified: UserInfo for this client is a JWT signed with ES256.
    const signed = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${String(info?.['access_token'])}` } });
    assert.equal(signed.headers.get('content-type')?.split(';')[0], 'application/jwt');
    assert.equal(decodeProtectedHeader(await signed.text()).alg, 'ES256');
    await context.close();
  });

  it('hybrid flow (code id_token) answered with form_post', async () => {
    const { context, page } = await openPage(browser);
    const arrivals: Array<{ method: string; body: URLSearchParams }> = [];
    page.on('request', (r) => r.url().startsWith(`${hybrid}/protected/redirect_uri`) && arrivals.push({ method: r.method(), body: new URLSearchParams(r.postData() ?? '') }));
    assert.deepEqual(await visitProtected(page, hybrid), ['login', 'consent']);
    // OpenID Connect Form Post Response Mode: the code, the ID token and the state arrive in a POST body.
    assert.equal(arrivals[0]?.method, 'POST');
    for (const name of ['code', 'id_token', 'state']) assert.ok(arrivals[0]?.body.get(name), `${name} in the form`);
    const { status, info } = await moduleSession(context, hybrid);
    assert.equal(status, 200);
    assert.equal((info?.['id_token'] as Json)['aud'], 'apache-hybrid');
    assert.equal((info?.['userinfo'] as Json)['sub'], (info?.['id_token'] as Json)['sub']);
    await context.close();
  });

  it('logging out at Portcullis ends the module session through back-channel logout', async () => {
    const { context, page } = await openPage(browser);
    await visitProtected(page);
    assert.equal((await moduleSession(context)).status, 200);

    await page.goto(`${server.url}/end_session`);
    await Promise.all([page.waitForURL((url) => url.pathname.endsWith('/end_session/confirm')), page.click('form button[type=submit]')]);
    // The logout token goes out through the outbox; the module drops the session it names.
    assert.equal(await sessionEnded(context, rp), 401, 'the module no longer knows the session');
    await context.close();
  });

  it('logging out at Portcullis ends the module session through front-channel logout', async () => {
    const { context, page } = await openPage(browser);
    await visitProtected(page, front);
    assert.equal((await moduleSession(context, front)).status, 200);
    const frames: URL[] = [];
    page.on('request', (r) => r.url().startsWith(`${front}/protected/redirect_uri?logout=get`) && frames.push(new URL(r.url())));

    await page.goto(`${server.url}/end_session`);
    await Promise.all([page.waitForURL((url) => url.pathname.endsWith('/end_session/confirm')), page.click('form button[type=submit]')]);
    // The signed-out page loads the client's front-channel URI with iss and sid; the module drops that session.
    assert.equal(await sessionEnded(context, front), 401, 'the module no longer knows the session');
    assert.equal(frames[0]?.searchParams.get('iss'), server.url);
    assert.ok(frames[0]?.searchParams.get('sid'));
    await context.close();
  });

  it('RP-initiated logout from the module sends id_token_hint and ends the Portcullis session', async () => {
    const { context, page } = await openPage(browser);
    await visitProtected(page);
    const endSession: URL[] = [];
    page.on('request', (r) => r.url().startsWith(`${server.url}/end_session`) && endSession.push(new URL(r.url())));
    await page.goto(`${rp}/protected/redirect_uri?logout=${encodeURIComponent(`${rp}/bye.html`)}`);
    assert.equal(page.url(), `${rp}/bye.html`, 'a valid id_token_hint needs no confirmation');
    assert.ok(endSession[0]?.searchParams.get('id_token_hint'));
    assert.equal(endSession[0]?.searchParams.get('post_logout_redirect_uri'), `${rp}/bye.html`);
    // Both sessions are gone: the module has none, and the protected page asks for the password again.
    assert.equal((await moduleSession(context)).status, 401);
    assert.deepEqual(await visitProtected(page), ['login']);
    await context.close();
  });
});
