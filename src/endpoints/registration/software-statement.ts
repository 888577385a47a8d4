/**
 * RFC 7591 §2.3 software statements: a JWT whose claims are client metadata, signed by an
 * issuer the operator trusts (`registration.softwareStatementIssuers`). Its claims take
 * precedence over the same members sent in the clear (§3.1.1).
 */
import { decodeJwt, jwtVerify } from 'jose';
import type { Config } from '../../config/schema.ts';
import { InvalidSoftwareStatement, UnapprovedSoftwareStatement } from '../../errors/oauth-error.ts';
import { keySetOf } from '../../keys/verification-keys.ts';

type Trusted = Config['registration']['softwareStatementIssuers'][number];

/** JWT claims that describe the statement itself, not the client. */
const ENVELOPE = new Set(['iss', 'sub', 'aud', 'iat', 'exp', 'nbf', 'jti']);

/**
 * Verifies `statement` and returns the metadata it asserts (with `software_statement` issuer
 * claims removed). Throws UnapprovedSoftwareStatement for an untrusted issuer and
 * InvalidSoftwareStatement for anything malformed, unsigned, expired or badly signed.
 */
export async function verifySoftwareStatement(config: Config, statement: unknown, now: number): Promise<Record<string, unknown>> {
  if (typeof statement !== 'string') throw new InvalidSoftwareStatement('software_statement must be a JWT string');
  let iss: unknown;
  try {
    iss = decodeJwt(statement).iss;
  } catch {
    throw new InvalidSoftwareStatement('software_statement is not a JWT');
  }
  const trusted = config.registration.softwareStatementIssuers.find((t) => t.issuer === iss);
  // RFC 7591 §3.2.2: a statement from an issuer this server does not accept.
  if (!trusted) throw new UnapprovedSoftwareStatement('the software statement issuer is not trusted');
  const keys = keySetOf(trusted);
  if (!keys) throw new UnapprovedSoftwareStatement('no keys are configured for the software statement issuer');
  let payload: Record<string, unknown>;
  try {
    // RFC 7591 §2.3: the statement MUST be signed; "none" is refused by jose's verification.
    ({ payload } = await jwtVerify(statement, keys, { issuer: trusted.issuer, currentDate: new Date(now * 1000), clockTolerance: 30 }));
  } catch {
    throw new InvalidSoftwareStatement('the software statement signature or lifetime is invalid');
  }
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) if (!ENVELOPE.has(key)) metadata[key] = value;
  return metadata;
}
