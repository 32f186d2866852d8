import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type SentioDb } from '../storage/db';
import { memoryAnchor } from './audit-anchor';
import { createAuditLog, type AuditEntry } from './audit-log';
import { ConsentRevokedError, createConsentStore, type ConsentChannel } from './consent';
import { createEgressGate, EgressDeniedError, type EgressTarget } from './egress-gate';
import { declassify, DeclassifyDeniedError, derivedLabel } from './labels';
import { minimisePayload, redactText } from './minimise';
import { createDevEndpoint, type DevEndpoint } from '../../scripts/dev-endpoint/server.mjs';

let n = 0;
const freshDb = (): SentioDb => openDatabase(`privacy-test-${Date.now()}-${n++}`);

describe('audit log', () => {
  it('chains entries and verifies a clean log', async () => {
    const db = freshDb();
    const audit = createAuditLog({ db });
    const rows = await Promise.all(
      [1, 2, 3].map((i) =>
        audit.append({
          what: `w${i}`,
          capability: 'c',
          labels: ['private'],
          endpoint: 'e',
          bytes: i,
          decision: 'allowed',
          reason: 'r',
        }),
      ),
    );
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
    expect(await audit.verify()).toEqual({ ok: true, entries: 3 });
  });

  it.each([
    [
      'an edited entry',
      async (db: SentioDb) => db.audit.update(2, { entry: { what: 'forged' } }),
      2,
      'edited',
    ],
    ['a deleted entry', async (db: SentioDb) => db.audit.delete(2), 2, 'deleted'],
    ['the newest entry deleted', async (db: SentioDb) => db.audit.delete(4), 4, 'truncated'],
    [
      'an entry re-hashed after editing',
      async (db: SentioDb) => {
        // The MACs are keyed: a forger without the key cannot recompute an edited entry's.
        const { canonicalJson } = await import('../events/canonical-json');
        const sha256Hex = async (t: string) =>
          (await import('../inference/model-store')).sha256Hex(new TextEncoder().encode(t).buffer);
        const row = (await db.audit.get(2))!;
        const entry = { ...(row.entry as object), bytes: 0 };
        const hash = await sha256Hex(`${row.prevHash}\n2\n${row.ts}\n${canonicalJson(entry)}`);
        await db.audit.update(2, { entry, hash });
      },
      2,
      'edited',
    ],
    [
      'the whole chain recomputed with SHA-256, head row included',
      async (db: SentioDb) => {
        const { canonicalJson } = await import('../events/canonical-json');
        const sha256Hex = async (t: string) =>
          (await import('../inference/model-store')).sha256Hex(new TextEncoder().encode(t).buffer);
        let prev = '0'.repeat(64);
        for (const row of await db.audit.orderBy('seq').toArray()) {
          const entry = { ...(row.entry as object), bytes: 0 };
          const hash = await sha256Hex(`${prev}\n${row.seq}\n${row.ts}\n${canonicalJson(entry)}`);
          await db.audit.update(row.seq!, { entry, prevHash: prev, hash });
          prev = hash;
        }
        await db.settings.put({ key: 'audit.head', value: { seq: 4, hash: prev } });
      },
      1,
      'edited',
    ],
    [
      'the newest entries and the head row cut back together',
      async (db: SentioDb) => {
        const row = (await db.audit.get(2))!;
        await db.audit.bulkDelete([3, 4]);
        await db.settings.put({ key: 'audit.head', value: { seq: 2, hash: row.hash } });
      },
      3,
      'truncated',
    ],
    [
      'the chain and its head wiped',
      async (db: SentioDb) => {
        await db.audit.clear();
        await db.settings.delete('audit.head');
      },
      1,
      'truncated',
    ],
    [
      'the key wiped',
      async (db: SentioDb) => {
        await db.settings.delete('audit.key');
      },
      1,
      'edited',
    ],
  ] as const)('detects %s and names it', async (_n, tamper, seq, problem) => {
    const db = freshDb();
    const audit = createAuditLog({ db, anchor: memoryAnchor() });
    for (let i = 1; i <= 4; i++) {
      await audit.append({
        what: `w${i}`,
        capability: 'c',
        labels: ['private'],
        endpoint: 'e',
        bytes: i,
        decision: 'allowed',
        reason: 'r',
      });
    }
    await tamper(db);
    expect(await audit.verify()).toMatchObject({ ok: false, seq, problem });
  });

  it('keeps one chain when two writers append at once', async () => {
    const db = freshDb();
    const a = createAuditLog({ db });
    const b = createAuditLog({ db });
    const e: AuditEntry = {
      what: 'w',
      capability: 'c',
      labels: [],
      endpoint: 'e',
      bytes: 0,
      decision: 'allowed',
      reason: 'r',
    };
    await Promise.all([a.append(e), b.append(e), a.append(e), b.append(e)]);
    expect(await a.verify()).toEqual({ ok: true, entries: 4 });
  });

  it('verifies as ok while another writer keeps appending (one consistent snapshot of chain, head and anchor)', async () => {
    // Seen in a fresh-clone run: telemetry exports kept being audited while the test called verify(), and
    // verify read the rows, then the head and the anchor after another append had moved them: "truncated".
    const db = freshDb();
    const anchor = memoryAnchor();
    const writer = createAuditLog({ db, anchor });
    const reader = createAuditLog({ db, anchor });
    const e: AuditEntry = {
      what: 'w',
      capability: 'c',
      labels: [],
      endpoint: 'e',
      bytes: 0,
      decision: 'denied',
      reason: 'r',
    };
    await writer.append(e);
    let writing = true;
    const appends = (async () => {
      for (let i = 0; i < 40; i++) await writer.append(e);
      writing = false;
    })();
    const verdicts = [];
    while (writing) verdicts.push(await reader.verify());
    await appends;
    verdicts.push(await reader.verify());
    expect(verdicts.length).toBeGreaterThan(1);
    expect(verdicts.filter((v) => !v.ok)).toEqual([]);
  });
});

