// One way for the demo agents to ask the endpoint for a better answer. `ctx.infer` is the router: it may
// answer from the cloud, or decide not to send (no consent, privacy, offline, budget) and say why. Either
// way the agent gets a Refinement it can show; a refusal or failure never fails the handler, because the
// local answer is already out and stays valid.
import type { Privacy } from '../../../events/event';
import type { AgentContext } from '../../../agents/types';
import { readNoConsent } from '../../../privacy/consent';
import type { Refinement } from './topics';

export interface CloudAsk {
  /** The system instruction and the user's text. */
  system: string;
  user: string;
  /** The label of what the request carries (the router keeps `local` data on the device). */
  privacy: Privacy;
  /** A declared declassification step (src/privacy/labels.ts) the caller may apply with the user's consent. */
  declassify?: string;
  /**
   * How long the answer may take, ms. A refinement is not on the interaction path (the local answer is already
   * shown), so it may wait far longer than the router's interactive default.
   */
  latencyBudgetMs?: number;
}

/** A refinement arriving within half a minute is still worth showing. */
export const REFINE_LATENCY_BUDGET_MS = 30_000;

/** Reads whatever the infer function answered into a Refinement. */
export function readRefinement(result: unknown): Refinement {
  if (typeof result === 'string') return refinedOrEmpty(result);
  const r = result as {
    output?: unknown;
    text?: unknown;
    decision?: { route?: unknown; reason?: unknown; consentNeeded?: unknown };
  } | null;
  const output = r?.output as { text?: unknown } | string | undefined;
  const text = typeof output === 'string' ? output : (output?.text ?? r?.text);
  const d = r?.decision;
  if (typeof text === 'string') {
    const refined = refinedOrEmpty(text);
    return refined.status === 'refined' && typeof d?.route === 'string'
      ? { ...refined, route: d.route }
      : refined;
  }
  if (d && typeof d.route === 'string') {
    const why = typeof d.reason === 'string' && d.reason ? d.reason : `the router chose ${d.route}`;
    return keptLocal(
      d.route === 'defer' ? `queued for when the endpoint is reachable: ${why}` : why,
      consentKey(d.consentNeeded),
    );
  }
  return { status: 'kept-local', reason: 'the answer carried no text' };
}

type ConsentKey = { capability: string; endpoint: string };

function consentKey(v: unknown): ConsentKey | null {
  const k = v as Partial<ConsentKey> | null | undefined;
  return typeof k?.capability === 'string' && typeof k.endpoint === 'string'
    ? { capability: k.capability, endpoint: k.endpoint }
    : null;
}

function keptLocal(reason: string, needs: ConsentKey | null): Refinement {
  return needs ? { status: 'kept-local', reason, needs } : { status: 'kept-local', reason };
}

function refinedOrEmpty(text: string): Refinement {
  const t = text.trim();
  return t
    ? { status: 'refined', text: t }
    : { status: 'kept-local', reason: 'the endpoint answered nothing' };
}

export async function askCloud(
  ctx: Pick<AgentContext<unknown>, 'infer' | 'agentId'>,
  ask: CloudAsk,
): Promise<Refinement> {
  try {
    const result = await ctx.infer(
      'chat',
      {
        messages: [
          { role: 'system', content: ask.system },
          { role: 'user', content: ask.user },
        ],
      },
      {
        priority: 'normal',
        privacy: ask.privacy,
        latencyBudgetMs: ask.latencyBudgetMs ?? REFINE_LATENCY_BUDGET_MS,
        agentId: ctx.agentId,
        ...(ask.declassify ? { declassify: ask.declassify } : {}),
      },
    );
    return readRefinement(result);
  } catch (e) {
    // A declassification refused for want of consent comes back here as a plain error (its key was lost on
    // the way from the main thread): its message names the capability and endpoint.
    const reason = (e as Error)?.message ?? String(e);
    return keptLocal(reason, readNoConsent(reason));
  }
}
