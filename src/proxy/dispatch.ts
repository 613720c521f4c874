/**
 * From a parsed client request to a response: plan the route (resolve, filter, order), then run
 * the failover loop over the plan. Shared by every ingress.
 */
import { planRouteWithDiscovery } from "../routing/plan.ts";
import { relay } from "./relay.ts";
import type { ProxyDeps, RequestScope } from "./scope.ts";

export async function dispatch(scope: RequestScope, deps: ProxyDeps): Promise<Response> {
  const plan = await planRouteWithDiscovery({
    gateway: scope.gateway,
    key: scope.key,
    requested: scope.model,
    endpoint: scope.ingress.endpoint,
    promptTokens: () => scope.ingress.estimatePromptTokens(),
    pinnedChannel: scope.ingress.pinnedChannel,
    random: deps.random,
  });
  scope.log.set({ model: plan.model });
  return await relay(scope, plan.candidates, plan.model, deps);
}
