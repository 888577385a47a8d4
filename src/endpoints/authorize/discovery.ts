import type { DiscoveryContributor } from '../discovery/handler.ts';
import { endpointUrl } from '../discovery/handler.ts';
import { RESPONSE_TYPES } from '../../domain/client.ts';
import { SIGNING_ALGS } from '../../keys/types.ts';
import { FAPI_ALGS, tenantProfile } from '../../fapi/profile.ts';
import { REQUEST_OBJECT_ENC_ALGS, REQUEST_OBJECT_ENC_ENCS } from '../../jar/encryption-key.ts';
import { JARM_MODES } from '../../jarm/sign.ts';
import { SUPPORTED_LOCALES } from '../../interaction/views/i18n.ts';

/** What the authorization endpoint supports (OIDC Discovery §3, RFC 8414 §2, RFC 9207 §3). */
export const authorizeDiscovery: DiscoveryContributor = (ctx) => ({
  authorization_endpoint: endpointUrl(ctx, '/authorize'),
  response_types_supported: [...RESPONSE_TYPES],
  // JARM §3: the JWT response modes and their signing algorithms.
  response_modes_supported: ['query', 'fragment', 'form_post', ...JARM_MODES],
  authorization_signing_alg_values_supported: [...SIGNING_ALGS],
  code_challenge_methods_supported: ['S256'],
  subject_types_supported: ['public', 'pairwise'],
  id_token_signing_alg_values_supported: [...SIGNING_ALGS],
  scopes_supported: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access', ...new Set(ctx.tenant.resources.flatMap((r) => r.scopes))],
  prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
  claims_parameter_supported: true,
  // RFC 9101: request objects by value and by reference (registered request_uris only).
  request_parameter_supported: true,
  request_uri_parameter_supported: true,
  require_request_uri_registration: true,
  request_object_signing_alg_values_supported: tenantProfile(ctx) === 'fapi2' ? [...FAPI_ALGS] : [...SIGNING_ALGS],
  ...(ctx.config.features.requestObjectEncryption
    ? { request_object_encryption_alg_values_supported: [...REQUEST_OBJECT_ENC_ALGS], request_object_encryption_enc_values_supported: [...REQUEST_OBJECT_ENC_ENCS] }
    : {}),
  authorization_response_iss_parameter_supported: true,
  ui_locales_supported: [...SUPPORTED_LOCALES],
  claims_locales_supported: [...SUPPORTED_LOCALES],
  display_values_supported: ['page', 'popup', 'touch', 'wap'],
});
