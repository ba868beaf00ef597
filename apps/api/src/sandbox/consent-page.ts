import type { SandboxPlatform } from './sandbox-platform';

/**
 * The sandbox's consent screen: unmistakably not the platform, listing the fake accounts the
 * user would share, with Approve and Deny links back to the same authorize endpoint.
 */
export function consentPage(
  platform: SandboxPlatform,
  approveUrl: string,
  denyUrl: string,
): string {
  const title = `SANDBOX — not ${platform.label}`;
  const accounts = platform.accounts.map((a) => `<li>${escapeHtml(a)}</li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}
.banner{background:#b00020;color:#fff;padding:.75rem 1rem;font-weight:bold;border-radius:.25rem}
a.button{display:inline-block;margin-right:1rem;padding:.5rem 1.25rem;border-radius:.25rem;text-decoration:none}
.approve{background:#1a7f37;color:#fff}.deny{border:1px solid #888;color:#333}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="banner">This is the Connection Ledger sandbox for a local run. It is not ${escapeHtml(platform.label)}: no real account, token or post is involved.</p>
<p>Approving connects these fake ${escapeHtml(platform.label)} accounts:</p>
<ul>${accounts}</ul>
<p><a class="button approve" href="${escapeHtml(approveUrl)}">Approve</a><a class="button deny" href="${escapeHtml(denyUrl)}">Deny</a></p>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
