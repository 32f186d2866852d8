// Raw baseline AudioWorklet: no resampling, no mixing — channel 0 copied into ~32 ms blocks and posted.
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, ctor: new () => AudioWorkletProcessor): void;

class RawCapture extends AudioWorkletProcessor {
  private readonly size = Math.round(sampleRate * 0.032);
  private block = new Float32Array(this.size);
  private filled = 0;

  process(inputs: Float32Array[][]): boolean {
    const ch = inputs[0]?.[0];
    if (!ch) return true;
    let at = 0;
    while (at < ch.length) {
      const take = Math.min(this.size - this.filled, ch.length - at);
      this.block.set(ch.subarray(at, at + take), this.filled);
      this.filled += take;
      at += take;
      if (this.filled === this.size) {
        this.port.postMessage(this.block, [this.block.buffer]);
        this.block = new Float32Array(this.size);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('raw-capture', RawCapture);
