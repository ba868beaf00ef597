export interface ConsentOptions {
  /** Have the mock platform issue this access token, so the API fake can recognise it. */
  accessToken?: string;
  /** The user clicks "Cancel" on the consent screen. */
  deny?: boolean;
}

/** What the platform redirected the browser to: our callback and its query. */
export interface ConsentRedirect {
  callbackUrl: string;
  query: Record<string, string>;
}

/**
 * Plays the user's browser on the platform's consent screen: GET the authorization URL,
 * do not follow the redirect, and read `redirect_uri?code=..&state=..` from Location.
 */
export async function consentInBrowser(
  authorizationUrl: string,
  options: ConsentOptions = {},
): Promise<ConsentRedirect> {
  const url = new URL(authorizationUrl);
  if (options.accessToken) url.searchParams.set('x_test_access_token', options.accessToken);
  if (options.deny) url.searchParams.set('x_test_decision', 'deny');
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status < 300 || response.status >= 400 || !location) {
    throw new Error(`Consent screen answered ${response.status}: ${await response.text()}`);
  }
  const callback = new URL(location);
  const callbackUrl = `${callback.origin}${callback.pathname}`;
  return { callbackUrl, query: Object.fromEntries(callback.searchParams) };
}
