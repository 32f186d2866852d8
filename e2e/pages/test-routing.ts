// The routing stack the test pages run: the real router against the development endpoint at `baseUrl`
// (or an address that is never reached, for pages that grant no cloud consent), on the page's network
// state and Web Locks. One place, so the router and generation pages build it the same way.
import { browserNetwork } from '../../src/router/network';
import { createRoutingStack, type RoutingStack } from '../../src/router/stack';

type StackOptions = Parameters<typeof createRoutingStack>[0];

/** A port nothing listens on: the endpoint of pages that never send. */
export const UNREACHED_ENDPOINT = 'http://127.0.0.1:9';

export function startTestRouting(
  baseUrl: string,
  options: Omit<StackOptions, 'endpoint' | 'network' | 'locks'>,
): Promise<RoutingStack> {
  return createRoutingStack({
    endpoint: {
      id: 'dev',
      baseUrl: `${baseUrl.replace(/\/$/, '')}/`,
      clearance: 'private',
      model: 'sentio-dev-echo',
      costPer1kTokens: 0.1,
      development: true,
    },
    network: browserNetwork(window),
    locks: navigator.locks,
    ...options,
  });
}