describe('consent across threads', () => {
  it('a revocation in one store aborts what another store (another tab) granted', async () => {
    const db = freshDb();
    const ca = new BroadcastChannel('consent-test');
    const cb = new BroadcastChannel('consent-test');
    const a = createConsentStore({ db, channel: ca as ConsentChannel });
    const b = createConsentStore({ db, channel: cb as ConsentChannel });
    const key = { capability: 'cloud.chat', endpoint: 'dev' };
    await a.grant(key);
    await expect.poll(() => b.isGranted(key)).toBe(true);
    const signal = b.signal(key);
    await a.revoke(key);
    await expect.poll(() => signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(ConsentRevokedError);
    expect(b.isGranted(key)).toBe(false);
    ca.close();
    cb.close();
  });
});

describe('minimisation and redaction', () => {
  it('drops media, local-labelled parts and named fields', () => {
    const m = minimisePayload(
      {
        text: 'hello',
        frame: new Uint8Array(10),
        buf: new ArrayBuffer(4),
        events: [
          { privacy: 'local', payload: 'raw' },
          { privacy: 'private', payload: 'ok' },
        ],
        secret: 'x',
      },
      ['secret'],
    );
    expect(m.value).toEqual({ text: 'hello', events: [{ privacy: 'private', payload: 'ok' }] });
    expect(m.dropped.sort()).toEqual(['buf', 'events[0]', 'frame', 'secret']);
  });
  it('masks e-mails, phone and card numbers', () => {
    const r = redactText('mail ann@example.org or call +44 20 7946 0958, card 4111 1111 1111 1111');
    expect(r.text).toBe('mail [email] or call [phone], card [card]');
    expect(r.redactions).toBe(3);
  });
});

describe('labels', () => {
  it('derives the strictest label', () => {
    expect(derivedLabel([{ privacy: 'public' }, { privacy: 'local' }, { privacy: 'private' }])).toBe('local');
    expect(derivedLabel([])).toBe('public');
  });
  it('lowers a label only through a declared step with consent, audited either way', async () => {
    const db = freshDb();
    const audit = createAuditLog({ db });
    const consent = createConsentStore({ db, audit });
    await expect(declassify('local', 'transcript.share', 'dev', { consent, audit })).rejects.toThrow(
      DeclassifyDeniedError,
    );
    await expect(declassify('local', 'frame.share', 'dev', { consent, audit })).rejects.toThrow(
      /not a declared/,
    );
    await consent.grant({ capability: 'cloud.transcript', endpoint: 'dev' });
    expect(await declassify('local', 'transcript.share', 'dev', { consent, audit })).toBe('private');
    expect(await declassify('public', 'transcript.share', 'dev', { consent, audit })).toBe('public');
    const decisions = (await audit.entries()).map((r) => (r.entry as { decision: string }).decision);
    expect(decisions).toEqual(['denied', 'consent', 'declassified']);
  });
});

describe('egress gate against the dev endpoint', () => {
  let endpoint: DevEndpoint;
  beforeAll(async () => {
    endpoint = await createDevEndpoint({ port: 0 });
  });
  afterAll(() => endpoint.close());

  function setup(target: Partial<EgressTarget> = {}) {
    const db = freshDb();
    const audit = createAuditLog({ db });
    const consent = createConsentStore({ db, audit });
    const gate = createEgressGate({ consent, audit });
    const t: EgressTarget = { id: 'dev', baseUrl: `${endpoint.url}/`, clearance: 'private', ...target };
    return { db, audit, consent, gate, target: t };
  }
  const chat = (content: string) => ({
    kind: 'json' as const,
    value: { model: 'm', messages: [{ role: 'user', content }] },
  });

  it('refuses local data, missing consent and a target not cleared, and audits each refusal', async () => {
    const { gate, consent, audit, target } = setup({ clearance: 'public' });
    const send = (privacy: 'local' | 'private' | 'public') =>
      gate.send({
        target,
        capability: 'cloud.chat',
        what: 'chat',
        path: 'v1/chat/completions',
        body: chat('hi'),
        privacy,
      });
    await expect(send('local')).rejects.toMatchObject({ code: 'local-data' });
    await expect(send('public')).rejects.toMatchObject({ code: 'no-consent' });
    await consent.grant({ capability: 'cloud.chat', endpoint: 'dev' });
    await expect(send('private')).rejects.toMatchObject({ code: 'clearance' });
    const r = await send('public');
    expect(r.status).toBe(200);
    await r.text();
    const entries = (await audit.entries()).map((e) => e.entry as { decision: string });
    expect(entries.map((e) => e.decision)).toEqual(['denied', 'denied', 'consent', 'denied', 'allowed']);
    expect(await audit.verify()).toMatchObject({ ok: true });
  });

  it('sends the minimised, redacted payload and records its size', async () => {
    const { gate, consent, audit, target } = setup({ redactPii: true });
    await consent.grant({ capability: 'cloud.chat', endpoint: '*' });
    const before = endpoint.log().length;
    const r = await gate.send({
      target,
      capability: 'cloud.chat',
      what: 'chat',
      path: 'v1/chat/completions',
      privacy: 'private',
      body: {
        kind: 'json',
        value: {
          model: 'm',
          messages: [{ role: 'user', content: 'mail me at a@b.co' }],
          pcm: new Float32Array(8),
        },
      },
    });
    await r.text();
    const arrived = endpoint.log().slice(before);
    expect(arrived).toHaveLength(1);
    expect(arrived[0]!.sample).toContain('[email]');
    expect(arrived[0]!.sample).not.toContain('a@b.co');
    expect(arrived[0]!.sample).not.toContain('pcm');
    const last = (await audit.entries()).at(-1)!.entry as {
      bytes: number;
      dropped: string[];
      redactions: number;
    };
    expect(last).toMatchObject({ dropped: ['pcm'], redactions: 1 });
    expect(last.bytes).toBe(Buffer.byteLength(arrived[0]!.sample));
  });

  it('revoking consent aborts the stream in flight and blocks the next request', async () => {
    const { gate, consent, audit, target } = setup();
    await consent.grant({ capability: 'cloud.chat', endpoint: 'dev' });
    endpoint.setFaults({ tokenDelayMs: 50 });
    try {
      const r = await gate.send({
        target,
        capability: 'cloud.chat',
        what: 'chat',
        path: 'v1/chat/completions',
        privacy: 'private',
        body: {
          kind: 'json',
          value: { model: 'm', stream: true, messages: [{ role: 'user', content: 'a long answer please' }] },
        },
      });
      const reader = r.body!.getReader();
      await reader.read();
      expect(gate.inFlight()).toBe(1);
      await consent.revoke({ capability: 'cloud.chat', endpoint: 'dev' });
      const error = await (async () => {
        for (;;) {
          const { done } = await reader.read();
          if (done) return null;
        }
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConsentRevokedError);
      expect(gate.inFlight()).toBe(0);
      await expect(
        gate.send({
          target,
          capability: 'cloud.chat',
          what: 'chat',
          path: 'v1/chat/completions',
          privacy: 'private',
          body: chat('again'),
        }),
      ).rejects.toBeInstanceOf(EgressDeniedError);
      await new Promise((r) => setTimeout(r, 20));
      const decisions = (await audit.entries()).map(
        (e) => (e.entry as { decision: string; what: string }).decision,
      );
      expect(decisions).toEqual(['consent', 'allowed', 'aborted', 'consent', 'denied']);
    } finally {
      endpoint.setFaults({ tokenDelayMs: 0 });
    }
  });
});
