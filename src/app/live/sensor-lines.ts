// The Live panel's headline: one line per sensor in plain words — what the camera and the microphone are doing
// for the person right now ("Finding faces…", "Face in view", "Listening", "Transcribing…"). Backends, warm-up
// times and fallbacks are for the details underneath (status-view.ts); none of them is named here.
import {
  type Task,
  describeSensor,
  modelTotals,
  type PerceptionMessage as Message,
  type PerceptionState,
  type SensorStatus,
  type TaskStatus,
} from '../../index';

/** What the latest face result said: nothing yet, a face, or none. */
export type FaceSeen = 'unknown' | 'face' | 'none';

/** Where the microphone's speech is: quiet, someone speaking, or a segment being transcribed. */
export type SpeechPhase = 'quiet' | 'speech' | 'transcribing';

/** The sensor's own words when it is not simply running (off, starting, failed, stopped, waiting). */
function notRunning(kind: 'camera' | 'microphone', s: SensorStatus): Message | null {
  const name = kind === 'camera' ? 'Camera' : 'Microphone';
  switch (s.status) {
    case 'running':
      return null;
    case 'off':
      return { text: `${name} off.`, level: 'info' };
    case 'starting':
      return { text: `Starting the ${kind}…`, level: 'info' };
    case 'stopped':
      if (s.reason === 'stopped') return { text: `${name} stopped.`, level: 'info' };
      return describeSensor(kind, s);
    default:
      return describeSensor(kind, s);
  }
}

/** "… 3.1 of 5.0 MB" over every model still loading, or '' when nothing is. */
function downloads(s: PerceptionState): string {
  let loaded = 0;
  let total = 0;
  for (const m of Object.values(s.models)) {
    const t = modelTotals(m);
    if (t.done) continue;
    loaded += t.loaded;
    total += t.total;
  }
  return total > 0 ? ` (${(loaded / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB)` : '';
}

/** The model behind a line is loading, failed, or ready: a line for the first two, null for ready. */
function modelLine(s: PerceptionState, t: TaskStatus | undefined, what: string): Message | null {
  if (t?.status === 'ready') return null;
  if (t?.status === 'failed') return { text: `${what} failed: ${t.message}`, level: 'error' };
  return { text: `Loading the ${what} model${downloads(s)}…`, level: 'info' };
}

const task = (s: PerceptionState, t: Task) => s.tasks[t];

export function cameraLine(s: PerceptionState, face: FaceSeen): Message {
  const off = notRunning('camera', s.camera);
  if (off) return off;
  if (s.camera.status === 'running' && s.camera.warning)
    return { text: `Camera on, but ${s.camera.warning}.`, level: 'error' };
  const loading = modelLine(s, task(s, 'face-detection') ?? task(s, 'facial-expression'), 'face');
  if (loading && face === 'unknown') return loading;
  if (face === 'face') return { text: 'Face in view.', level: 'ok' };
  if (face === 'none') return { text: 'No face in view.', level: 'ok' };
  return { text: 'Finding faces…', level: 'info' };
}

export function microphoneLine(s: PerceptionState, speech: SpeechPhase): Message {
  const off = notRunning('microphone', s.microphone);
  if (off) return off;
  const loading = modelLine(s, task(s, 'voice-activity'), 'voice');
  if (loading) return loading;
  if (speech === 'speech') return { text: 'Speech heard.', level: 'ok' };
  if (speech === 'transcribing') {
    const whisper = task(s, 'speech-recognition');
    if (whisper?.status === 'failed')
      return { text: `Transcription failed: ${whisper.message}`, level: 'error' };
    return whisper?.status === 'ready'
      ? { text: 'Transcribing…', level: 'ok' }
      : { text: `Transcribing: loading the speech model${downloads(s)}…`, level: 'info' };
  }
  return { text: 'Listening.', level: 'ok' };
}
