// A representative small event (a face detection) used by the throughput benchmarks.
export function sampleEvent(i: number) {
  return {
    id: `0192f0c8-7e3a-7000-8000-${i.toString(16).padStart(12, '0')}`,
    type: 'vision.face',
    topic: 'camera.front.face',
    ts: 1_700_000_000_000 + i,
    source: 'camera.front',
    privacy: 'local' as const,
    qos: 'realtime' as const,
    payload: { box: [120, 80, 96, 96], score: 0.92, keypoints: [130, 100, 170, 100, 150, 120] },
  };
}
