// The app's router: the routing stack (src/router/stack.ts) for the endpoint the user chose in Settings — by
// default the development endpoint `npm start` runs — with on-device inference as its local side. Consent,
// the audit log and the spend so far outlive endpoint switches: switching rebuilds only the cloud half, so a
// revocation still aborts whatever is in flight and the session's cost keeps counting.
import type { InferFn } from '../agents/types';
import type { Bus } from '../bus/types';
import type { Privacy } from '../events/event';
import type { InferenceClient } from '../inference/client';
import { createAuditLog, type AuditLog } from '../privacy/audit-log';
import { createConsentStore, type ConsentChannel, type ConsentStore } from '../privacy/consent';
import { CloudCallStats } from '../router/decision-stats';
import { createBudget, type Budget, type BudgetCaps } from '../router/budget';
import { systemClock } from '../platform/clock';
import type { EndpointConfig } from '../router/endpoint';
import { createLocalInference } from '../router/local-inference';
import { combineLocal } from '../router/local-chat';
import type { LocalInference } from '../router/router';
import { browserNetwork } from '../router/network';
import { createRouter, type InferOptions, type InferResult, type Router } from '../router/router';
import { createRoutingStack, type RoutingStack } from '../router/stack';
import { chatTask, transcribeTask } from '../router/tasks';
import type { SentioDb } from '../storage/db';
import {
  activeEndpoint,
  DEFAULT_BUDGET,
  DEFAULT_PRIVACY,
  loadRouterSettings,
  saveRouterSettings,
  toEndpointConfig,
  type BudgetSettings,
  type PrivacyDefaults,
  type RouterSettings,
} from './router-settings';

/** What `sentio.router.view()` answers: the live stack, or its local half when no endpoint is in use. */
export type RoutingView = Pick<RoutingStack, 'router' | 'consent' | 'audit' | 'budget'> &
  Partial<Pick<RoutingStack, 'gate' | 'breaker' | 'client' | 'outbox'>> & {
    /** The endpoint in use; null when the router runs local-only. */
    endpoint: EndpointConfig | null;
    /** Why the router runs local-only (null when it has an endpoint). */
    localOnly: string | null;
  };

export interface Routing {
  /** The current stack (replaced when the user switches endpoints). */
  view(): RoutingView;
  settings(): RouterSettings;
  /** Saves the settings and applies them without a reload. Resolves once the new stack is live. */
  apply(next: RouterSettings): Promise<void>;
  /** Called after every apply (and with the first view at once). */
  onChange(listener: (view: RoutingView) => void): () => void;
  /** The agents' ctx.infer: the router, labelled with the privacy default when the caller gives no label. */
  infer: InferFn;
  consent: ConsentStore;
  audit: AuditLog;
  budget: Budget;
  /** The configured caps (live: editing them in Settings changes what the router allows at once). */
  caps: Readonly<BudgetCaps>;
  /** What the endpoints did with the calls of this session (answered, retried, failed). */
  cloudCalls: CloudCallStats;
}

export interface RoutingGlobal {
  router: RoutingView;
  routing: Routing;
}

export interface StartRoutingOptions {
  bus: Bus;
  db: SentioDb;
  /** The inference client, started on first use (the router runs the local models through it). */
  inference: () => Pick<InferenceClient, 'infer'>;
  /** The local text-generation model as the router's `chat` on the device (see local-generation.ts). */
  localChat?: LocalInference;
  /** The development endpoint's URL; the build's VITE_SENTIO_DEV_ENDPOINT (set by `npm start`) by default. */
  devEndpointUrl?: string;
  /** Where `router` and `routing` are exposed for tests and scripting. */
  global?: { sentio?: object };
  /** The browser's network state by default. */
  network?: ReturnType<typeof browserNetwork>;
  /** Keeps consent in step across tabs; a BroadcastChannel by default, null for none. */
  consentChannel?: ConsentChannel | null;
  /** The privacy defaults until the user saves their own in Settings. Default DEFAULT_PRIVACY. */
  privacyDefaults?: PrivacyDefaults;
}

const PRIVACY_LABELS: readonly Privacy[] = ['local', 'private', 'public'];

function capsFrom(b: BudgetSettings): BudgetCaps {
  return {
    globalPerDay: b.perDay ?? Infinity,
    globalPerSession: b.perSession ?? Infinity,
    perAgentPerDay: Infinity,
    perAgentPerSession: Infinity,
  };
}

