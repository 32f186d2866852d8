// One way for the demo agents to ask the endpoint for a better answer. `ctx.infer` is the router: it may
// answer from the cloud, or decide not to send (no consent, privacy, offline, budget) and say why. Either
// way the agent gets a Refinement it can show; a refusal or failure never fails the handler, because the
// local answer is already out and stays valid.
import { type Privacy, type AgentContext, readNoConsent } from '../../../index';
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
    if (refined.status !== 'refined' || typeof d?.route !== 'string') return refined;
    return typeof d.reason === 'string' && d.reason
      ? { ...refined, route: d.route, reason: d.reason }
      : { ...refined, route: d.route };
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

/**
 * Reads a router answer, waiting for a hybrid one's cloud refinement: the refined answer replaces the local
 * draft (kept as `draft`), as the router's `<topic>.refined` follows `<topic>.draft`; if the cloud failed the
 * draft stands. `refined` is a promise in the router's thread and its settled value once it crossed to an
 * agent's worker (src/runtime/agents.ts).
 */
export async function settleRefinement(result: unknown): Promise<Refinement> {
  const draft = readRefinement(result);
  if (typeof result !== 'object' || result === null || !('refined' in result)) return draft;
  const merged = (await (result as { refined: unknown }).refined) as { output?: unknown } | null;
  const reason = (result as { decision?: { reason?: unknown } }).decision?.reason;
  const why = typeof reason === 'string' ? reason : 'local draft now, cloud refinement after';
  if (merged) {
    const refined = readRefinement({ output: merged.output, decision: { route: 'hybrid', reason: why } });
    if (refined.status === 'refined')
      return draft.status === 'refined' ? { ...refined, draft: draft.text } : refined;
  }
  return draft.status === 'refined'
    ? {
        ...draft,
        route: 'local',
        reason: `${why}; the cloud refinement did not come, so the local draft stands`,
      }
    : draft;
}

export async function askCloud(
  ctx: Pick<AgentContext<unknown>, 'infer' | 'agentId'>,
  ask: CloudAsk,
): Promise<Refinement> {
  try {
    return await settleRefinement(await askRouter(ctx, ask, true));
  } catch (e) {
    // A declassification refused for want of consent comes back here as a plain error (its key was lost on
    // the way from the main thread): its message names the capability and endpoint.
    const reason = (e as Error)?.message ?? String(e);
    const refused = keptLocal(reason, readNoConsent(reason));
    if (!ask.declassify) return refused;
    // The label stays as it was, so the router keeps the text on the device: a local text model may still
    // answer it. Without one, the refusal is the reason (with its one grant).
    const local = await askRouter(ctx, ask, false).then(settleRefinement, () => null);
    return local?.status === 'refined' ? local : refused;
  }
}

function askRouter(
  ctx: Pick<AgentContext<unknown>, 'infer' | 'agentId'>,
  ask: CloudAsk,
  declassify: boolean,
) {
  return ctx.infer(
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
      ...(declassify && ask.declassify ? { declassify: ask.declassify } : {}),
    },
  );
}
