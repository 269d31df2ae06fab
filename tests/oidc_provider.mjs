// A real OpenID Connect provider on loopback for the sign-in browser tests (tests/browser/test_signin.py):
// the npm package oidc-provider (package.json, package-lock.json; `npm ci` in scripts/test.sh).
//
//   node tests/oidc_provider.mjs PORT REDIRECT_URI [REDIRECT_URI ...]
//
// Issuer http://localhost:PORT. One client, "trustcore" / "trustcore-test-secret", whose redirect URIs are
// the given callback addresses (each also registered as a post-logout redirect URI: Streamlit's st.logout
// comes back to it). The login page (devInteractions) takes any login: type an e-mail address and it is the
// account's `sub` and `email`, both in the ID token (st.user is built from the ID token's claims alone).
// Consent is granted without a page. Prints "ready" once it listens.
import Provider from 'oidc-provider';

const [port, ...redirects] = process.argv.slice(2);
if (!port || redirects.length === 0) {
  console.error('usage: node tests/oidc_provider.mjs PORT REDIRECT_URI [REDIRECT_URI ...]');
  process.exit(2);
}
const issuer = `http://localhost:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'trustcore',
      client_secret: 'trustcore-test-secret',
      redirect_uris: redirects,
      post_logout_redirect_uris: redirects.flatMap((uri) => [uri, uri.replace(/oauth2callback$/, '')]),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  conformIdTokenClaims: false, // the scopes' claims go into the ID token, not only to the userinfo endpoint
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: true, name: id.split('@')[0] };
      },
    };
  },
  async loadExistingGrant(ctx) {
    // a first-party client: no consent page, the requested scopes are granted
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['sub', 'email', 'email_verified', 'name']);
    await grant.save();
    return grant;
  },
  pkce: { required: () => false },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['trustcore-test-cookie-key'] },
});
provider.proxy = false;

provider.listen(Number(port), '127.0.0.1', () => {
  console.log('ready');
});
