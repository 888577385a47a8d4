/**
 * The device verification pages (RFC 8628 §3.3, CONTRACT.md §3): enter the user code (or
 * arrive with it filled in), then sign in and approve on the shared login and consent pages,
 * then a page that says what happened.
 */
import { html } from './html.ts';
import { alert, formStart, layout, type Frame, type FormFrame } from './pages.ts';

export interface DeviceCodePageInput extends FormFrame {
  tenantName: string;
  userCode?: string;
  error?: string;
}

export function deviceCodePage(input: DeviceCodePageInput): string {
  const { t } = input.locale;
  return layout(
    input,
    t.deviceTitle,
    html`<header><h1>${t.deviceTitle}</h1><p class="muted">${t.deviceLead}</p></header>
${alert(input.error)}
${formStart(input)}
<label for="user_code">${t.deviceCodeLabel}</label>
<input type="text" id="user_code" name="user_code" value="${input.userCode ?? ''}" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" maxlength="32" required autofocus>
<button type="submit">${t.continue}</button>
</form>
<p class="muted center">${input.tenantName}</p>`,
  );
}

export interface OutcomePageInput extends Frame {
  title: string;
  message: string;
}

/** The last page of a device or CIBA approval: what happened, and nothing to do. */
export function outcomePage(input: OutcomePageInput): string {
  return layout(
    input,
    input.title,
    html`<header><h1>${input.title}</h1></header>
<p role="status">${input.message}</p>`,
  );
}
