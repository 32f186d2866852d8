// Issue 17 #10 in the real app: telemetry export goes through the egress gate. A loopback OTLP receiver (a
// Node http server counting every request, preflights included) is saved as the collector while traced
// `local` transcripts flow to the meeting-notes agent. Without the person's consent for that collector
// nothing reaches it; once consented, spans arrive and name no local event (no topic, id or text); unticking
// the consent stops export at once (no request after); the audit log holds every export and both consents.
import { expect, test, type Page } from '@playwright/test';
import { startOtlpReceiver, type OtlpReceiver } from './fixtures/otlp-receiver';
import { inView } from './fixtures/panels';

const SECRET = 'my bank pin is 4321';

/** Publishes `n` traced local transcripts and waits until the notes agent has made a note of each. */
async function speak(page: Page, from: number, n: number): Promise<string[]> {
  return page.evaluate(
    async ({ from, n, secret }) => {
      const bus = window.sentio!.bus;
      const hex = (len: number) =>
        Array.from(crypto.getRandomValues(new Uint8Array(len / 2)), (b) =>
          b.toString(16).padStart(2, '0'),
        ).join('');
      const ids: string[] = [];
      const want = new Set<string>();
      const noted = new Promise<void>((done) => {
        const sub = bus.subscribe('demo.notes.note', (e) => {
          want.delete((e.payload as { id: string }).id);
          if (want.size === 0) {
            sub.unsubscribe();
            done();
          }
        });
        void sub.ready.then(() => {
          for (let i = from; i < from + n; i++) {
            const e = bus.publish(
              'audio.transcript',
              { stream: 'mic-e2e', segment: i, text: `${secret} (${i})`, start: i, end: i + 1 },
              { privacy: 'local', trace: { traceId: hex(32), spanId: hex(16) } },
            );
            ids.push(e.id);
            want.add(e.id);
          }
        });
      });
      await noted;
      return ids;
    },
    { from, n, secret: SECRET },
  );
}

const flush = (page: Page) => page.evaluate(() => window.sentioApp!.telemetry!.flush());
const exportStatus = (page: Page) => page.getByTestId('otlp-export-status');

interface Entry {
  what: string;
  capability: string;
  decision: string;
  endpoint: string;
  bytes: number;
}
const telemetryAudit = (page: Page) =>
  page.evaluate(async () =>
    (await window.sentio!.router.audit.entries())
      .map((r) => r.entry as Entry)
      .filter((e) => e.capability === 'telemetry'),
  );

test('telemetry export needs consent for the collector, names no local event, stops on revocation, and is audited', async ({
  page,
}) => {
  test.setTimeout(180_000);
  let receiver: OtlpReceiver | undefined;
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    receiver = await startOtlpReceiver();
    const r = receiver;
    await page.goto('/');
    await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/);
    await page.waitForFunction(() => !!window.sentio?.router && !!window.sentio?.telemetry);

    await page.getByTestId('otlp-url').fill(r.url);
    await page.getByTestId('otlp-save').click();
    await expect(page.getByTestId('otlp-message')).toHaveText(/^Saved/);
    await inView(page.getByTestId('pipeline'), () =>
      expect(exportStatus(page)).toContainText(`${r.url} waits for your consent`, { timeout: 2000 }),
    );

    // No consent: transcripts flow and are traced, and not one request reaches the collector.
    const unconsented = await speak(page, 0, 5);
    await expect
      .poll(() => page.evaluate(() => window.sentioApp!.telemetry!.summary().agent.count))
      .toBeGreaterThanOrEqual(5);
    await flush(page);
    expect(r.requests).toEqual([]);

    // Consent for this collector, in Settings: spans arrive.
    const box = page.getByTestId('telemetry-consent');
    await expect(page.getByTestId('telemetry-consent-label')).toContainText(r.url);
    await box.check();
    await expect(page.getByTestId('telemetry-consent-message')).toHaveText(/^Spans go to/);
    await inView(page.getByTestId('pipeline'), () =>
      expect(exportStatus(page)).toContainText(`OTLP export to ${r.url}`, { timeout: 2000 }),
    );
    const consented = await speak(page, 5, 5);
    await expect
      .poll(async () => {
        await flush(page);
        return r.spans.filter((s) => s.name.startsWith('agent meeting-notes')).length;
      })
      .toBeGreaterThanOrEqual(5);
    // Spans of the local transcripts say only that they were local: no topic, id, source or text.
    const sent = r.bodies.join('');
    expect(sent).not.toContain(SECRET);
    expect(sent).not.toContain('audio.transcript');
    expect(sent).not.toContain('mic-e2e');
    for (const id of [...unconsented, ...consented]) expect(sent).not.toContain(id);
    const local = r.spans.filter((s) =>
      s.attributes.some((a) => a.key === 'sentio.event.privacy' && a.value.stringValue === 'local'),
    );
    expect(local.length).toBeGreaterThan(0);
    for (const s of local)
      expect(s.attributes.map((a) => a.key).filter((k) => k.startsWith('sentio.event.'))).toEqual([
        'sentio.event.privacy',
      ]);

    // Revoked in Settings: nothing more is sent, whatever flows.
    await box.uncheck();
    await expect(page.getByTestId('telemetry-consent-message')).toHaveText(/^Stopped/);
    await inView(page.getByTestId('pipeline'), () =>
      expect(exportStatus(page)).toContainText('waits for your consent', { timeout: 2000 }),
    );
    const requestsAtRevoke = r.requests.length;
    await speak(page, 10, 5);
    await flush(page);
    expect(r.requests.length).toBe(requestsAtRevoke);

    // Every export is audited (allowed with its bytes, or denied), and both consents; the chain verifies.
    const audit = await telemetryAudit(page);
    expect(audit.every((e) => e.endpoint === r.url)).toBe(true);
    const grant = audit.findIndex((e) => e.what === 'consent.grant');
    const revoke = audit.findIndex((e) => e.what === 'consent.revoke');
    expect(grant).toBeGreaterThanOrEqual(0);
    expect(revoke).toBeGreaterThan(grant);
    const allowed = audit.filter((e) => e.what === 'otlp.traces' && e.decision === 'allowed');
    expect(allowed.length).toBe(r.requests.filter((q) => q.startsWith('POST')).length);
    expect(allowed.every((e) => e.bytes > 0)).toBe(true);
    expect(audit.slice(revoke).some((e) => e.decision === 'allowed')).toBe(false);
    expect(audit.slice(0, grant).some((e) => e.decision === 'allowed')).toBe(false);
    expect(await page.evaluate(() => window.sentio!.router.audit.verify())).toMatchObject({ ok: true });
    expect(errors).toEqual([]);
  } finally {
    await receiver?.close();
  }
});
