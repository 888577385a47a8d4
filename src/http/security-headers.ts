/**
 * Security headers on every response. HTML pages get a strict CSP without `form-action`:
 * Chromium applies form-action to the redirect after a POST, which would block the consent
 * form's redirect to the client (see STACK.md). Routes that need more (form_post, front-channel
 * iframes) set their own Content-Security-Policy, which this hook leaves alone.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

const HTML_CSP = "default-src 'none'; style-src 'self'; img-src 'self' https: data:; frame-ancestors 'none'; base-uri 'none'";

export function securityHeaders(_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void): void {
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  const type = String(reply.getHeader('content-type') ?? '');
  if (type.startsWith('text/html')) {
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', HTML_CSP);
    if (!reply.hasHeader('x-frame-options')) reply.header('x-frame-options', 'DENY');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  }
  done(null, payload);
}
