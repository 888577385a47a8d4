/** Redirect URI matching (RFC 9700 §4.1.3: exact string comparison; RFC 8252 §7.3: loopback ports vary). */

export function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === '[::1]' || hostname === '::1' || hostname === 'localhost';
}

/**
 * True when `requested` is one of `registered`: identical strings, or — for a registered
 * loopback IP literal `http` redirect — identical except for the port (RFC 8252 §7.3).
 */
export function matchRedirectUri(requested: string, registered: readonly string[]): boolean {
  if (registered.includes(requested)) return true;
  let req: URL;
  try {
    req = new URL(requested);
  } catch {
    return false;
  }
  // RFC 8252 §8.3: only IP literals, not "localhost", get the any-port rule.
  if (req.protocol !== 'http:' || (req.hostname !== '127.0.0.1' && req.hostname !== '[::1]')) return false;
  return registered.some((candidate) => {
    let reg: URL;
    try {
      reg = new URL(candidate);
    } catch {
      return false;
    }
    if (reg.protocol !== 'http:' || reg.hostname !== req.hostname) return false;
    reg.port = '';
    const reqNoPort = new URL(requested);
    reqNoPort.port = '';
    return reg.href === reqNoPort.href;
  });
}
