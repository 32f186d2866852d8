import { test } from '@playwright/test';
test('probe', async ({ page }) => {
  await page.goto('/');
  const r = await page.evaluate(async () => {
    const out: Record<string, unknown> = {};
    const s = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, frameRate: 15 }, audio: true });
    const vt = s.getVideoTracks()[0]!;
    out.settings = vt.getSettings();
    out.audioSettings = s.getAudioTracks()[0]!.getSettings();
    // @ts-expect-error MSTP
    const proc = new MediaStreamTrackProcessor({ track: vt.clone() });
    const reader = proc.readable.getReader();
    const stamps: number[][] = [];
    for (let i = 0; i < 5; i++) {
      const { value } = await reader.read();
      stamps.push([value.timestamp / 1000, performance.now(), value.codedWidth, value.format]);
      value.close();
    }
    out.mstp = stamps;
    const v = document.createElement('video');
    v.muted = true; v.playsInline = true; v.srcObject = s;
    await v.play();
    out.rvfc = await new Promise((res) => {
      const t = setTimeout(() => res('no rvfc in 3s'), 3000);
      const got: unknown[] = [];
      const cb = (now: number, md: VideoFrameCallbackMetadata) => {
        got.push([now, md.captureTime, md.expectedDisplayTime, md.mediaTime, performance.now()]);
        if (got.length < 4) v.requestVideoFrameCallback(cb); else { clearTimeout(t); res(got); }
      };
      v.requestVideoFrameCallback(cb);
    });
    const ctx = new AudioContext();
    out.ctx = [ctx.state, ctx.sampleRate];
    await ctx.resume();
    out.ctx2 = ctx.state;
    // stop test
    vt.stop();
    out.after = vt.readyState;
    out.reads = await Promise.race([reader.read().then((r: {done: boolean}) => 'done=' + r.done), new Promise((r) => setTimeout(() => r('timeout'), 2000))]);
    return out;
  });
  console.log(JSON.stringify(r, null, 1));
});
