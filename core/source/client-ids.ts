/**
 * Client order ids of the built-in sources: source s of S numbers its
 * orders 1 + s, 1 + s + S, 1 + s + 2S, ... so ids are distinct across sources
 * and anyone holding an id (the venue gateway, with a final state to report)
 * knows which source sent it without a table.
 */
export function clientIdStart(source: number): number {
  return 1 + source;
}

export function sourceOfClientId(clientId: number, sources: number): number {
  return (clientId - 1) % sources;
}
