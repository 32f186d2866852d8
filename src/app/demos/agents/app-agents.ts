// The agents the app's worker hosts. A factory, so importing this module defines nothing by itself.
import type { ResolvedAgent } from '../../../index';
import { emotionAssistant } from './emotion-assistant';
import { gestureAssistant } from './gesture-assistant';
import { meetingNotes } from './meeting-notes';
import { sensorMonitor } from './sensor-monitor';

export function appAgents(): ResolvedAgent[] {
  return [emotionAssistant(), meetingNotes(), gestureAssistant(), sensorMonitor()];
}
