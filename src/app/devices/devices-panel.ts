// The Devices panel: share topics with this person's other devices over NATS. Settings (server, this
// device's name, topics, credentials) are kept in this browser's settings table like the cloud endpoints;
// private events cross only after the consent box is ticked, and unticking stops them at once.
import type { BridgeApi, BridgeHandle, BridgeStats, SentioDb } from '../../index';
import { el, section } from '../dom';
import { inputField, selectField } from '../settings/form';
import {
  AUTH_KINDS,
  DEFAULT_DEVICE_SETTINGS,
  EXPRESSION_STEP,
  readDeviceSettings,
  toBridgeOptions,
  type AuthKind,
  type DeviceSettings,
} from './device-settings';

const KEY = 'bridge.settings';
const P = 'devices';

const DEFAULTS: DeviceSettings = {
  ...DEFAULT_DEVICE_SETTINGS,
  server: (import.meta.env.VITE_SENTIO_NATS_URL as string | undefined) ?? DEFAULT_DEVICE_SETTINGS.server,
};

function checkbox(key: string, label: string): { input: HTMLInputElement; row: HTMLElement } {
  const input = el('input', { testId: `${P}-${key}`, attrs: { type: 'checkbox', id: `${P}-${key}` } });
  const row = el(
    'div',
    { className: 'form-row' },
    input,
    el('label', { text: label, attrs: { for: `${P}-${key}` } }),
  );
  return { input, row };
}

function describeStats(st: BridgeStats): string[] {
  const kv = (m: Record<string, number>) =>
    Object.entries(m)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  return [
    `exported ${st.exported}, imported ${st.imported}, duplicates dropped ${st.duplicates}`,
    `outbox ${st.outboxDepth}`,
    `withheld: ${kv(st.withheld)}`,
    `refused on arrival: ${kv(st.rejected)}`,
  ];
}

