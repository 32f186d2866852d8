// Reads an OpenAI-style SSE stream (`data: {...}` lines, ended by `data: [DONE]`) as parsed JSON chunks.
import { createParser } from 'eventsource-parser';

export class MalformedStreamError extends Error {
  override name = 'MalformedStreamError';
}

export async function* readSseJson(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const queue: unknown[] = [];
  let done = false;
  let bad: Error | null = null;
  const parser = createParser({
    onEvent(event) {
      if (event.data === '[DONE]') {
        done = true;
        return;
      }
      try {
        queue.push(JSON.parse(event.data));
      } catch {
        bad = new MalformedStreamError(`stream chunk is not JSON: ${event.data.slice(0, 80)}`);
      }
    },
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    while (!done) {
      const { value, done: ended } = await reader.read();
      if (value) parser.feed(decoder.decode(value, { stream: true }));
      if (bad) throw bad;
      while (queue.length) yield queue.shift();
      if (ended) break;
    }
  } finally {
    // Stops the download when the consumer leaves early (break, error); a no-op on a finished stream.
    await reader.cancel().catch(() => undefined);
  }
  if (!done) throw new MalformedStreamError('stream ended without [DONE]');
}
