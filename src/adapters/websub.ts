// WebSub subscription requests: a form POST to the hub, through the same guarded fetcher as every poll.
// The hub answers 202 and later verifies with a GET to our callback (src/web/routes/websub.ts).
import { type FetchOptions, fetchUrl } from './fetch.ts';

export interface SubscribeRequest {
  hub: string;
  topic: string;
  callback: string;
  secret: string;
  mode: 'subscribe' | 'unsubscribe';
  leaseSeconds: number;
}

export type SubscribeResult = { ok: true; status: number } | { ok: false; status?: number; error: string };

export async function requestSubscription(r: SubscribeRequest, opts: Pick<FetchOptions, 'allowPrivate' | 'userAgent' | 'signal'>): Promise<SubscribeResult> {
  const body = new URLSearchParams({
    'hub.mode': r.mode,
    'hub.topic': r.topic,
    'hub.callback': r.callback,
    'hub.secret': r.secret,
    'hub.lease_seconds': String(r.leaseSeconds),
  }).toString();
  try {
    const res = await fetchUrl(r.hub, {
      ...opts,
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      maxBytes: 64 * 1024,
      totalTimeoutMs: 15_000,
      maxRedirects: 2,
    });
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    const said = Buffer.from(res.body).toString('utf8').slice(0, 200).trim();
    return { ok: false, status: res.status, error: `websub: hub ${r.hub} refused the ${r.mode} request (HTTP ${res.status}${said ? `: ${said}` : ''})` };
  } catch (err) {
    return { ok: false, error: `websub: cannot reach hub ${r.hub} (${(err as Error).message})` };
  }
}
