import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { WsVenueConnection } from '../core/gateway/ws-connection.js';

describe('gateway WebSocket connection', () => {
  it('opens, carries text both ways, reports the close; a refused connect closes without opening', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    const port = (wss.address() as AddressInfo).port;
    wss.on('connection', (sock) => sock.on('message', (m) => (String(m) === 'bye' ? sock.close(4000, 'done') : sock.send(`echo ${String(m)}`))));
    const c = new WsVenueConnection(`ws://127.0.0.1:${port}`);
    const seen: string[] = [];
    const closed = new Promise<[number, string]>((resolve) => {
      c.onOpen = () => {
        seen.push('open');
        c.send('{"id":1}');
      };
      c.onMessage = (t) => {
        seen.push(t);
        c.send('bye');
      };
      c.onClose = (code, reason) => resolve([code, reason]);
    });
    c.connect();
    expect(await closed).to.deep.equal([4000, 'done']);
    expect(seen).to.deep.equal(['open', 'echo {"id":1}']);
    await new Promise((r) => wss.close(r));
    const refused = new WsVenueConnection(`ws://127.0.0.1:${port}`);
    let opened = false;
    refused.onOpen = () => (opened = true);
    const code = await new Promise<number>((resolve) => {
      refused.onClose = (k) => resolve(k);
      refused.connect();
    });
    expect(opened).to.equal(false);
    expect(code).to.equal(1006);
  });
});
