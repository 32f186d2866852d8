/* global sentio */
// Feature extractor: from small camera thumbnails (grey or RGBA bytes) it derives brightness (mean luma,
// 0–1) and motion (mean absolute luma change since the previous thumbnail of the same camera, 0–1).
// Runs in the sandbox: no network, no storage; it sees only the thumbnails it was granted.
'use strict';

const previous = new Map();

function luma(data, channels) {
  const n = data.length / channels;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const j = i * channels;
    out[i] = channels === 1 ? data[j] : 0.2126 * data[j] + 0.7152 * data[j + 1] + 0.0722 * data[j + 2];
  }
  return out;
}

sentio.definePlugin({
  async init(ctx) {
    await ctx.subscribe('camera.*.thumb');
  },
  onEvent(event, ctx) {
    const { width, height, data } = event.payload;
    const channels = data.length / (width * height);
    if (channels !== 1 && channels !== 4)
      throw new Error(`thumbnail has ${channels} channels, expected 1 or 4`);
    const y = luma(data, channels);
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += y[i];
    const camera = event.topic.split('.')[1];
    const prev = previous.get(camera);
    let motion = 0;
    if (prev && prev.length === y.length) {
      let diff = 0;
      for (let i = 0; i < y.length; i++) diff += Math.abs(y[i] - prev[i]);
      motion = diff / y.length / 255;
    }
    previous.set(camera, y);
    ctx.publish(
      `plugin.frame-motion.${camera}`,
      { brightness: sum / y.length / 255, motion, frameTs: event.ts },
      { type: 'vision.features', privacy: event.privacy, ts: event.ts },
    );
  },
  health() {
    return { ok: true, detail: `${previous.size} camera(s)` };
  },
});
