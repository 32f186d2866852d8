// Each stage's colour in the pipeline charts, in a module of its own (a type import only): e2e specs read it in
// Node, where the library (behind the front door) does not load.
import type { Stage } from '../../index';

export const STAGE_COLOURS: Readonly<Record<Stage, string>> = Object.freeze({
  capture: '#1d3557',
  bus: '#52b788',
  inference: '#e9c46a',
  agent: '#0096c7',
  action: '#d62828',
  'end-to-end': '#7b2cbf',
});
