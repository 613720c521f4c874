/**
 * From a parsed client request to a response: plan the route (resolve, filter, order), admit the
 * request on its key's quota (reserving before any upstream call), then run the failover loop
 * over the plan. Shared by every ingress.
 */
import { admitKey, requestNeed } from "../quota/admission.ts";
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
    quotas: deps.quotas,
  });
  scope.log.set({ model: plan.model });
  const need = requestNeed(scope, plan.candidates, plan.model);
  await admitKey(scope, deps.quotas, need);
  return await relay(scope, plan.candidates, plan.model, deps, need);
}
