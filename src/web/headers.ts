// Security headers on every response. Our pages use no inline script or style, so the CSP can forbid both;
// only bull-board (under /admin/queues, admins only) ships inline styles and a <base> tag and gets a looser one.
import type { FastifyInstance } from 'fastify';

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

// Still no third-party origins: bull-board's Google Fonts link is blocked and the UI falls back to system fonts.
export const CSP_BULL_BOARD =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'";

export function installSecurityHeaders(app: FastifyInstance) {
  app.addHook('onSend', async (req, reply, payload) => {
    const relaxed = req.url === '/admin/queues' || req.url.startsWith('/admin/queues/');
    reply.header('content-security-policy', relaxed ? CSP_BULL_BOARD : CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    // Pages for a logged-in person must not be kept by shared caches or the back button after logout.
    if (req.user && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    if (req.server.pd.secure) reply.header('strict-transport-security', 'max-age=31536000');
    return payload;
  });
}
