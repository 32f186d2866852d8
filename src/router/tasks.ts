// The cloud side of the tasks the router knows: chat (text generation) and speech-to-text.
import type { ChatMessage } from './cloud-client';
import type { CloudTask } from './router';

export interface ChatInput {
  messages: ChatMessage[];
}

function asChat(input: unknown): ChatInput {
  if (typeof input === 'string') return { messages: [{ role: 'user', content: input }] };
  const m = (input as ChatInput | null)?.messages;
  if (!Array.isArray(m) || m.length === 0) {
    throw new TypeError('chat input must be a string or { messages: [{ role, content }, …] }');
  }
  return { messages: m };
}

/** Rough token count (≈ 4 characters a token), for cost estimates before sending. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export const chatTask: CloudTask = {
  capability: 'cloud.chat',
  complexity: 0.5,
  estimateCost(input, per1k) {
    const text = asChat(input)
      .messages.map((m) => m.content)
      .join(' ');
    return ((estimateTokens(text) * 2) / 1000) * per1k;
  },
  async run(client, input, options) {
    const r = await client.chat(asChat(input).messages, { ...options, capability: 'cloud.chat' });
    return { output: { text: r.text, model: r.model }, cost: r.cost, confidence: 0.95 };
  },
  toOutbox(input) {
    return {
      what: 'chat.completions',
      capability: 'cloud.chat',
      path: 'v1/chat/completions',
      privacy: 'private',
      body: { messages: asChat(input).messages },
    };
  },
};

export interface SpeechInput {
  /** A WAV clip (the audio.clip.share step must have lowered its label before it may leave). */
  clip: Blob;
  language?: string;
}

export const transcribeTask: CloudTask = {
  capability: 'cloud.audio',
  complexity: 0.5,
  estimateCost: () => 0,
  async run(client, input, options) {
    const { clip, language } = input as SpeechInput;
    if (!(clip instanceof Blob)) throw new TypeError('speech input must be { clip: Blob }');
    const r = await client.transcribe(clip, {
      ...options,
      capability: 'cloud.audio',
      ...(language ? { language } : {}),
    });
    return { output: { text: r.text }, cost: 0, confidence: 0.95 };
  },
};
