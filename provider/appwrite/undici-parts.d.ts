// Types for the two undici modules ./http-transport loads by path (undici types only its index).
declare module "undici/lib/dispatcher/agent" {
  import type { Agent } from "undici";
  const AgentClass: typeof Agent;
  export default AgentClass;
}
declare module "undici/lib/api/api-request" {
  import type { Dispatcher } from "undici";
  function request(this: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
  export default request;
}