export function createDevicesPanel(bridge: BridgeApi, db: SentioDb): HTMLElement {
  const f = {
    server: inputField('server', 'NATS server (wss://, or ws:// on this machine)', P, { type: 'url' }),
    device: inputField('device', 'This device’s name', P, { autocomplete: 'off' }),
    exportTopics: inputField('exportTopics', 'Send these topics', P),
    importTopics: inputField('importTopics', 'Receive these topics', P),
    durableTopics: inputField('durableTopics', 'Durable (caught up after being offline)', P),
  };
  const auth = selectField('auth', 'Sign in with', P, AUTH_KINDS);
  const user = inputField('user', 'User', P, { autocomplete: 'off' });
  const secret = inputField('secret', 'Token', P, { type: 'password', autocomplete: 'off' });
  const credsInput = el('textarea', {
    testId: `${P}-creds`,
    attrs: { id: `${P}-creds`, rows: '4', spellcheck: 'false', autocomplete: 'off' },
  });
  const creds = {
    input: credsInput,
    row: el(
      'div',
      { className: 'form-row' },
      el('label', { text: 'Credentials file (kept in this browser)', attrs: { for: `${P}-creds` } }),
      credsInput,
    ),
  };
  const SECRET_LABEL: Record<AuthKind, string> = {
    none: '',
    token: 'Token (kept in this browser)',
    user: 'Password (kept in this browser)',
    nkey: 'NKey seed, "SU…" (kept in this browser)',
    creds: '',
  };
  /** Only the fields the chosen kind of sign-in uses are shown. */
  const showAuthFields = () => {
    const kind = auth.input.value as AuthKind;
    user.row.hidden = kind !== 'user';
    secret.row.hidden = kind === 'none' || kind === 'creds';
    creds.row.hidden = kind !== 'creds';
    const label = secret.row.querySelector('label');
    if (label) label.textContent = SECRET_LABEL[kind];
  };
  auth.input.addEventListener('change', showAuthFields);
  showAuthFields();
  const insecure = checkbox(
    'allowInsecure',
    'Allow plain ws:// to another machine (not encrypted: anyone on the network can read and change the events)',
  );
  const { input: consent, row: consentRow } = checkbox('consent', 'Let private events go to this server');
  const { input: shareExpressions, row: shareExpressionsRow } = checkbox(
    'shareExpressions',
    'Share my facial expression with my devices: the word and its score only, never an image or where my face is (it goes as a private event, so it needs the box above too)',
  );
  const connectBtn = el('button', { text: 'Connect', testId: `${P}-connect`, attrs: { type: 'button' } });
  const disconnectBtn = el('button', {
    text: 'Disconnect',
    testId: `${P}-disconnect`,
    attrs: { type: 'button' },
  });
  const state = el('p', { testId: `${P}-state`, text: 'Not connected.', attrs: { role: 'status' } });
  const counts = el('ul', { testId: `${P}-counts` });
  const peers = el('ul', { testId: `${P}-peers` });
  const form = el(
    'fieldset',
    { className: 'plain', attrs: { disabled: '' } },
    ...Object.values(f).map((x) => x.row),
    ...[auth, user, secret, creds, insecure].map((x) => x.row),
    consentRow,
    shareExpressionsRow,
    el('div', { className: 'form-row' }, connectBtn, disconnectBtn),
  );
  let handle: BridgeHandle | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;

  const read = (): DeviceSettings => ({
    server: f.server.input.value.trim(),
    device: f.device.input.value.trim(),
    exportTopics: f.exportTopics.input.value,
    importTopics: f.importTopics.input.value,
    durableTopics: f.durableTopics.input.value,
    auth: auth.input.value as AuthKind,
    user: user.input.value.trim(),
    secret: secret.input.value,
    creds: creds.input.value,
    allowInsecure: insecure.input.checked,
    privateConsent: consent.checked,
    shareExpressions: shareExpressions.checked,
  });

  async function refresh(): Promise<void> {
    if (!handle) return;
    const [s, st] = await Promise.all([handle.state(), handle.stats()]);
    state.textContent = `${s.state} — ${s.server}${s.lastError ? ` (last error: ${s.lastError})` : ''}`;
    state.className = s.state === 'connected' ? 'ok' : 'missing';
    counts.replaceChildren(...describeStats(st).map((t) => el('li', { text: t })));
    peers.replaceChildren(
      ...(st.peers.length
        ? st.peers.map((p) =>
            el('li', {
              text: `${p.device}: ${p.received} events, ${p.rate.toFixed(1)}/s, last ${p.lastTopic} at ${new Date(p.lastTs).toLocaleTimeString()}`,
            }),
          )
        : [el('li', { text: 'No other device seen yet.' })]),
    );
  }

  async function disconnect(): Promise<void> {
    clearInterval(timer);
    await handle?.close();
    handle = null;
    state.textContent = 'Not connected.';
    state.className = '';
  }

  connectBtn.addEventListener('click', () => {
    void (async () => {
      const s = read();
      try {
        await disconnect();
        await db.settings.put({ key: KEY, value: s });
        handle = await bridge.connect(toBridgeOptions(s));
        if (s.privateConsent) await handle.grantPrivate();
        if (s.shareExpressions) await handle.grantStep(EXPRESSION_STEP.step);
        timer = setInterval(() => void refresh(), 1000);
        await refresh();
      } catch (err) {
        state.textContent = `${(err as Error).name}: ${(err as Error).message}`;
        state.className = 'missing';
      }
    })();
  });
  disconnectBtn.addEventListener('click', () => void disconnect());
  consent.addEventListener('change', () => {
    void db.settings.put({ key: KEY, value: read() });
    if (handle) void (consent.checked ? handle.grantPrivate() : handle.revokePrivate());
  });
  shareExpressions.addEventListener('change', () => {
    void db.settings.put({ key: KEY, value: read() });
    if (handle)
      void (shareExpressions.checked
        ? handle.grantStep(EXPRESSION_STEP.step)
        : handle.revokeStep(EXPRESSION_STEP.step));
  });

  // The stored settings arrive after the panel is on screen. Until they do, the form is disabled: a value
  // typed in the meantime would be overwritten by the late read and the bridge would connect with the old one.
  void db.settings
    .get(KEY)
    .then(
      (row) => {
        const s = readDeviceSettings(row?.value, DEFAULTS);
        for (const k of Object.keys(f) as (keyof typeof f)[]) f[k].input.value = String(s[k]);
        auth.input.value = s.auth;
        user.input.value = s.user;
        secret.input.value = s.secret;
        creds.input.value = s.creds;
        insecure.input.checked = s.allowInsecure;
        consent.checked = s.privateConsent;
        shareExpressions.checked = s.shareExpressions;
        showAuthFields();
      },
      (err: unknown) => {
        state.textContent = `The saved device settings could not be read (${(err as Error).name}: ${(err as Error).message}); the defaults are shown.`;
        state.className = 'missing';
      },
    )
    .finally(() => {
      form.disabled = false;
    });

  return section(
    'Devices',
    'devices',
    el('p', {
      text: 'Share chosen topics with your other devices through a NATS server. Local data (camera frames, audio) never leaves.',
    }),
    form,
    state,
    counts,
    el('h3', { text: 'Other devices' }),
    peers,
  );
}
