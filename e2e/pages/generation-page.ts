// Test page for e2e/generation.spec.ts: the real generation worker (wllama), the model library on the Cache
// API, and the egress gate with its consent store and audit log, driven through window.__gen.
import { startGenerationWorker, type GenerationClient } from '../../src/inference/generation/client';
import {
  createModelLibrary,
  MODEL_DOWNLOAD_CAPABILITY,
  modelHostEndpoint,
  type ModelLibrary,
} from '../../src/inference/generation/library';
import { createAuditLog, type AuditLog } from '../../src/privacy/audit-log';
import { createConsentStore, type ConsentStore } from '../../src/privacy/consent';
import { createEgressGate } from '../../src/privacy/egress-gate';
import { openDatabase } from '../../src/storage/db';

export interface GenHarness {
  client: GenerationClient;
  library: ModelLibrary;
  consent: ConsentStore;
  audit: AuditLog;
  /** Grants the download consent for the host of `url`. */
  allowDownloadsFrom(url: string): Promise<void>;
  /** Failures as { name, message } so a test can read them across page.evaluate. */
  outcome<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; name: string; message: string }>;
}

declare global {
  interface Window {
    __gen?: GenHarness;
  }
}

async function main() {
  const db = openDatabase('e2e-generation');
  const audit = createAuditLog({ db });
  const consent = createConsentStore({ db, audit });
  await consent.load();
  const gate = createEgressGate({ consent, audit });
  window.__gen = {
    client: startGenerationWorker(),
    library: createModelLibrary({ gate }),
    consent,
    audit,
    allowDownloadsFrom: (url) =>
      consent.grant({ capability: MODEL_DOWNLOAD_CAPABILITY, endpoint: modelHostEndpoint(url) }),
    async outcome(p) {
      try {
        return { ok: true, value: await p };
      } catch (err) {
        const e = err as Error;
        return { ok: false, name: e?.name ?? 'Error', message: e?.message ?? String(err) };
      }
    },
  };
  document.getElementById('status')!.textContent = 'ready';
}

void main();
