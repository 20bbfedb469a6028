// An OpenID Connect provider on this machine, configured like ID-porten or like HelseID, for Vegviser's tests
// and for development. Never for production: anyone may log in as any identity or HPR number, at any level.
//
// Like ID-porten (OIDC_PROVIDER_PROFILE=idporten, the default; https://docs.digdir.no/docs/idporten/oidc/
// oidc_guide_idporten): authorisation code flow with PKCE S256 required, the levels idporten-loa-substantial
// and idporten-loa-high in `acr`, the identity number in the `pid` claim of the ID token, a pairwise `sub`,
// RS256 signatures and RP-initiated logout. The login page stands in for the eID (like ID-porten's test eID,
// "TestID"): type an identity number, choose a level.
//
// Like HelseID (OIDC_PROVIDER_PROFILE=helseid; https://utviklerportal.nhn.no, HelseID): as above, and pushed
// authorisation requests required, clients authenticated with private_key_jwt, access tokens bound to the
// client's key with DPoP (with the provider's nonce), the HPR number, the security level (3 or 4) and the
// organisation numbers (main unit and sub-unit) in HelseID's claims in the ID token. The login page takes the
// HPR number, the level and the organisation the professional logs in for.
//
// Environment: OIDC_PROVIDER_PORT (default 8400, or 8401 like HelseID), OIDC_PROVIDER_CLIENTS (JSON list of
// client registrations; default: Vegviser at VEGVISER_URL, default http://127.0.0.1:8000, as `make run`
// starts it, with for HelseID the public half of the key in HELSEID_CLIENT_KEY_FILE, made there at the first
// start; see docs/deploy.md). Prints "ready <issuer>" when it listens.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const HELSEID = process.env.OIDC_PROVIDER_PROFILE === 'helseid';
const LEVELS = HELSEID ? ['3', '4'] : ['idporten-loa-substantial', 'idporten-loa-high'];
const HPR_NUMBER = 'helseid://claims/hpr/hpr_number';
const SECURITY_LEVEL = 'helseid://claims/identity/security_level';
const ORGANISATION_PARENT = 'helseid://claims/client/claims/orgnr_parent';
const ORGANISATION_CHILD = 'helseid://claims/client/claims/orgnr_child';
const port = Number(process.env.OIDC_PROVIDER_PORT || (HELSEID ? 8401 : 8400));
const issuer = `http://127.0.0.1:${port}`;

const newKey = () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: randomBytes(8).toString('hex') };
};
const publicHalf = ({ kty, n, e, use, alg, kid }) => ({ kty, n, e, use, alg, kid });

// For development: the client's key pair made once, its private half for Vegviser (HELSEID_PRIVATE_KEY_FILE).
function developmentClientKey() {
  const file = process.env.HELSEID_CLIENT_KEY_FILE || '../../var/helseid-client-key.json';
  if (!existsSync(file)) writeFileSync(file, JSON.stringify(newKey()), { mode: 0o600 });
  return publicHalf(JSON.parse(readFileSync(file, 'utf8')));
}

const site = process.env.VEGVISER_URL || 'http://127.0.0.1:8000';
const developmentClients = () => [
  HELSEID
    ? {
      client_id: 'vegviser',
      jwks: { keys: [developmentClientKey()] },
      redirect_uris: [`${site}/account/helseid/callback/`],
      post_logout_redirect_uris: [`${site}/account/login/`],
    }
    : {
      client_id: 'vegviser',
      client_secret: 'vegviser-development-secret',
      redirect_uris: [`${site}/account/idporten/callback/`],
      post_logout_redirect_uris: [`${site}/account/login/`],
    },
];
const clients = (process.env.OIDC_PROVIDER_CLIENTS
  ? JSON.parse(process.env.OIDC_PROVIDER_CLIENTS)
  : developmentClients()
).map((client) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  id_token_signed_response_alg: 'RS256',
  subject_type: 'pairwise',
  ...(HELSEID
    ? {
      token_endpoint_auth_method: 'private_key_jwt',
      require_pushed_authorization_requests: true,
      dpop_bound_access_tokens: true,
    }
    : { token_endpoint_auth_method: 'client_secret_basic' }),
  ...client,
}));

