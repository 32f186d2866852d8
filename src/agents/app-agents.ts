// The agents the app's worker hosts. A factory, so importing this module defines nothing by itself.
import type { ResolvedAgent } from './define';

export function appAgents(): ResolvedAgent[] {
  // The app's own agents (coach, …) are registered here as they are written.
  return [];
}
