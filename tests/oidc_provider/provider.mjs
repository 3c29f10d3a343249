// A TEST identity provider: a real OpenID provider (oidc-provider, OpenID
// Certified) on loopback, standing in for VNeID, which has no public test
// endpoint. Used by the tests (tests/oidc.py starts it) and by
// `make run VNEID_DEV_PROVIDER=1`. Never a real identity: the accounts below
// are invented, and every page says "nhà cung cấp THỬ NGHIỆM".
//
// Environment:
//   PORT              loopback port (required)
//   CLIENTS_JSON      the registered relying parties, oidc-provider client metadata
//   JWKS_FILE         the signing keys ({"keys": [...]}, private); the first signs,
//                     the others are still published: restart with a new first key
//                     to rotate. Unset: one RSA key made at start.
//   TEST_CONTROL=1    /__control?delay_ms=..&fail=token lets a test make the
//                     provider slow or failing without restarting it.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;

// Test accounts: the login is the password. Level "2" is a full (level 2)
// e-ID, "1" a limited one. ID numbers agree with the birth date and sex.
const ACCOUNTS = {
  muc2: {
    level: '2',
    claims: {
      name: 'Nguyễn Văn An',
      personal_id: '019090001234',
      birthdate: '1990-05-12',
      gender: 'male',
      phone_number: '+84912345678',
      address: { formatted: 'Xóm Làng Mới, xã Văn Lăng, tỉnh Thái Nguyên' },
    },
  },
  me: {
    level: '2',
    claims: {
      name: 'Trần Thị Bình',
      personal_id: '019195004321',
      birthdate: '1995-03-08',
      gender: 'female',
      phone_number: '+84987654321',
      address: { formatted: 'Xóm Hòa Bình, xã Văn Lăng, tỉnh Thái Nguyên' },
    },
  },
  // Level 2 without a phone number in the identity.
  khongso: {
    level: '2',
    claims: {
      name: 'Phạm Văn Dũng',
      personal_id: '019200001111',
      birthdate: '2000-01-01',
      gender: 'male',
      address: { formatted: 'Xóm Làng Mới, xã Văn Lăng, tỉnh Thái Nguyên' },
    },
  },
  muc1: {
    level: '1',
    claims: {
      name: 'Lê Văn Cường',
      personal_id: '019088007777',
      birthdate: '1988-11-20',
      gender: 'male',
      phone_number: '+84911222333',
      address: { formatted: 'Xóm Đồng Mỏ, xã Văn Lăng, tỉnh Thái Nguyên' },
    },
  },
};

function signingKeys() {
  if (process.env.JWKS_FILE) return JSON.parse(readFileSync(process.env.JWKS_FILE, 'utf8'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: `dev-${Date.now()}`, use: 'sig' }] };
}

const control = { delayMs: 0, fail: '' };

const page = (title, body) => `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:1rem auto;padding:0 1rem}
.banner{background:#fde68a;padding:.5rem;border:2px dashed #92400e}label,input,button{display:block;margin:.5rem 0;font-size:1rem}</style>
</head><body><p class="banner"><strong>Nhà cung cấp định danh THỬ NGHIỆM</strong> (không phải VNeID thật; chỉ dùng để thử).</p>
${body}</body></html>`;

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const configuration = {
  clients: JSON.parse(process.env.CLIENTS_JSON || '[]'),
  jwks: signingKeys(),
  cookies: { keys: [randomBytes(32).toString('hex')] },
  acrValues: ['1', '2'],
  scopes: ['openid', 'profile', 'phone', 'address', 'vneid'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'birthdate', 'gender'],
    phone: ['phone_number'],
    address: ['address'],
    vneid: ['personal_id'],
  },
  // The claims go in the (signed) ID token itself, not only from userinfo.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Đăng xuất', `<h1>Đăng xuất khỏi nhà cung cấp thử nghiệm?</h1>${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Đăng xuất</button>`);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = page('Đã đăng xuất', '<h1>Đã đăng xuất khỏi nhà cung cấp thử nghiệm</h1>');
      },
    },
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('Lỗi', `<h1>Lỗi</h1><p>${esc(out.error)}: ${esc(out.error_description || '')}</p>`);
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: async (ctx, sub) => {
    const account = ACCOUNTS[sub];
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account.claims }) };
  },
  ttl: { AuthorizationCode: 60, IdToken: 600, AccessToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
};

const provider = new Provider(issuer, configuration);

async function formBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

provider.use(async (ctx, next) => {
  if (process.env.TEST_CONTROL === '1' && ctx.path === '/__control') {
    control.delayMs = Number(ctx.query.delay_ms || 0);
    control.fail = String(ctx.query.fail || '');
    ctx.body = { ok: true };
    return;
  }
  if (ctx.path === '/token' || ctx.path.startsWith('/.well-known') || ctx.path === '/jwks') {
    if (control.delayMs) await new Promise((r) => setTimeout(r, control.delayMs));
    if (control.fail === 'token' && ctx.path === '/token') {
      ctx.status = 500;
      ctx.body = { error: 'server_error', error_description: 'test failure' };
      return;
    }
  }
  const match = ctx.path.match(/^\/interaction\/([\w-]+)$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.prompt.name === 'consent') {
    // A government identity asks no consent of its own here: grant what was asked.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    return provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  if (ctx.method === 'POST') {
    const form = await formBody(ctx.req);
    if (form.get('cancel')) {
      return provider.interactionFinished(ctx.req, ctx.res, {
        error: 'access_denied', error_description: 'cancelled at the provider',
      }, { mergeWithLastSubmission: false });
    }
    const login = form.get('login') || '';
    const account = ACCOUNTS[login];
    if (account && form.get('password') === login) {
      return provider.interactionFinished(ctx.req, ctx.res, {
        login: { accountId: login, acr: account.level, amr: ['pwd'] },
      }, { mergeWithLastSubmission: false });
    }
  }
  ctx.type = 'html';
  ctx.body = page('Đăng nhập thử nghiệm', `<h1>Đăng nhập (thử nghiệm)</h1>
<p>Tài khoản thử: <code>muc2</code> (mức 2), <code>me</code> (mức 2), <code>muc1</code> (mức 1); mật khẩu giống tên tài khoản.</p>
<form method="post" action="/interaction/${esc(match[1])}">
<label for="login">Tên tài khoản thử</label><input id="login" name="login" autocomplete="off">
<label for="password">Mật khẩu</label><input id="password" name="password" type="password">
<button type="submit">Đăng nhập</button>
<button type="submit" name="cancel" value="1">Hủy</button>
</form>`);
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`test OpenID provider on ${issuer}`);
});
