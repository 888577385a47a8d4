/**
 * Graceful stop of one serving process: stop accepting, let in-flight requests finish, then
 * close. Keep-alive connections that go idle after their last response are closed as they
 * do (Node closes idle ones only once, when closing starts); whatever is still open after
 * `graceMs` is cut, so a stuck client cannot hold the process past its shutdown deadline.
 */
import type { FastifyInstance } from 'fastify';

export async function drain(app: FastifyInstance, graceMs: number): Promise<void> {
  const idle = setInterval(() => app.server.closeIdleConnections(), 100);
  const cut = setTimeout(() => app.server.closeAllConnections(), graceMs);
  try {
    await app.close();
  } finally {
    clearInterval(idle);
    clearTimeout(cut);
  }
}
