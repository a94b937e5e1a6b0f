/**
 * The exchange simulator on its own thread, for the exchange bench's
 * throughput runs: the venue and its server (127.0.0.1, port 0, perfect
 * network, limits as given) on this worker's event loop, so the client on
 * the main thread has a core's worth of event loop to itself.
 * workerData: { apiKey, secretKey, symbol, price, limits, seed }. Posts
 * { port } when listening; on any message, closes and posts 'closed'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RealScheduler } from '../core/clock/scheduler.js';
import { ExchangeSimServer } from '../sim/exchange/server.js';
import { symbolFor, VenueOptionsSchema } from '../sim/exchange/sim-options.js';
import { ExchangeVenue } from '../sim/exchange/venue.js';

const d = workerData as { apiKey: string; secretKey: string; symbol: string; price: number; limits: object; seed: number };
const options = VenueOptionsSchema.parse({ symbols: [symbolFor(d.symbol, d.price)], keys: [{ apiKey: d.apiKey, secretKey: d.secretKey }], limits: d.limits, seed: d.seed });
const server = await ExchangeSimServer.start(new ExchangeVenue(options, new RealScheduler()), { port: 0 });
parentPort!.postMessage({ port: server.port });
parentPort!.once('message', async () => {
  await server.close();
  parentPort!.postMessage('closed');
});
