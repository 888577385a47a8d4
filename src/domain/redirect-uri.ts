/** Redirect URI matching (RFC 9700 §4.1.3: exact string comparison; RFC 8252 §7.3: loopback ports vary). */

export function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === '[::1]' || hostname === '::1' || hostname === 'localhost';
}

/** `http://<loopback IP literal>[:port]<rest>` split as written, without any URL normalisation. */
const LOOPBACK_REDIRECT = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::\d{1,5})?([/?#].*)?$/;

/**
 * True when `requested` is one of `registered`: identical strings, or — for a registered
 * loopback IP literal `http` redirect — identical except for the port (RFC 8252 §7.3).
 */
export function matchRedirectUri(requested: string, registered: readonly string[]): boolean {
  if (registered.includes(requested)) return true;
  // RFC 8252 §8.3: only IP literals, not "localhost", get the any-port rule; RFC 9700 §4.1.3:
  // everything but the port is compared as written (no case folding, dot segments or
  // whitespace and backslash clean-up, which URL parsing would apply).
  const req = LOOPBACK_REDIRECT.exec(requested);
  if (!req || !URL.canParse(requested)) return false;
  return registered.some((candidate) => {
    const reg = LOOPBACK_REDIRECT.exec(candidate);
    return reg !== null && reg[1] === req[1] && (reg[2] ?? '') === (req[2] ?? '');
  });
}
