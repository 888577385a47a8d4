/**
 * OpenID Connect Dynamic Client Registration §5: the `sector_identifier_uri` is fetched and must
 * hold a JSON array containing every registered redirect URI.
 */
import { InvalidClientMetadata } from '../../errors/oauth-error.ts';
import type { ClientMetadata } from '../../domain/client.ts';
import { readCappedText } from '../../security/bounded-fetch.ts';

const TIMEOUT_MS = 5000;

/** Throws InvalidClientMetadata when the document cannot be fetched or lacks a redirect URI. */
export async function checkSectorIdentifier(metadata: ClientMetadata): Promise<void> {
  const uri = metadata.sector_identifier_uri;
  if (!uri) return;
  // Its scheme was checked with the other server-contacted URLs (registration/metadata.ts).
  const url = new URL(uri);
  let listed: unknown;
  try {
    const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`status ${response.status}`);
    // Read through the size cap: the whole body is never buffered first.
    listed = JSON.parse(await readCappedText(response));
  } catch (err) {
    throw new InvalidClientMetadata('sector_identifier_uri: could not be fetched as JSON', { detail: (err as Error).message });
  }
  if (!Array.isArray(listed) || !listed.every((v) => typeof v === 'string')) {
    throw new InvalidClientMetadata('sector_identifier_uri: must hold a JSON array of URIs');
  }
  // OIDC Registration §5: every redirect_uri must be in the sector identifier document.
  const missing = metadata.redirect_uris.filter((u) => !listed.includes(u));
  if (missing.length > 0) throw new InvalidClientMetadata(`sector_identifier_uri: does not list ${missing.join(' ')}`);
}
