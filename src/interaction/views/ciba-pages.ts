/**
 * The list of a user's pending CIBA requests (CONTRACT.md §4: without a webhook the user finds
 * them here). Each request is its own form with the binding message, the scopes, and the same
 * allow and deny buttons as the consent page.
 */
import { html } from './html.ts';
import { scopeDescription } from './i18n.ts';
import { formStart, layout, type Frame } from './pages.ts';

export interface PendingItem {
  clientName: string;
  bindingMessage: string | null;
  scopes: readonly string[];
  /** Hidden fields of this request's form (the sealed reference). */
  hidden: Record<string, string>;
}

export interface PendingRequestsPageInput extends Frame {
  action: string;
  csrf: string;
  userName: string;
  items: readonly PendingItem[];
}

export function pendingRequestsPage(input: PendingRequestsPageInput): string {
  const { t } = input.locale;
  return layout(
    input,
    t.cibaPendingTitle,
    html`<header><h1>${t.cibaPendingTitle}</h1><p class="muted">${t.signedInAs} <strong>${input.userName}</strong></p></header>
${input.items.length === 0 ? html`<p role="status">${t.cibaNonePending}</p>` : ''}
${input.items.map(
  (item) => html`<section>
<h2>${item.clientName}</h2>
${item.bindingMessage ? html`<p class="binding">${item.bindingMessage}</p>` : ''}
<ul class="scopes">
${item.scopes.map((scope) => html`<li>${scopeDescription(input.locale, scope)}<code>${scope}</code></li>`)}
</ul>
${formStart({ ...input, hidden: item.hidden })}
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">${t.deny}</button>
<button type="submit" name="decision" value="allow">${t.allow}</button>
</div>
</form>
</section>`,
)}`,
  );
}
