// Posting a client's message to the hub. publish() already refused what validation knows cannot be cloned;
// should postMessage still refuse a batch (a Proxy, a host object), its events go one by one so that only
// the culprit is lost, and it is reported by name — never the whole batch, silently.
import type { SentioEvent } from '../events/event';
import type { Endpoint } from '../platform/messages';
import type { ClientMessage, HubMessage } from './protocol';

export function postToHub(
  port: Endpoint<HubMessage, ClientMessage>,
  message: ClientMessage,
  transfer: Transferable[] | undefined,
  unclonable: (event: SentioEvent, err: unknown) => void,
): void {
  try {
    port.postMessage(message, transfer);
    return;
  } catch (err) {
    // Anything else (a request's params) throws to its caller, as before.
    if (message.type !== 'publish') throw err;
    if (message.events.length === 1) {
      unclonable(message.events[0]!, err);
      return;
    }
  }
  for (const e of message.events) {
    try {
      port.postMessage({ type: 'publish', events: [e], lanes: message.lanes });
    } catch (err) {
      unclonable(e, err);
    }
  }
}
