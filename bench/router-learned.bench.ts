// The learned router on recorded real clips (bench/data/stt-outcomes.json: Whisper tiny drafts and Whisper
// base refinements of real speech, clean and mixed with real noise). Fitted and evaluated here in the browser,
// leave-one-clip-out (learner choice and threshold calibrated without the held-out clip), against
// always-local, always-cloud and a threshold on tiny's own mean token confidence, in the same run.
import data from './data/stt-outcomes.json';
import { compare, runBench, type BenchResult } from './harness';
import { LEARNERS, evaluateLearnedRouter, type Evaluation } from '../eval/router/learned-eval';
import { STT_FEATURES, sttOutcomes, type RecordedClip } from '../eval/router/stt-outcomes';

/** What the local inference adapter reports by itself, without the clip's acoustics. */
const DRAFT_FEATURES = STT_FEATURES.filter((f) => f.startsWith('draft') || f === 'durationS');

/** The router's claim carries the target; the alternatives beside it are reported for comparison. */
function rows(e: Evaluation, label: string, n: number, claim = false): BenchResult[] {
  return [
    compare(
      'router-learned',
      `${label}: quality kept vs always-cloud (1−WER)`,
      e.learned.quality,
      e.alwaysCloud.quality,
      '1−WER',
      claim ? { op: '>=', ratio: 0.95 } : null,
    ),
    compare(
      'router-learned',
      `${label}: cloud calls saved (of ${n} recordings)`,
      e.learned.saved,
      1,
      'fraction',
    ),
  ];
}

runBench(async (progress) => {
  const clips = data.rows as RecordedClip[];
  const groups = new Set(clips.map((c) => c.clip)).size;
  progress('learned router, all features');
  const t0 = performance.now();
  const all = evaluateLearnedRouter(sttOutcomes(clips), STT_FEATURES);
  const ms = performance.now() - t0;
  progress('learned router, draft features only');
  const draft = evaluateLearnedRouter(sttOutcomes(clips, DRAFT_FEATURES), DRAFT_FEATURES);
  progress('confidence threshold');
  // One feature through a logistic is a monotone map of it: this is a calibrated threshold on the confidence.
  const confidence = evaluateLearnedRouter(
    sttOutcomes(clips, ['draftMeanTokenConf']),
    ['draftMeanTokenConf'],
    { learners: [LEARNERS.logistic] },
  );
  progress('choosing among every learner');
  const chooser = evaluateLearnedRouter(sttOutcomes(clips), STT_FEATURES, {
    learners: Object.values(LEARNERS),
  });
  const chosen = (e: Evaluation) => [...new Set(e.folds.map((f) => f.learner))].join(', ');
  return [
    ...rows(all, `learned (${chosen(all)}, all features)`, clips.length, true),
    ...rows(draft, 'learned on draft features only', clips.length),
    ...rows(confidence, "threshold on tiny's mean token confidence", clips.length),
    ...rows(chooser, `learner chosen per fold by validation (${chosen(chooser)})`, clips.length),
    compare(
      'router-learned',
      'always-local: quality vs always-cloud (1−WER)',
      all.alwaysLocal.quality,
      all.alwaysCloud.quality,
      '1−WER',
    ),
    compare(
      'router-learned',
      'oracle (hindsight, same target): cloud calls saved — the ceiling',
      all.oracle.saved,
      1,
      'fraction',
    ),
    compare(
      'router-learned',
      `fit + cross-calibrate, per held-out clip (${groups} clips)`,
      ms / groups,
      ms / groups,
      'ms',
    ),
  ];
});
