// The egress gate: the only module of Sentio that sends runtime data off the device (ESLint forbids `fetch`
// everywhere else in src/, and src/privacy/egress-lint.test.ts proves the rule bites). Every request is checked
// against its privacy label, the user's consent and the endpoint's clearance, minimised, optionally redacted,
// and written to the audit log — allowed or not.
import { isStricterThan, type Privacy } from '../events/event';
import type { AuditDecision, AuditLog } from './audit-log';
import { ConsentMissingError, type ConsentKey, type ConsentStore } from './consent';
import { minimisePayload, redactPayload } from './minimise';

/** Where data may go, as the gate sees an endpoint. */
export interface EgressTarget {
  id: string;
  baseUrl: string;
  /** The most sensitive label this endpoint may receive: 'private' for a trusted self-hosted server. */
  clearance: 'private' | 'public';
  /** Mask e-mails, phone and card numbers in every string sent here. */
  redactPii?: boolean;
  /** Sent with every request (Authorization for a key, or nothing when a proxy adds it). */
  headers?: Record<string, string>;
}

export type EgressBody =
  | { kind: 'json'; value: unknown; dropFields?: readonly string[] }
  | { kind: 'audio'; clip: Blob; filename: string; fields: Record<string, string> }
  /** Already serialised by a library that owns the format (OTLP): sent as is, counted and audited. */
  | { kind: 'bytes'; data: Uint8Array; contentType: string }
  | { kind: 'none' };

export interface EgressRequest {
  target: EgressTarget;
  /** Names the consent needed, e.g. "cloud.chat". */
  capability: string;
  /** What this is, for the audit log: "chat.completions". */
  what: string;
  path: string;
  method?: 'GET' | 'POST';
  body: EgressBody;
  /** The strictest label of the data inside (after any declared declassification). */
  privacy: Privacy;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  requestId?: string;
}

export type EgressDenial = 'local-data' | 'no-consent' | 'clearance' | 'media' | 'bad-url';

export class EgressDeniedError extends Error {
  override name = 'EgressDeniedError';
  constructor(
    readonly code: EgressDenial,
    message: string,
  ) {
    super(message);
  }
}

export interface EgressGate {
  send(request: EgressRequest): Promise<Response>;
  /** Requests sent and not yet finished (body fully read or failed). */
  inFlight(): number;
}

export interface EgressGateDeps {
  consent: ConsentStore;
  audit: AuditLog;
  /** The platform fetch; injected so tests in Node can hand in a real HTTP client of their choice. */
  fetch?: typeof fetch;
}

const encoder = new TextEncoder();

export type EgressVerdict =
  | { allowed: true; signal: AbortSignal }
  | { allowed: false; code: 'local-data' | 'clearance' | 'no-consent'; reason: string };

/**
 * The label, clearance and consent check every egress passes, request or stream (the NATS bridge checks each
 * event with it): synchronous, so a revocation stops the very next event. The signal aborts on revocation.
 */
export function egressVerdict(
  consent: ConsentStore,
  req: Pick<EgressRequest, 'capability' | 'privacy'> & { target: Pick<EgressTarget, 'id' | 'clearance'> },
): EgressVerdict {
  if (req.privacy === 'local')
    return { allowed: false, code: 'local-data', reason: 'local data never leaves the device' };
  if (isStricterThan(req.privacy, req.target.clearance)) {
    return {
      allowed: false,
      code: 'clearance',
      reason: `${req.privacy} data may not go to "${req.target.id}" (cleared for ${req.target.clearance})`,
    };
  }
  const key: ConsentKey = { capability: req.capability, endpoint: req.target.id };
  try {
    return { allowed: true, signal: consent.signal(key) };
  } catch (err) {
    if (err instanceof ConsentMissingError)
      return { allowed: false, code: 'no-consent', reason: err.message };
    throw err;
  }
}