function devUrlFromBuild(): string | undefined {
  const url = import.meta.env.VITE_SENTIO_DEV_ENDPOINT as string | undefined;
  return url ? url : undefined;
}

export async function startRouting(o: StartRoutingOptions): Promise<Routing> {
  const devUrl = 'devEndpointUrl' in o ? o.devEndpointUrl : devUrlFromBuild();
  const audit = createAuditLog({ db: o.db });
  // Other tabs' consent stores hear revocations here, and ours theirs.
  const channel =
    o.consentChannel !== undefined
      ? o.consentChannel
      : typeof BroadcastChannel === 'function'
        ? (new BroadcastChannel('sentio.consent') as ConsentChannel)
        : null;
  const consent = createConsentStore({ db: o.db, audit, ...(channel ? { channel } : {}) });
  await consent.load();
  // Mutated in place on apply: the budget reads its caps on every check.
  const caps: BudgetCaps = capsFrom(DEFAULT_BUDGET);
  const budget = createBudget(caps);
  const shared = { audit, consent, budget };
  const cloudCalls = new CloudCallStats();
  const network = o.network ?? browserNetwork(self);
  const perception = createLocalInference({
    infer: (task, input, opts) => o.inference().infer(task, input, opts),
  });
  const local = o.localChat ? combineLocal(o.localChat, perception) : perception;
  const listeners = new Set<(view: RoutingView) => void>();

  let settings: RouterSettings;
  let loadProblem: string | null = null;
  try {
    settings = await loadRouterSettings(o.db, devUrl, o.privacyDefaults);
  } catch (err) {
    loadProblem = `the stored router settings could not be read (${(err as Error).message}); fix them in Settings`;
    settings = {
      endpoints: [],
      active: null,
      budget: DEFAULT_BUDGET,
      privacy: o.privacyDefaults ?? DEFAULT_PRIVACY,
    };
  }

  function localOnlyView(reason: string): RoutingView {
    const router: Router = createRouter({
      bus: o.bus,
      clock: systemClock,
      consent,
      budget,
      local,
      cloudTasks: { chat: chatTask, 'speech.transcribe': transcribeTask },
      network: () => network.state(),
      db: o.db,
      audit,
    });
    return { router, consent, audit, budget, endpoint: null, localOnly: reason };
  }

  async function build(s: RouterSettings): Promise<RoutingView> {
    Object.assign(caps, capsFrom(s.budget));
    const chosen = activeEndpoint(s);
    if (!chosen) {
      return localOnlyView(
        loadProblem ??
          (s.endpoints.length === 0
            ? 'no cloud endpoint is configured (add one in Settings)'
            : 'no cloud endpoint is selected (choose one in Settings)'),
      );
    }
    const endpoint = toEndpointConfig(chosen, s.privacy);
    const stack = await createRoutingStack({
      db: o.db,
      bus: o.bus,
      endpoint,
      network,
      local,
      shared,
      onAttempt: (r) => cloudCalls.record(r),
    });
    stack.outbox.start();
    return { ...stack, endpoint, localOnly: null };
  }

  let view = await build(settings);
  function publish(): void {
    if (o.global) Object.assign((o.global.sentio ??= {}), { router: view, routing });
    for (const l of listeners) l(view);
  }

  const routing: Routing = {
    view: () => view,
    settings: () => settings,
    async apply(next) {
      await saveRouterSettings(o.db, next);
      loadProblem = null;
      const before = view;
      view = await build(next);
      settings = next;
      before.outbox?.stop();
      publish();
    },
    onChange(listener) {
      listeners.add(listener);
      listener(view);
      return () => listeners.delete(listener);
    },
    infer(task, input, options = {}): Promise<InferResult> {
      const { priority: _priority, privacy, ...rest } = options;
      if (privacy !== undefined && !PRIVACY_LABELS.includes(privacy as Privacy)) {
        return Promise.reject(
          new TypeError(
            `infer options.privacy must be one of ${PRIVACY_LABELS.join(', ')}, got ${String(privacy)}`,
          ),
        );
      }
      const label = (privacy as Privacy | undefined) ?? settings.privacy.defaultLabel;
      return view.router.infer(task, input, { ...(rest as Partial<InferOptions>), privacy: label });
    },
    consent,
    audit,
    budget,
    caps,
    cloudCalls,
  };
  publish();
  return routing;
}
