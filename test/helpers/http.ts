/** Raw HTTP for the negative paths a client library will not take: a form POST and its answer. */

export interface Answer {
  status: number;
  headers: Headers;
  /** The JSON body, or `{}` when the body is empty or not JSON. */
  body: Record<string, unknown>;
  text: string;
}

/** Reads a response once: status, headers, text and (when it is JSON) the parsed body. */
export async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = {};
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** POSTs a form (a key given an array is repeated), never following a redirect. */
export async function postForm(url: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Answer> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const item of [v].flat()) body.append(k, item);
  return answer(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body, redirect: 'manual' }));
}

/** An HTTP Basic client authentication header (RFC 6749 §2.3.1: both parts URL-encoded first). */
export const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
