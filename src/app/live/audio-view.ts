// The microphone side of the Live panel: a level meter, a strip of the last seconds with a bar per speech
// segment (open while the person speaks), and the running transcript. Transcript text is model output:
// textContent only.
import { type PerceptionEvents, SILENCE_DBFS, type AudioLevel } from '../../index';
import { el, keyedChildren, setClass } from '../dom';
import { levelFraction } from './level-scale';
import { SpeechTimeline } from './speech-timeline';

const WINDOW_SEC = 20;

export interface AudioView {
  readonly element: HTMLElement;
  level(l: AudioLevel): void;
  speechStart(p: PerceptionEvents['audio.speech.start'], ts: number): void;
  speechEnd(p: PerceptionEvents['audio.speech.end']): void;
  transcript(p: PerceptionEvents['audio.transcript']): void;
  /** Empties everything for a new run (segment numbers and times restart with the stream). */
  reset(): void;
  destroy(): void;
}

function placeBar(bar: HTMLElement, s: { open: boolean; left: number; width: number }): void {
  setClass(bar, s.open ? 'live-speech-bar open' : 'live-speech-bar');
  const left = `${(s.left * 100).toFixed(2)}%`;
  const width = `${Math.max(0.5, s.width * 100).toFixed(2)}%`;
  if (bar.style.left !== left) bar.style.left = left;
  if (bar.style.width !== width) bar.style.width = width;
}

export function createAudioView(): AudioView {
  const meter = el('meter', {
    testId: 'live-level',
    attrs: {
      min: '0',
      max: '1',
      low: '0.25',
      high: '0.85',
      optimum: '0.5',
      value: '0',
      'aria-label': 'Microphone level',
    },
  });
  const levelText = el('span', { className: 'live-level-text', testId: 'live-level-text', text: '—' });
  const strip = el('div', {
    className: 'live-speech-strip',
    testId: 'live-speech',
    attrs: { role: 'img', 'aria-label': `Speech in the last ${WINDOW_SEC} seconds` },
  });
  const transcriptList = el('ol', {
    className: 'live-transcript',
    testId: 'live-transcript',
    attrs: { 'aria-live': 'polite' },
  });
  let timeline = new SpeechTimeline();

  // Four times a second: each segment keeps its bar, and only a moved or grown one is touched.
  const renderStrip = () =>
    keyedChildren(
      strip,
      timeline.layout(Date.now(), WINDOW_SEC),
      (s) => String(s.segment),
      (s) => {
        const bar = el('span', { className: 'live-speech-bar', testId: 'live-speech-bar' });
        bar.title = `segment ${s.segment}`;
        placeBar(bar, s);
        return bar;
      },
      placeBar,
    );
  const renderTranscript = () =>
    transcriptList.replaceChildren(...timeline.transcript().map((text) => el('li', { text })));
  // The strip slides with time even when nothing is said.
  const ticker = setInterval(renderStrip, 250);

  const element = el(
    'div',
    { className: 'live-audio' },
    el('div', { className: 'live-level' }, el('span', { text: 'Level' }), meter, levelText),
    el('h3', { text: 'Speech' }),
    strip,
    el('h3', { text: 'Transcript' }),
    transcriptList,
  );

  return {
    element,
    level(l) {
      meter.value = levelFraction(l.dbfs);
      levelText.textContent = l.dbfs > SILENCE_DBFS ? `${l.dbfs.toFixed(0)} dBFS` : 'silence';
    },
    speechStart(p, ts) {
      timeline.started(p.segment, p.at, ts);
      renderStrip();
    },
    speechEnd(p) {
      timeline.ended(p.segment, p.start, p.end);
      renderStrip();
    },
    transcript(p) {
      timeline.transcribed(p.segment, p.text.trim(), p.start, p.end);
      renderTranscript();
    },
    reset() {
      timeline = new SpeechTimeline();
      meter.value = 0;
      levelText.textContent = '—';
      renderStrip();
      renderTranscript();
    },
    destroy: () => clearInterval(ticker),
  };
}