export function createEgressGate(deps: EgressGateDeps): EgressGate {
  const { consent, audit } = deps;
  const doFetch = deps.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  let open = 0;

  async function record(
    req: EgressRequest,
    decision: AuditDecision,
    reason: string,
    extra: { bytes?: number; dropped?: string[]; redactions?: number } = {},
  ): Promise<void> {
    await audit.append({
      what: req.what,
      capability: req.capability,
      labels: [req.privacy],
      endpoint: req.target.id,
      bytes: extra.bytes ?? 0,
      decision,
      reason,
      ...(req.requestId ? { requestId: req.requestId } : {}),
      ...(extra.dropped?.length ? { dropped: extra.dropped } : {}),
      ...(extra.redactions ? { redactions: extra.redactions } : {}),
    });
  }

  async function deny(req: EgressRequest, code: EgressDenial, reason: string): Promise<never> {
    await record(req, 'denied', reason);
    throw new EgressDeniedError(code, reason);
  }

  return {
    inFlight: () => open,
    async send(req) {
      const verdict = egressVerdict(consent, req);
      if (!verdict.allowed) return deny(req, verdict.code, verdict.reason);
      const consentSignal = verdict.signal;
      let url: URL;
      try {
        url = new URL(
          req.path,
          req.target.baseUrl.endsWith('/') ? req.target.baseUrl : `${req.target.baseUrl}/`,
        );
      } catch {
        return deny(req, 'bad-url', `"${req.path}" on "${req.target.baseUrl}" is not a URL`);
      }

      let body: BodyInit | undefined;
      let bytes = 0;
      let dropped: string[] = [];
      let redactions = 0;
      const headers: Record<string, string> = { ...req.target.headers, ...req.headers };
      if (req.body.kind === 'json') {
        const min = minimisePayload(req.body.value, req.body.dropFields);
        dropped = min.dropped;
        let value = min.value;
        if (req.target.redactPii) {
          const r = redactPayload(value);
          value = r.value;
          redactions = r.redactions;
        }
        const text = JSON.stringify(value);
        bytes = encoder.encode(text).byteLength;
        body = text;
        headers['content-type'] = 'application/json';
      } else if (req.body.kind === 'audio') {
        // Audio only after the declared audio.clip.share step lowered its label, and only to a trusted endpoint.
        if (req.target.clearance !== 'private') {
          return deny(req, 'media', `audio may go only to a trusted endpoint, not "${req.target.id}"`);
        }
        const form = new FormData();
        form.append('file', req.body.clip, req.body.filename);
        for (const [k, v] of Object.entries(req.body.fields)) form.append(k, v);
        bytes = req.body.clip.size;
        body = form;
      } else if (req.body.kind === 'bytes') {
        bytes = req.body.data.byteLength;
        body = new Blob([req.body.data as Uint8Array<ArrayBuffer>], { type: req.body.contentType });
        headers['content-type'] = req.body.contentType;
      }

      await record(req, 'allowed', 'label, consent and clearance check out', { bytes, dropped, redactions });
      const signal = req.signal ? AbortSignal.any([consentSignal, req.signal]) : consentSignal;
      let finished = false;
      const onRevoke = () => {
        if (!finished) void record(req, 'aborted', 'consent revoked while the request was in flight');
      };
      consentSignal.addEventListener('abort', onRevoke, { once: true });
      open++;
      const finish = () => {
        if (finished) return;
        finished = true;
        open--;
        consentSignal.removeEventListener('abort', onRevoke);
      };
      let response: Response;
      try {
        response = await doFetch(url, { method: req.method ?? 'POST', headers, body, signal, mode: 'cors' });
      } catch (err) {
        if (!consentSignal.aborted)
          void record(req, 'failed', err instanceof Error ? err.message : String(err));
        finish();
        throw consentSignal.aborted ? consentSignal.reason : err;
      }
      if (!response.body) {
        finish();
        return response;
      }
      // Pass the body through so the gate knows when the exchange is over (an abort after that is no news),
      // and so a revocation mid-stream surfaces to the reader as ConsentRevokedError, not a bare AbortError.
      const reader = response.body.getReader();
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const { done, value } = await reader.read();
            if (done) {
              finish();
              controller.close();
            } else controller.enqueue(value);
          } catch (err) {
            finish();
            controller.error(consentSignal.aborted ? consentSignal.reason : err);
          }
        },
        cancel(reason) {
          finish();
          return reader.cancel(reason);
        },
      });
      return new Response(stream, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    },
  };
}

export class CrossOriginAssetError extends Error {
  override name = 'CrossOriginAssetError';
}

/**
 * Fetches one of the app's own files (a model, a loader script). It carries no runtime data, so it needs no
 * consent; refusing other origins keeps it from becoming a way round the gate. `runtimeFolder` is where the
 * page said Sentio's runtime files are (its `base`, perhaps an asset host on another origin): files under
 * it are Sentio's own too.
 */
export function fetchSameOrigin(
  url: string | URL,
  init?: Omit<RequestInit, 'body' | 'method'>,
  runtimeFolder?: string | URL,
): Promise<Response> {
  const base = typeof location !== 'undefined' ? location.href : undefined;
  const target = new URL(url, base);
  const folder = runtimeFolder !== undefined ? new URL(runtimeFolder, base).href : null;
  const own = base !== undefined && target.origin === new URL(base).origin;
  if (!own && !(folder && target.href.startsWith(folder))) {
    return Promise.reject(new CrossOriginAssetError(`"${target.href}" is not on this app's origin`));
  }
  return fetch(target, { ...init, method: 'GET' });
}
