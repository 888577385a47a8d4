/**
 * A minimal browser for protocol tests: keeps cookies, follows redirects within the server,
 * stops at the first redirect that leaves it (the client's redirect URI), and submits forms
 * with all of their hidden inputs — as CONTRACT.md §3 says a test acting as a browser does.
 */

export interface Page {
  status: number;
  url: string;
  html: string;
  headers: Headers;
}

export interface Form {
  action: string;
  method: string;
  fields: Record<string, string>;
  buttons: Array<{ name: string; value: string }>;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#x2F;/g, '/')
    .replace(/&amp;/g, '&');
}

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([a-zA-Z_:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    const name = m[1]?.toLowerCase();
    if (!name) continue;
    out[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

/** Every <form> of a page with its inputs (value attributes) and submit buttons. */
export function parseForms(html: string, baseUrl: string): Form[] {
  const forms: Form[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const a = attrs(m[1] ?? '');
    const body = m[2] ?? '';
    const fields: Record<string, string> = {};
    for (const input of body.matchAll(/<input\b([^>]*)>/gi)) {
      const ia = attrs(input[1] ?? '');
      if (ia['name'] && ia['type'] !== 'submit') fields[ia['name']] = ia['value'] ?? '';
    }
    const buttons: Array<{ name: string; value: string }> = [];
    for (const b of body.matchAll(/<button\b([^>]*)>/gi)) {
      const ba = attrs(b[1] ?? '');
      if (ba['name']) buttons.push({ name: ba['name'], value: ba['value'] ?? '' });
    }
    forms.push({ action: new URL(a['action'] ?? baseUrl, baseUrl).href, method: (a['method'] ?? 'get').toLowerCase(), fields, buttons });
  }
  return forms;
}

export class Browser {
  readonly cookies = new Map<string, string>();
  /** Redirects that left the server (e.g. to the client's redirect URI), or went to `stopAt`. */
  lastExternal: string | undefined;

  /** `stopAt` is a redirect URI on the server's own origin (the admin console's callback) not to be followed. */
  constructor(private readonly origin: string, private readonly stopAt?: string) {}

  private store(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...rest] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = rest.some((p) => /max-age=0\b/i.test(p) || /expires=Thu, 01 Jan 1970/i.test(p));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Requests `url`, following same-origin redirects; stops at an external one or `stopAt` (returned as status 303 page with url set). */
  async request(url: string, init: { method?: string; body?: URLSearchParams; headers?: Record<string, string> } = {}): Promise<Page> {
    let current = url;
    let method = init.method ?? 'GET';
    let body: URLSearchParams | undefined = init.body;
    for (let hops = 0; hops < 20; hops++) {
      const res = await fetch(current, {
        method,
        redirect: 'manual',
        headers: { cookie: this.cookieHeader(), ...(init.headers ?? {}), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(body ? { body } : {}),
      });
      this.store(res.headers);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        const next = new URL(location, current).href;
        if (!next.startsWith(this.origin) || (this.stopAt !== undefined && next.startsWith(this.stopAt))) {
          this.lastExternal = next;
          return { status: res.status, url: next, html: await res.text(), headers: res.headers };
        }
        current = next;
        method = 'GET';
        body = undefined;
        continue;
      }
      return { status: res.status, url: current, html: await res.text(), headers: res.headers };
    }
    throw new Error('too many redirects');
  }

  /** Submits the first form of `page` (or the one whose action includes `actionPart`), overriding fields and pressing a button. */
  async submit(page: Page, fields: Record<string, string>, button?: { name: string; value: string }, actionPart?: string): Promise<Page> {
    const forms = parseForms(page.html, page.url);
    const form = actionPart ? forms.find((f) => f.action.includes(actionPart)) : forms[0];
    if (!form) throw new Error(`no form on ${page.url}: ${page.html.slice(0, 300)}`);
    const body = new URLSearchParams({ ...form.fields, ...fields });
    if (button) body.set(button.name, button.value);
    return this.request(form.action, { method: form.method.toUpperCase(), body });
  }
}
