// The agents the app's worker hosts. A factory, so importing this module defines nothing by itself.
import type { ResolvedAgent } from './define';
import { emotionAssistant } from './demos/emotion-assistant';
import { gestureAssistant } from './demos/gesture-assistant';
import { meetingNotes } from './demos/meeting-notes';
import { sensorMonitor } from './demos/sensor-monitor';

export function appAgents(): ResolvedAgent[] {
  return [emotionAssistant(), meetingNotes(), gestureAssistant(), sensorMonitor()];
}
