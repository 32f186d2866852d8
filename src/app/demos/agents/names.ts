// Names the demo agents' spans and actions carry, in a module of their own (no imports): e2e specs read them in
// Node, where the library (behind the front door) does not load.
export const EMOTION_AGENT = 'emotion-assistant';
export const PUBLISH_ACTION = 'publish';
