import { expect, it, vi } from 'vitest';
import type { SentioEvent } from '../events/event';
import { postToHub } from './post-to-hub';

it('a batch postMessage refuses is re-sent event by event: only the unclonable one is lost, by name', async () => {
  const ch = new MessageChannel();
  const got: unknown[] = [];
  ch.port2.onmessage = (e: MessageEvent<{ events: { payload: unknown }[] }>) =>
    got.push(...e.data.events.map((x) => x.payload));
  const ev = (payload: unknown) => ({ id: String(payload), payload }) as unknown as SentioEvent;
  const refused: string[] = [];
  // A Proxy passes every check a validator can make and still fails the structured clone.
  const events = [ev('a'), ev(new Proxy({}, {})), ev('b')];
  postToHub(ch.port1 as never, { type: 'publish', events, lanes: [] }, undefined, (e, err) =>
    refused.push(`${typeof e.payload} ${(err as Error).name}`),
  );
  expect(refused).toEqual(['object DataCloneError']);
  await vi.waitFor(() => expect(got).toEqual(['a', 'b']), { timeout: 5000 });
  expect(() =>
    postToHub(
      ch.port1 as never,
      { type: 'request', reqId: 1, name: 'ping', params: () => 1 },
      undefined,
      () => {},
    ),
  ).toThrow();
  ch.port1.close();
});
