// panva's oidc-provider as the benchmark's reference: one confidential client, one account, a login
// form of our own (devInteractions off) and consent granted with the login. In-memory storage, loopback.
//
//   BENCH_PORT=6161 BENCH_CLIENT_ID=bench BENCH_CLIENT_SECRET=... BENCH_REDIRECT_URI=... \
//   BENCH_LOGIN=+79161234567 BENCH_PASSWORD=... node provider.mjs
import { generateKeyPairSync, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const port = Number(env('BENCH_PORT'));
const issuer = `http://127.0.0.1:${port}`;
const login = env('BENCH_LOGIN');
const password = Buffer.from(env('BENCH_PASSWORD'));
const accountId = 'bench-account';
const claims = {
  sub: accountId,
  family_name: 'Иванова',
  given_name: 'Мария',
  middle_name: 'Петровна',
  name: 'Иванова Мария Петровна',
  email: 'maria@example.ru',
  email_verified: true,
  phone_number: login,
  phone_number_verified: true,
};
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

const provider = new Provider(issuer, {
  clients: [{
    client_id: env('BENCH_CLIENT_ID'),
    client_secret: env('BENCH_CLIENT_SECRET'),
    redirect_uris: [env('BENCH_REDIRECT_URI')],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: ['fedlab-bench-oidc-provider-cookie-key'] },
  claims: {
    openid: ['sub'],
    profile: ['family_name', 'given_name', 'middle_name', 'name'],
    email: ['email', 'email_verified'],
    phone: ['phone_number', 'phone_number_verified'],
  },
  scopes: ['openid', 'profile', 'email', 'phone'],
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    if (id !== accountId) return undefined;
    return { accountId, claims: async () => claims };
  },
});

const page = (uid) => `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Вход</title></head>
<body><form method="post" action="/interaction/${uid}/login">
<input name="login" type="text"><input name="password" type="password"><button type="submit">Войти</button>
</form></body></html>`;

async function form(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

// The login form and its POST; consent is granted together with the login (the scopes asked for).
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(ctx.path);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (!match[2] && ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = page(details.uid);
    return undefined;
  }
  if (!(match[2] && ctx.method === 'POST')) return next();
  const body = await form(ctx.req);
  const given = Buffer.from(body.get('password') || '');
  const ok = body.get('login') === login && given.length === password.length && timingSafeEqual(given, password);
  if (!ok) {
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = page(details.uid);
    return undefined;
  }
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const result = { login: { accountId }, consent: { grantId: await grant.save() } };
  const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  ctx.status = 303;
  ctx.redirect(to);
  return undefined;
});

createServer(provider.callback()).listen(port, '127.0.0.1', () => {
  process.stdout.write(`oidc-provider listening on ${issuer}\n`);
});