// A fresh signing key at every start: the client reads it from the provider's JWKS, as with the real ones.
const signingKey = newKey();

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><h1>${escape(title)}</h1>${body}</body></html>`;

// What each professional last logged in with at the HelseID-like login page: level and organisation.
const logins = new Map();
const CLAIMS = HELSEID
  ? {
    openid: ['sub', ORGANISATION_PARENT, ORGANISATION_CHILD],
    'helseid://scopes/hpr/hpr_number': [HPR_NUMBER],
    'helseid://scopes/identity/security_level': [SECURITY_LEVEL],
  }
  : { openid: ['sub', 'pid', 'locale'] };
const accountClaims = (id) => {
  if (!HELSEID) return { sub: id, pid: id };
  const { level, parent, child } = logins.get(id) || {};
  return {
    sub: id,
    [HPR_NUMBER]: id,
    [SECURITY_LEVEL]: level,
    ...(parent ? { [ORGANISATION_PARENT]: parent } : {}),
    ...(child ? { [ORGANISATION_CHILD]: child } : {}),
  };
};

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  acrValues: HELSEID ? [] : LEVELS,
  scopes: ['openid', 'profile', ...Object.keys(CLAIMS).filter((scope) => scope !== 'openid')],
  claims: CLAIMS,
  // As ID-porten and HelseID: the claims come in the ID token, not only from the userinfo endpoint.
  conformIdTokenClaims: false,
  subjectTypes: ['public', 'pairwise'],
  pairwiseIdentifier: async (ctx, accountId, client) =>
    createHash('sha256').update(`${client.sectorIdentifier}:${accountId}`).digest('base64url'),
  pkce: { required: () => true },
  findAccount: async (ctx, id) => ({ accountId: id, claims: async () => accountClaims(id) }),
  // A first-party test provider: the login is the consent.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope || 'openid');
    grant.addOIDCClaims(Object.values(CLAIMS).flat());
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: HELSEID },
    // As HelseID: the proof must carry the provider's nonce, which the first token request is answered with.
    dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => HELSEID },
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
    ctx.type = 'html';
    if (HELSEID) {
      const options = LEVELS.map((level) => `<option value="${level}"${level === '4' ? ' selected' : ''}>${level}</option>`).join('');
      ctx.body = page('Test HelseID', `<form method="post" action="/interaction/${details.uid}/login">
<label>HPR number <input name="hpr" inputmode="numeric" autocomplete="off" required></label>
<label>Security level <select name="level">${options}</select></label>
<label>Organisation number (main unit) <input name="parent" inputmode="numeric" autocomplete="off"></label>
<label>Organisation number (sub-unit) <input name="child" inputmode="numeric" autocomplete="off"></label>
<button type="submit">Log in</button></form>`);
      return undefined;
    }
    const asked = String(details.params.acr_values || '').split(' ').filter((level) => LEVELS.includes(level));
    const options = LEVELS.map((level) => `<option value="${level}"${asked.includes(level) ? ' selected' : ''}>${level}</option>`).join('');
    ctx.body = page('Test eID', `<form method="post" action="/interaction/${details.uid}/login">
<label>Identity number <input name="pid" inputmode="numeric" autocomplete="off" required></label>
<label>Level <select name="acr">${options}</select></label>
<button type="submit">Log in</button></form>`);
    return undefined;
  }
  if (ctx.method === 'POST' && match[2]) {
    const form = await formBody(ctx.req);
    if (HELSEID) {
      const hpr = form.get('hpr') || '';
      const level = form.get('level') || '';
      const parent = form.get('parent') || '';
      const child = form.get('child') || '';
      const organisation = (number) => number === '' || /^\d{9}$/.test(number);
      if (!/^\d{4,9}$/.test(hpr) || !LEVELS.includes(level) || !organisation(parent) || !organisation(child)) {
        ctx.status = 400;
        ctx.body = page('Test HelseID', '<p>An HPR number has 4 to 9 digits, an organisation number 9, and the level is 3 or 4.</p>');
        return undefined;
      }
      logins.set(hpr, { level, parent, child });
      return provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: hpr, amr: ['TestID'] } }, { mergeWithLastSubmission: false });
    }
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
