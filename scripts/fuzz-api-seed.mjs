// Gives the fuzzer something to find, through the local sandbox as a user would: in the main
// workspace an X account (the main one) and a TikTok account, and a Facebook Pages selection
// left open; in the breach workspace an Instagram account. Prints their ids as shell
// assignments for scripts/fuzz-api.sh.
// Usage: node scripts/fuzz-api-seed.mjs <baseUrl> <workspace> <breachWorkspace> <token>
const [base, mainWorkspace, breachWorkspace, token] = process.argv.slice(2);
if (!base || !mainWorkspace || !breachWorkspace || !token) {
  console.error('usage: fuzz-api-seed.mjs <baseUrl> <workspace> <breachWorkspace> <token>');
  process.exit(2);
}

async function expectJson(response, status, what) {
  const text = await response.text();
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status}: ${text.slice(0, 500)}`);
  }
  return JSON.parse(text);
}

/**
 * Start OAuth, approve at the sandbox's consent page, follow it back to the callback as the
 * same browser: with the binding cookie the start set (docs/decisions/0008).
 */
async function connect(platform, workspace = mainWorkspace) {
  const started = await fetch(`${base}/v1/workspaces/${workspace}/connections/oauth/${platform}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: '{}',
  });
  const { authorizationUrl, sandbox } = await expectJson(started, 201, `start ${platform}`);
  if (sandbox !== true) throw new Error(`${platform} does not run in the sandbox here`);
  const consent = new URL(authorizationUrl);
  consent.searchParams.set('approve', '1');
  const approved = await fetch(consent, { redirect: 'manual' });
  const callback = approved.headers.get('location');
  if (approved.status !== 302 || !callback) {
    throw new Error(`approve ${platform}: expected a redirect, got ${approved.status}`);
  }
  const cookie = started.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  return expectJson(
    await fetch(callback, { headers: { Cookie: cookie } }),
    200,
    `callback ${platform}`,
  );
}

const x = await connect('x');
const tiktok = await connect('tiktok');
const facebook = await connect('facebook');
const instagram = await connect('instagram', breachWorkspace);
const ids = {
  FUZZ_CONNECTION_ID: x.connections?.[0]?.id,
  FUZZ_DISPOSABLE_CONNECTION_ID: tiktok.connections?.[0]?.id,
  FUZZ_SELECTION_ID: facebook.selection?.id,
  FUZZ_BREACH_CONNECTION_ID: instagram.connections?.[0]?.id,
};
for (const [name, id] of Object.entries(ids)) {
  if (!id) throw new Error(`no ${name}: ${JSON.stringify({ x, tiktok, facebook, instagram })}`);
  console.log(`${name}=${id}`);
}
