// An OpenID Connect provider on this machine, configured like ID-porten, for Vegviser's tests and for
// development. Never for production: anyone may log in as any identity number, at any level.
//
// Like ID-porten (https://docs.digdir.no/docs/idporten/oidc/oidc_guide_idporten): authorisation code flow
// with PKCE S256 required, the levels idporten-loa-substantial and idporten-loa-high in `acr`, the identity
// number in the `pid` claim of the ID token, a pairwise `sub`, RS256 signatures and RP-initiated logout.
// The login page stands in for the eID (like ID-porten's test eID, "TestID"): type an identity number, choose
// a level.
//
// Environment: OIDC_PROVIDER_PORT (default 8400), OIDC_PROVIDER_CLIENTS (JSON list of client registrations;
// default: Vegviser at VEGVISER_URL, default http://127.0.0.1:8000, as `make run` starts it; see
// docs/deploy.md). Prints "ready <issuer>" when it listens.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const LEVELS = ['idporten-loa-substantial', 'idporten-loa-high'];
const port = Number(process.env.OIDC_PROVIDER_PORT || 8400);
const issuer = `http://127.0.0.1:${port}`;

const site = process.env.VEGVISER_URL || 'http://127.0.0.1:8000';
const developmentClients = [
  {
    client_id: 'vegviser',
    client_secret: 'vegviser-development-secret',
    redirect_uris: [`${site}/account/idporten/callback/`],
    post_logout_redirect_uris: [`${site}/account/login/`],
  },
];
const clients = (process.env.OIDC_PROVIDER_CLIENTS
  ? JSON.parse(process.env.OIDC_PROVIDER_CLIENTS)
  : developmentClients
).map((client) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  id_token_signed_response_alg: 'RS256',
  subject_type: 'pairwise',
  ...client,
}));

// A fresh signing key at every start: the client reads it from the provider's JWKS, as with ID-porten.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: randomBytes(8).toString('hex') };

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><h1>${escape(title)}</h1>${body}</body></html>`;

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  acrValues: LEVELS,
  scopes: ['openid', 'profile'],
  claims: { openid: ['sub', 'pid', 'locale'] },
  // As ID-porten: the identity number comes in the ID token, not only from the userinfo endpoint.
  conformIdTokenClaims: false,
  subjectTypes: ['public', 'pairwise'],
  pairwiseIdentifier: async (ctx, accountId, client) =>
    (await import('node:crypto')).createHash('sha256').update(`${client.sectorIdentifier}:${accountId}`).digest('base64url'),
  pkce: { required: () => true },
  findAccount: async (ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, pid: id }) }),
  // A first-party test provider: the login is the consent.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope || 'openid');
    grant.addOIDCClaims(['pid', 'locale']);
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Log out of the test provider?', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Log out</button>`);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = page('Logged out', '<p>You are logged out of the test provider.</p>');
      },
    },
  },
});

async function formBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

// The login page: what an eID does, in one form.
provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    const asked = String(details.params.acr_values || '').split(' ').filter((level) => LEVELS.includes(level));
    const options = LEVELS.map((level) => `<option value="${level}"${asked.includes(level) ? ' selected' : ''}>${level}</option>`).join('');
    ctx.type = 'html';
    ctx.body = page('Test eID', `<form method="post" action="/interaction/${details.uid}/login">
<label>Identity number <input name="pid" inputmode="numeric" autocomplete="off" required></label>
<label>Level <select name="acr">${options}</select></label>
<button type="submit">Log in</button></form>`);
    return undefined;
  }
  if (ctx.method === 'POST' && match[2]) {
    const form = await formBody(ctx.req);
    const pid = form.get('pid') || '';
    const acr = form.get('acr') || '';
    if (!/^\d{11}$/.test(pid) || !LEVELS.includes(acr)) {
      ctx.status = 400;
      ctx.body = page('Test eID', '<p>An identity number has 11 digits, and the level is one of the two.</p>');
      return undefined;
    }
    return provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: pid, acr, amr: ['TestID'] } }, { mergeWithLastSubmission: false });
  }
  return next();
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
