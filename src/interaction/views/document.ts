/** The HTML document every server-rendered page sits in: the interaction pages and the admin console alike. */
import { html, type SafeHtml } from './html.ts';

export interface DocumentInput {
  /** BCP 47 tag of the page's language. */
  lang: string;
  title: string;
  /** The page's styles: a stylesheet, or one inline style allowed by a CSP nonce. */
  styles: { href: string } | { nonce: string; css: string };
  /** What goes inside `<body>`. */
  body: SafeHtml;
}

/** A complete page: no referrer is sent from it, and its only styles are `styles`. */
export function htmlDocument(input: DocumentInput): string {
  const styles = 'href' in input.styles ? html`<link rel="stylesheet" href="${input.styles.href}">` : html`<style nonce="${input.styles.nonce}">${input.styles.css}</style>`;
  return html`<!doctype html>
<html lang="${input.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${input.title}</title>
${styles}
</head>
<body>
${input.body}
</body>
</html>`.value;
}
