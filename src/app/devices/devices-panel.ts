// The Devices panel: share topics with this person's other devices over NATS. Settings (server, this
// device's name, topics, credentials) are kept in this browser's settings table like the cloud endpoints;
// private events cross only after the consent box is ticked, and unticking stops them at once.
import type { BridgeApi, BridgeHandle } from '../../bridge/client';
import type { BridgeOptions, BridgeStats } from '../../bridge/types';
import type { SentioDb } from '../../storage/db';
import { el, section } from '../dom';
import { inputField } from '../settings/form';

const KEY = 'bridge.settings';
const P = 'devices';

export interface DeviceSettings {
  server: string;
  device: string;
  exportTopics: string;
  importTopics: string;
  durableTopics: string;
  token: string;
  privateConsent: boolean;
}

const DEFAULTS: DeviceSettings = {
  server: (import.meta.env.VITE_SENTIO_NATS_URL as string | undefined) ?? 'ws://127.0.0.1:9222',
  device: 'this-device',
  exportTopics: 'vision.face.expression',
  importTopics: 'vision.face.expression',
  durableTopics: '',
  token: '',
  privateConsent: false,
};

const list = (s: string) =>
  s
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);

export function toOptions(s: DeviceSettings): BridgeOptions {
  return {
    servers: s.server,
    device: s.device,
    export: list(s.exportTopics),
    import: list(s.importTopics),
    durable: list(s.durableTopics),
    ...(s.token ? { credentials: { token: s.token } } : {}),
  };
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
    token: inputField('token', 'Token (kept in this browser)', P, { type: 'password', autocomplete: 'off' }),
  };
  const consent = el('input', { testId: `${P}-consent`, attrs: { type: 'checkbox', id: `${P}-consent` } });
  const consentRow = el(
    'div',
    { className: 'form-row' },
    consent,
    el('label', { text: 'Let private events go to this server', attrs: { for: `${P}-consent` } }),
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
  let handle: BridgeHandle | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;

  const read = (): DeviceSettings => ({
    server: f.server.input.value.trim(),
    device: f.device.input.value.trim(),
    exportTopics: f.exportTopics.input.value,
    importTopics: f.importTopics.input.value,
    durableTopics: f.durableTopics.input.value,
    token: f.token.input.value,
    privateConsent: consent.checked,
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
        handle = await bridge.connect(toOptions(s));
        if (s.privateConsent) await handle.grantPrivate();
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

  void db.settings.get(KEY).then((row) => {
    const s = { ...DEFAULTS, ...(row?.value as Partial<DeviceSettings> | undefined) };
    for (const k of Object.keys(f) as (keyof typeof f)[]) f[k].input.value = String(s[k]);
    consent.checked = s.privateConsent;
  });

  return section(
    'Devices',
    'devices',
    el('p', {
      text: 'Share chosen topics with your other devices through a NATS server. Local data (camera frames, audio) never leaves.',
    }),
    ...Object.values(f).map((x) => x.row),
    consentRow,
    el('div', { className: 'form-row' }, connectBtn, disconnectBtn),
    state,
    counts,
    el('h3', { text: 'Other devices' }),
    peers,
  );
}
