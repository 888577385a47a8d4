/**
 * The integration guide's curl examples (the seed document's own text), and the means to run
 * them as written: the guide's host and paths are replaced by those this server's discovery
 * document names, the placeholders by real values, and the real curl binary runs the command
 * through /bin/sh.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';

/** The guide's host and the discovery metadata that names each of its paths. */
const GUIDE_HOST = 'http://localhost:8080';
const GUIDE_PATHS: Record<string, string> = {
  '/oauth/authorize': 'authorization_endpoint',
  '/oauth/token': 'token_endpoint',
  '/oauth/introspect': 'introspection_endpoint',
  '/oauth/revoke': 'revocation_endpoint',
  '/oauth/device_authorization': 'device_authorization_endpoint',
  '/oauth/par': 'pushed_authorization_request_endpoint',
  '/connect/register': 'registration_endpoint',
};
export const GUIDE_CALLBACK = 'http://localhost:3000/callback';
export const GUIDE_PAR_CALLBACK = 'https://yourapp.example/callback';
export const GUIDE_REGISTERED_CALLBACK = 'https://myapp.example/callback';

export const EXAMPLES = {
  authorize: 'http://localhost:8080/oauth/authorize?response_type=code&client_id=YOUR_CLIENT_ID&redirect_uri=http://localhost:3000/callback&scope=openid%20profile%20read&state=csrf-token&code_challenge=CODE_CHALLENGE&code_challenge_method=S256',
  exchangeCode: `curl -X POST http://localhost:8080/oauth/token \\
-H "Content-Type: application/x-www-form-urlencoded" \\
-d "grant_type=authorization_code" \\
-d "code=AUTH_CODE" \\
-d "client_id=YOUR_CLIENT_ID" \\
-d "client_secret=YOUR_CLIENT_SECRET" \\
-d "redirect_uri=http://localhost:3000/callback" \\
-d "code_verifier=CODE_VERIFIER"`,
  clientCredentials: `curl -X POST http://localhost:8080/oauth/token \\
-H "Content-Type: application/x-www-form-urlencoded" \\
-d "grant_type=client_credentials&client_id=YOUR_CLIENT_ID&client_secret=YOUR_CLIENT_SECRET&scope=read"`,
  introspectPost: `curl -X POST http://localhost:8080/oauth/introspect \\
-H "Content-Type: application/x-www-form-urlencoded" \\
-d "token=ACCESS_TOKEN" \\
-d "client_id=YOUR_CLIENT_ID" \\
-d "client_secret=YOUR_CLIENT_SECRET"`,
  introspectBasic: `curl -X POST http://localhost:8080/oauth/introspect \\
-u "YOUR_CLIENT_ID:YOUR_CLIENT_SECRET" \\
-H "Content-Type: application/x-www-form-urlencoded" \\
-d "token=ACCESS_TOKEN"`,
  introspectJwt: `curl -X POST http://localhost:8080/oauth/introspect \\
-u "YOUR_CLIENT_ID:YOUR_CLIENT_SECRET" \\
-H "Accept: application/token-introspection+jwt" \\
-H "Content-Type: application/x-www-form-urlencoded" \\
-d "token=ACCESS_TOKEN"`,
  revokePost: `curl -X POST http://localhost:8080/oauth/revoke \\
-H "Content-Type: application/x-www-form-urlencoded" \\
-d "token=ACCESS_TOKEN" \\
-d "client_id=YOUR_CLIENT_ID" \\
-d "client_secret=YOUR_CLIENT_SECRET"`,
  revokeBasic: `curl -X POST http://localhost:8080/oauth/revoke \\
-u "YOUR_CLIENT_ID:YOUR_CLIENT_SECRET" \\
-H "Content-Type: application/x-www-form-urlencoded" \\
-d "token=ACCESS_TOKEN"`,
  deviceStart: `curl -X POST http://localhost:8080/oauth/device_authorization \\
-H "Content-Type: application/x-www-form-urlencoded" \\
-d "client_id=YOUR_CLIENT_ID&scope=read"`,
  devicePoll: `curl -X POST http://localhost:8080/oauth/token \\
-H "Content-Type: application/x-www-form-urlencoded" \\
-d "grant_type=urn:ietf:params:oauth:grant-type:device_code" \\
-d "device_code=DEVICE_CODE" \\
-d "client_id=YOUR_CLIENT_ID"`,
  par: `curl -X POST http://localhost:8080/oauth/par \\
-u "YOUR_CLIENT_ID:YOUR_CLIENT_SECRET" \\
-H "Content-Type: application/x-www-form-urlencoded" \\
-d "response_type=code" \\
-d "client_id=YOUR_CLIENT_ID" \\
-d "redirect_uri=https://yourapp.example/callback" \\
-d "scope=openid profile" \\
-d "code_challenge=CODE_CHALLENGE" \\
-d "code_challenge_method=S256"`,
  register: `curl -X POST http://localhost:8080/connect/register \\
-H "Content-Type: application/json" \\
-d '{
"client_name": "My App",
"redirect_uris": ["https://myapp.example/callback"],
"grant_types": ["authorization_code", "refresh_token"],
"response_types": ["code"],
"scope": "openid profile email",
"token_endpoint_auth_method": "client_secret_basic"
}'`,
  registrationRead: `curl http://localhost:8080/connect/register/YOUR_CLIENT_ID \\
-H "Authorization: Bearer REGISTRATION_ACCESS_TOKEN"`,
  registrationDelete: `curl -X DELETE http://localhost:8080/connect/register/YOUR_CLIENT_ID \\
-H "Authorization: Bearer REGISTRATION_ACCESS_TOKEN"`,
};

export interface CurlResult {
  status: number;
  contentType: string;
  body: string;
}

/** The guide's text with its host and paths taken from discovery and its placeholders filled in. */
export function adapt(meta: Record<string, unknown>, text: string, values: Record<string, string>): string {
  let out = text;
  for (const [path, key] of Object.entries(GUIDE_PATHS)) {
    const endpoint = meta[key];
    if (typeof endpoint === 'string') out = out.split(`${GUIDE_HOST}${path}`).join(endpoint);
  }
  for (const [placeholder, value] of Object.entries(values)) {
    assert.match(value, /^[A-Za-z0-9._~:/-]*$/, `${placeholder} is shell-safe`);
    out = out.split(placeholder).join(value);
  }
  assert.ok(!out.includes(GUIDE_HOST), `every path was found in discovery: ${out}`);
  return out;
}

/** Runs the command through /bin/sh as a reader would paste it, adding only -sS and a status line. */
export function curl(command: string): Promise<CurlResult> {
  const shell = command.replace(/^curl /, 'curl -sS -w "\\n%{http_code} %{content_type}" ');
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', shell], { timeout: 20000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${shell}\n${stderr}`));
      const cut = stdout.lastIndexOf('\n');
      const [status, contentType = ''] = stdout.slice(cut + 1).split(' ');
      resolve({ status: Number(status), contentType, body: stdout.slice(0, cut) });
    });
  });
}

export const json = (r: CurlResult): Record<string, unknown> => JSON.parse(r.body) as Record<string, unknown>;
