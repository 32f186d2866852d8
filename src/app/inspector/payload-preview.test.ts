import { describe, expect, it } from 'vitest';
import { eventDetail, payloadPreview } from './payload-preview';

describe('payloadPreview', () => {
  it('is text, cut to length, and survives cyclic payloads', () => {
    expect(payloadPreview({ html: '<img src=x onerror=alert(1)>' })).toBe(
      '{"html":"<img src=x onerror=alert(1)>"}',
    );
    expect(payloadPreview('x'.repeat(500), 10)).toBe(`${'"'}${'x'.repeat(8)}…`);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(payloadPreview(cyclic)).toBe('{"self":[Circular]}');
    expect(payloadPreview(undefined)).toBe('undefined');
  });

  it('names typed arrays by type and length with a few values', () => {
    const samples = Float32Array.from({ length: 512 }, (_, i) => i / 1000);
    expect(payloadPreview({ samples, rate: 16000 })).toBe(
      '{"samples":Float32Array(512) [0, 0.001, 0.002, 0.003, …],"rate":16000}',
    );
    expect(payloadPreview(new Uint8Array([1, 2]))).toBe('Uint8Array(2) [1, 2]');
    expect(payloadPreview(new ArrayBuffer(64))).toBe('ArrayBuffer(64 bytes)');
  });

  it('stops walking once it has enough text', () => {
    const big = Array.from({ length: 100_000 }, (_, i) => ({ i }));
    expect(payloadPreview(big, 40)).toHaveLength(40);
  });

  it('shows the whole event indented, typed arrays still by type and length', () => {
    const text = eventDetail({ topic: 'audio.mic.chunk', payload: { samples: new Float32Array(512) } });
    expect(text).toContain('"topic": "audio.mic.chunk"');
    expect(text).toContain(
      '"samples": "Float32Array(512) [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, …]"',
    );
  });
});
