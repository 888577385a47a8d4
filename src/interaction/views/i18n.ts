/**
 * Interface strings of the interaction pages. English is complete and the fallback; other
 * locales may leave keys out. The locale comes from `ui_locales` (OIDC Core §3.1.2.1) first,
 * then the browser's Accept-Language.
 */
const en = {
  signInTitle: 'Sign in',
  signInTo: 'Sign in to continue to',
  username: 'Username',
  password: 'Password',
  signIn: 'Sign in',
  consentTitle: 'Authorize access',
  consentLead: 'wants to access your account',
  signedInAs: 'Signed in as',
  scopesHeading: 'This will allow it to:',
  allow: 'Allow',
  deny: 'Deny',
  privacy: 'Privacy policy',
  terms: 'Terms of service',
  errorTitle: 'The request could not be completed',
  continue: 'Continue',
  chooseAccount: 'Choose an account',
  continueAs: 'Continue as',
  useAnotherAccount: 'Use another account',
  formPostNote: 'Your browser will continue automatically. If it does not, press Continue.',
  scope_openid: 'Sign you in with your identity',
  scope_profile: 'See your name and basic profile',
  scope_email: 'See your email address',
  scope_phone: 'See your phone number',
  scope_address: 'See your postal address',
  scope_offline_access: 'Stay connected when you are not using it',
  scope_other: 'Use the permission',
  logoutTitle: 'Sign out',
  logoutLead: 'Do you want to sign out?',
  logoutAskedBy: 'asks you to sign out.',
  logoutButton: 'Sign out',
  signedOutTitle: 'You are signed out',
  signedOutLead: 'You have been signed out of your account.',
  signedOutApps: 'Signing you out of the applications you used…',
  accountTitle: 'Your sessions',
  accountNotSignedIn: 'You are not signed in.',
  accountSignedInAt: 'Signed in',
  accountMethods: 'Method',
  accountApps: 'Applications',
  accountNoApps: 'none yet',
  accountThisBrowser: 'This browser',
  accountEndSession: 'End this session',
  accountSessionEnded: 'The session was ended.',
  deviceTitle: 'Connect a device',
  deviceLead: 'Enter the code shown on your device.',
  deviceCodeLabel: 'Code',
  deviceCodeInvalid: 'That code is not valid or has expired. Check the code on your device and try again.',
  deviceCodeThrottled: 'Too many wrong codes. Try again in a few minutes.',
  deviceCompare: 'Check that your device shows this code:',
  deviceApprovedTitle: 'Device connected',
  deviceApprovedLead: 'You can return to your device now.',
  deviceDeniedTitle: 'Access denied',
  deviceDeniedLead: 'The device was not connected to your account.',
  requestGone: 'This request has already been answered or has expired.',
  loginMissing: 'Enter your username and password.',
  loginIncorrect: 'Incorrect username or password.',
  loginThrottledOne: 'Too many sign-in attempts. Try again in 1 minute.',
  loginThrottledMany: 'Too many sign-in attempts. Try again in {n} minutes.',
  cibaApprovedTitle: 'Request approved',
  cibaApprovedLead: 'You can close this page.',
  cibaDeniedTitle: 'Request denied',
  cibaDeniedLead: 'The application was not given access.',
  cibaWrongUser: 'This request is for a different account. Sign in with the account it was sent to.',
  cibaPendingTitle: 'Pending requests',
  cibaNonePending: 'There are no pending requests.',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

const de: Partial<Messages> = {
  signInTitle: 'Anmelden',
  signInTo: 'Melden Sie sich an, um fortzufahren zu',
  username: 'Benutzername',
  password: 'Passwort',
  signIn: 'Anmelden',
  consentTitle: 'Zugriff erlauben',
  consentLead: 'möchte auf Ihr Konto zugreifen',
  signedInAs: 'Angemeldet als',
  scopesHeading: 'Damit wird Folgendes erlaubt:',
  allow: 'Erlauben',
  deny: 'Ablehnen',
  privacy: 'Datenschutz',
  terms: 'Nutzungsbedingungen',
  errorTitle: 'Die Anfrage konnte nicht abgeschlossen werden',
  continue: 'Weiter',
  chooseAccount: 'Konto auswählen',
  continueAs: 'Weiter als',
  useAnotherAccount: 'Anderes Konto verwenden',
  formPostNote: 'Ihr Browser fährt automatisch fort. Falls nicht, klicken Sie auf Weiter.',
  scope_openid: 'Sie mit Ihrer Identität anmelden',
  scope_profile: 'Ihren Namen und Ihr Basisprofil sehen',
  scope_email: 'Ihre E-Mail-Adresse sehen',
  scope_phone: 'Ihre Telefonnummer sehen',
  scope_address: 'Ihre Postanschrift sehen',
  scope_offline_access: 'Verbunden bleiben, wenn Sie es nicht verwenden',
  scope_other: 'Die Berechtigung verwenden',
  logoutTitle: 'Abmelden',
  logoutLead: 'Möchten Sie sich abmelden?',
  logoutAskedBy: 'bittet Sie, sich abzumelden.',
  logoutButton: 'Abmelden',
  signedOutTitle: 'Sie sind abgemeldet',
  signedOutLead: 'Sie wurden von Ihrem Konto abgemeldet.',
  signedOutApps: 'Sie werden von den verwendeten Anwendungen abgemeldet …',
  accountTitle: 'Ihre Sitzungen',
  accountNotSignedIn: 'Sie sind nicht angemeldet.',
  accountSignedInAt: 'Angemeldet',
  accountMethods: 'Methode',
  accountApps: 'Anwendungen',
  accountNoApps: 'noch keine',
  accountThisBrowser: 'Dieser Browser',
  accountEndSession: 'Diese Sitzung beenden',
  accountSessionEnded: 'Die Sitzung wurde beendet.',
  deviceTitle: 'Gerät verbinden',
  deviceLead: 'Geben Sie den Code ein, der auf Ihrem Gerät angezeigt wird.',
  deviceCodeLabel: 'Code',
  deviceCodeInvalid: 'Dieser Code ist ungültig oder abgelaufen. Prüfen Sie den Code auf Ihrem Gerät und versuchen Sie es erneut.',
  deviceCodeThrottled: 'Zu viele falsche Codes. Versuchen Sie es in einigen Minuten erneut.',
  deviceCompare: 'Prüfen Sie, ob Ihr Gerät diesen Code anzeigt:',
  deviceApprovedTitle: 'Gerät verbunden',
  deviceApprovedLead: 'Sie können jetzt zu Ihrem Gerät zurückkehren.',
  deviceDeniedTitle: 'Zugriff verweigert',
  deviceDeniedLead: 'Das Gerät wurde nicht mit Ihrem Konto verbunden.',
  requestGone: 'Diese Anfrage wurde bereits beantwortet oder ist abgelaufen.',
  loginMissing: 'Geben Sie Ihren Benutzernamen und Ihr Passwort ein.',
  loginIncorrect: 'Benutzername oder Passwort ist falsch.',
  loginThrottledOne: 'Zu viele Anmeldeversuche. Versuchen Sie es in 1 Minute erneut.',
  loginThrottledMany: 'Zu viele Anmeldeversuche. Versuchen Sie es in {n} Minuten erneut.',
  cibaApprovedTitle: 'Anfrage bestätigt',
  cibaApprovedLead: 'Sie können diese Seite schließen.',
  cibaDeniedTitle: 'Anfrage abgelehnt',
  cibaDeniedLead: 'Die Anwendung hat keinen Zugriff erhalten.',
  cibaWrongUser: 'Diese Anfrage gilt für ein anderes Konto. Melden Sie sich mit dem Konto an, an das sie gesendet wurde.',
  cibaPendingTitle: 'Offene Anfragen',
  cibaNonePending: 'Es gibt keine offenen Anfragen.',
};

const CATALOGUE: Record<string, Partial<Messages>> = { en, de };
export const SUPPORTED_LOCALES = Object.keys(CATALOGUE);

export interface Locale {
  tag: string;
  t: Messages;
}

function localeFor(tag: string): Locale {
  return { tag, t: { ...en, ...CATALOGUE[tag] } };
}

function match(candidates: Iterable<string>): string | undefined {
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    if (CATALOGUE[lower]) return lower;
    const primary = lower.split('-')[0] ?? '';
    if (CATALOGUE[primary]) return primary;
  }
  return undefined;
}

function acceptLanguage(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((e) => e.tag && e.tag !== '*' && e.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((e) => e.tag);
}

export function pickLocale(uiLocales: string | undefined, acceptLanguageHeader: string | undefined): Locale {
  const fromUi = uiLocales ? match(uiLocales.split(' ').filter(Boolean)) : undefined;
  return localeFor(fromUi ?? match(acceptLanguage(acceptLanguageHeader)) ?? 'en');
}

export function scopeDescription(locale: Locale, scope: string): string {
  const key = `scope_${scope}` as MessageKey;
  return key in locale.t ? locale.t[key] : `${locale.t.scope_other} “${scope}”`;
}
