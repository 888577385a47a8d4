/** The token exchange keys of the config file: trusted issuers and the per-client policy. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/load.ts';
import { GRANT } from './fixtures.ts';

function reason(raw: Record<string, unknown>): string {
  try {
    parseConfig(raw);
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
}

describe('token exchange configuration', () => {
  it('applies the trusted issuer defaults, per tenant too', () => {
    const config = parseConfig({
      trustedIssuers: [{ issuer: 'https://idp.example.com', jwks_uri: 'https://idp.example.com/jwks' }],
      tenants: [{ slug: 'acme', trustedIssuers: [{ issuer: 'https://hr.example.com', jwks: { keys: [] }, subjects: 'local' }] }],
    });
    assert.deepEqual(config.trustedIssuers[0], { issuer: 'https://idp.example.com', jwks_uri: 'https://idp.example.com/jwks', algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'], subjects: 'external' });
    assert.equal(config.tenants[0]?.trustedIssuers[0]?.subjects, 'local');
    assert.deepEqual(parseConfig({}).trustedIssuers, []);
  });

  it('names the wrong key of a trusted issuer', () => {
    assert.match(reason({ trustedIssuers: [{ issuer: 'https://idp.example.com' }] }), /^trustedIssuers\[0\]\.jwks_uri: exactly one of jwks and jwks_uri/);
    assert.match(reason({ trustedIssuers: [{ issuer: 'https://idp.example.com', jwks: { keys: [] }, jwks_uri: 'https://idp.example.com/jwks' }] }), /^trustedIssuers\[0\]\.jwks_uri: exactly one/);
    assert.match(reason({ trustedIssuers: [{ issuer: 'https://idp.example.com', jwks: { keys: [] }, subjects: 'mapped' }] }), /^trustedIssuers\[0\]\.subjects: must be one of/);
    assert.match(reason({ trustedIssuers: [{ issuer: 'https://idp.example.com', jwks: { keys: [] }, algorithms: ['HS256'] }] }), /^trustedIssuers\[0\]\.algorithms\[0\]: must be one of/);
    assert.match(reason({ trustedIssuers: [{ issuer: 'not a uri', jwks: { keys: [] } }] }), /^trustedIssuers\[0\]\.issuer: must be an absolute URI/);
  });

  it('validates the client policy keys', () => {
    const client = { client_id: 'fe', client_secret: 's', grant_types: [GRANT], scope: '' };
    assert.equal(reason({ clients: [{ ...client, token_exchange: { allow_delegation: false, allow_impersonation: true, allowed_requested_token_types: ['id_token'] } }] }), 'accepted');
    assert.match(reason({ clients: [{ ...client, token_exchange: { allow_everything: true } }] }), /^clients\[0\]\.token_exchange\.allow_everything: unknown key/);
    assert.match(reason({ clients: [{ ...client, token_exchange: { max_chain_depth: 0 } }] }), /^clients\[0\]\.token_exchange\.max_chain_depth:/);
  });
});
