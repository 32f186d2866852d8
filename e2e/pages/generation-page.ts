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
import { createLocalBus } from '../../src/bus/local-bus';
import { combineLocal, createLocalChat } from '../../src/router/local-chat';
import type { Router } from '../../src/router/router';
import type { Privacy } from '../../src/events/event';
import { DEFAULT_POLICY } from '../../src/router/types';
import { openDatabase } from '../../src/storage/db';
import { emotionAssistant } from '../../src/app/demos/agents/emotion-assistant';
import { meetingNotes } from '../../src/app/demos/agents/meeting-notes';
import { event, startAgent } from '../../src/app/demos/agents/test-support';
import { localModelSettings } from '../../src/app/settings/local-model-settings';
import { startTestRouting, UNREACHED_ENDPOINT } from './test-routing';

export interface GenHarness {
  client: GenerationClient;
  library: ModelLibrary;
  consent: ConsentStore;
  audit: AuditLog;
  /** The real router with the local model as its local `chat` (no cloud consent is ever granted here). */
  router: Router;
  /**
   * A second router on the same local model, against the development endpoint given as `?endpoint=`, for the
   * hybrid path. Its confidence band is widened (`HYBRID_BAND`) so that the tiny model's real confidence lands
   * in it, whatever the sampling gives; `grantChat()` gives it cloud consent.
   */
  hybrid: { router: Router; grantChat(): Promise<void>; topics: { topic: string; payload: unknown }[] };
  /** Grants the download consent for the host of `url`. */
  allowDownloadsFrom(url: string): Promise<void>;
  /** The demo agents on the project's agent runtime, their `ctx.infer` being `router` (no consent). */
  agents: {
    startNotes: () => ReturnType<typeof startAgent>;
    startEmotion: () => ReturnType<typeof startAgent>;
    event: typeof event;
  };
  /** The Settings section for local text models, mounted on this page. */
  settings: { refresh(): Promise<void> };
  /** Failures as { name, message } so a test can read them across page.evaluate. */
  outcome<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; name: string; message: string }>;
}

declare global {
  interface Window {
    __gen?: GenHarness;
  }
}

/** Any confidence the tiny model gives is "middling": the band the policy drafts locally and refines in. */
const HYBRID_BAND = { lowConfidence: 0.001, highConfidence: 0.999 };

/** `ctx.infer` as the app's agent host gives it: the router's, with no declassification step (labels stay). */
const agentInfer = (router: Router) => (task: string, input: unknown, options?: Record<string, unknown>) => {
  const { privacy, latencyBudgetMs, agentId } = options ?? {};
  return router.infer(task, input, {
    privacy: (privacy as Privacy | undefined) ?? 'local',
    ...(typeof latencyBudgetMs === 'number' ? { latencyBudgetMs } : {}),
    ...(typeof agentId === 'string' ? { agentId } : {}),
  });
};

async function main() {
  const db = openDatabase('e2e-generation');
  const audit = createAuditLog({ db });
  const consent = createConsentStore({ db, audit });
  await consent.load();
  const gate = createEgressGate({ consent, audit });
  const client = startGenerationWorker();
  // Never reached: these tests grant this stack no cloud consent.
  const stack = await startTestRouting(UNREACHED_ENDPOINT, {
    db,
    bus: createLocalBus({ name: 'e2e.generation' }),
    local: combineLocal(createLocalChat(client, { maxTokens: 24 })),
  });
  const endpointUrl = new URL(location.href).searchParams.get('endpoint') ?? UNREACHED_ENDPOINT;
  const hybridBus = createLocalBus({ name: 'e2e.generation.hybrid' });
  const topics: { topic: string; payload: unknown }[] = [];
  hybridBus.subscribe('router.chat.>', (e) => void topics.push({ topic: e.topic, payload: e.payload }));
  const hybrid = await startTestRouting(endpointUrl, {
    db,
    bus: hybridBus,
    local: combineLocal(createLocalChat(client, { maxTokens: 24 })),
    policy: { ...DEFAULT_POLICY, ...HYBRID_BAND },
    shared: { audit, consent, budget: stack.budget },
  });
  const library = createModelLibrary({ gate });
  const settings = localModelSettings(library);
  document.body.append(settings.element);
  window.__gen = {
    settings,
    client,
    router: stack.router,
    hybrid: {
      router: hybrid.router,
      grantChat: () => consent.grant({ capability: 'cloud.chat', endpoint: 'dev' }),
      topics,
    },
    library,
    agents: {
      startNotes: () => startAgent(meetingNotes(), { infer: agentInfer(stack.router) }),
      startEmotion: () => startAgent(emotionAssistant(), { infer: agentInfer(stack.router) }),
      event,
    },
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
