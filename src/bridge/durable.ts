// Durable topics (opt-in) through JetStream: the space's stream keeps `<space>.d.>`; each device reads it
// through its own durable consumer per import pattern, so after an outage it resumes where it stopped.
// Publishes carry the event id as JetStream's message id (the server drops a resend within its window) and
// receivers dedupe by id as well.
import type { NatsConnection } from '@nats-io/nats-core';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  StorageType,
  type ConsumerMessages,
} from '@nats-io/jetstream';
import { importSubject, streamName } from './subjects';

export interface Durable {
  publish(subject: string, data: Uint8Array, id: string): Promise<void>;
  stop(): void;
}

/** Consumer names must be stable per device and pattern; a short hash keeps them valid tokens. */
function patternHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}

const DAY_NS = 24 * 60 * 60 * 1e9;

export async function openDurable(
  nc: NatsConnection,
  o: { space: string; device: string; import: string[]; durable: string[] },
  deliver: (subject: string, data: Uint8Array) => void,
): Promise<Durable | null> {
  if (!o.durable.length && !o.import.length) return null;
  const jsm = await jetstreamManager(nc);
  const stream = streamName(o.space);
  try {
    await jsm.streams.info(stream);
  } catch {
    try {
      await jsm.streams.add({
        name: stream,
        subjects: [`${o.space}.d.>`],
        storage: StorageType.File,
        max_age: DAY_NS,
        duplicate_window: 2 * 60 * 1e9,
      });
    } catch (err) {
      // Another device created it meanwhile.
      await jsm.streams.info(stream).catch(() => {
        throw err;
      });
    }
  }
  const js = jetstream(nc);
  const running: ConsumerMessages[] = [];
  for (const pattern of o.import) {
    const name = `${o.device}_${patternHash(pattern)}`;
    try {
      await jsm.consumers.info(stream, name);
    } catch {
      await jsm.consumers.add(stream, {
        durable_name: name,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        filter_subject: importSubject(o.space, 'd', pattern),
      });
    }
    const consumer = await js.consumers.get(stream, name);
    const messages = await consumer.consume({
      callback: (m) => {
        deliver(m.subject, m.data);
        m.ack();
      },
    });
    running.push(messages);
  }
  return {
    async publish(subject, data, id) {
      await js.publish(subject, data, { msgID: id });
    },
    stop() {
      for (const m of running) void m.close();
    },
  };
}
