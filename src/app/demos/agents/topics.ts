// What the four demo agents and their UI cards say to each other over the bus: topic → payload. Requests
// flow card → agent, results agent → card, so a card in any tab shows what the agents (in one tab) do.
import type { Expression, Side } from '../../../index';

/** A cloud refinement's outcome: the better text, or why the answer stayed local. */
/**
 * `route`: where the router had the text made (`local`: the text-generation model on this device).
 * `needs`: the consent that would have let it go (the card offers that one grant).
 */
export type Refinement =
  | {
      status: 'refined';
      text: string;
      /** Where it was made: `local` (the device's text model), `cloud`, or `hybrid` (cloud over a local draft). */
      route?: string;
      /** The router's reason for that route. */
      reason?: string;
      /** Hybrid: the local draft the cloud's answer replaced. */
      draft?: string;
    }
  | { status: 'kept-local'; reason: string; needs?: { capability: string; endpoint: string } };

export interface Reaction {
  /** The event the reaction answers: its refinement refers back to it. */
  id: string;
  expression: Expression;
  score: number;
  text: string;
  at: number;
  /** The device whose camera read the expression, when it came over the bridge from another device. */
  device?: string;
}

export interface Note {
  /** The transcript event's id: segment numbers restart with each audio stream, ids do not. */
  id: string;
  segment: number;
  text: string;
  actionItems: string[];
  keywords: string[];
  at: number;
  refined?: Refinement;
}

export type SuggestionSource = 'camera' | 'xr';

export interface Suggestion {
  gesture: string;
  side: Side | 'none';
  source: SuggestionSource;
  text: string;
  at: number;
}

/** Readings of our simulated robot; `simulated: true` always, so nothing mistakes them for a real device. */
export interface RobotTelemetry {
  simulated: true;
  robot: string;
  state: RobotState;
  temperatureC: number;
  vibrationG: number;
}

export type RobotState = 'running' | 'stopped' | 'slowed' | 'shut-down';

export interface ToolCall {
  tool: string;
  args?: Record<string, unknown>;
  reason?: string;
}

export type ToolOutcome =
  | { status: 'performed'; confirmed: boolean }
  | { status: 'awaiting-confirmation' }
  | { status: 'declined' }
  | { status: 'refused'; error: string }
  | { status: 'failed'; error: string };

export type ToolResult = { key: string; call: ToolCall; at: number } & ToolOutcome;

export type DemoEvents = {
  'demo.emotion.reaction': Reaction;
  /** The emotion agent asks itself for a refinement after committing the local reaction. */
  'demo.emotion.refine': Reaction;
  'demo.emotion.refined': { id: string; refinement: Refinement };
  'demo.notes.note': Note;
  'demo.notes.refine': { id: string; text: string };
  'demo.notes.refined': { id: string; refinement: Refinement };
  /** Asked by the notes card: summarise everything noted so far. */
  'demo.notes.summarize': { requestedAt: number };
  /** `local`: the extractive summary made on the device (always there when there are notes). */
  'demo.notes.summary': { refinement: Refinement; notes: number; local: string };
  'demo.gesture.suggestion': Suggestion;
  'sim.robot.telemetry': RobotTelemetry;
  'tool.result': ToolResult;
};

export type DemoTopic = keyof DemoEvents;
