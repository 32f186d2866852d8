// The learned router on recorded real clips (bench/data/stt-outcomes.json: Whisper tiny drafts and Whisper
// base refinements of real speech, clean and mixed with real noise). Trained and evaluated here in the
// browser, leave-one-clip-out, against always-local and always-cloud in the same run.
import data from './data/stt-outcomes.json';
import { compare, runBench } from './harness';
import { evaluateLearnedRouter } from '../src/router/learned';
import { STT_FEATURES, sttOutcomes, type RecordedClip } from '../src/router/stt-outcomes';

runBench(async (progress) => {
  progress('training and evaluating');
  const rows = sttOutcomes(data.rows as RecordedClip[]);
  const t0 = performance.now();
  const e = evaluateLearnedRouter(rows, STT_FEATURES, 0.95);
  const trainMs = performance.now() - t0;
  const models = Object.keys(e.thresholds).length;
  return [
    compare(
      'router-learned',
      'learned: quality kept vs always-cloud (1−WER)',
      e.learned.quality,
      e.alwaysCloud.quality,
      '1−WER',
      { op: '>=', ratio: 0.95 },
    ),
    compare(
      'router-learned',
      'learned: cloud calls saved (fraction of clips kept local)',
      e.learned.saved,
      1,
      'fraction',
    ),
    compare(
      'router-learned',
      'always-local: quality vs always-cloud (1−WER)',
      e.alwaysLocal.quality,
      e.alwaysCloud.quality,
      '1−WER',
    ),
    compare(
      'router-learned',
      `train + calibrate, per model (${models} folds, ${rows.length} clips)`,
      trainMs / models,
      trainMs / models,
      'ms',
    ),
  ];
});
