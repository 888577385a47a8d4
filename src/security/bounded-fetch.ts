/**
 * Reading what Portcullis fetches from URLs that clients or configuration name (key sets,
 * sector identifier documents): bodies are read up to a size cap and then abandoned, so a
 * hostile server cannot make Portcullis buffer an endless response.
 */
import { customFetch } from 'jose';

/** Most bytes read from any fetched document (key sets, sector identifier documents). */
export const MAX_FETCHED_BYTES = 64 * 1024;

export class ResponseTooLarge extends Error {
  constructor(limit: number) {
    super(`response larger than ${limit} bytes`);
  }
}

/** The body of `res`, at most `limit` bytes; throws ResponseTooLarge past that (and stops reading). */
export async function readCapped(res: Response, limit: number = MAX_FETCHED_BYTES): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    throw new ResponseTooLarge(limit);
  }
  const reader = res.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new ResponseTooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The body of `res` as UTF-8 text, at most `limit` bytes. */
export async function readCappedText(res: Response, limit: number = MAX_FETCHED_BYTES): Promise<string> {
  return Buffer.from(await readCapped(res, limit)).toString('utf8');
}

/**
 * A fetch for jose's remote key sets (`[customFetch]`): the same request, with the body read
 * through the size cap before jose parses it.
 */
export const cappedFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  const body = await readCapped(res);
  // RFC 9110 §15.3.5, §15.4.5: 204 and 304 responses have no content (a Response with one cannot be built).
  const empty = res.status === 204 || res.status === 205 || res.status === 304;
  return new Response(empty ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers });
};

/** Options for jose's createRemoteJWKSet that apply the size cap. */
export const cappedJwksFetch = { [customFetch]: cappedFetch } as const;
