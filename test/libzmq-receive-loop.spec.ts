/**
 * The libzmq engine's receive loop takes EAGAIN from zeromq.js's receive()
 * as "nothing yet" and reads on: zeromq.js sometimes rejects a receive with
 * it after libzmq said a message was ready (seen on a CURVE server with ZAP),
 * and every wait of a socket given a receiveTimeout ends with it. Before,
 * the first EAGAIN failed the stream of every subscriber.
 */
import * as zmq from 'zeromq';
import { engines, type Message } from '../src';
import { delay, waitFor } from './helpers';

it('a libzmq engine socket whose receives end with EAGAIN keeps reading and delivers what comes', async () => {
  // Straight to the engine: rxzmq sockets refuse receiveTimeout, here it makes EAGAIN every 20 ms.
  const socket = engines.libzmq.createSocket('pull', { linger: 0, receiveTimeout: 20 });
  const sender = new zmq.Push({ linger: 0 });
  try {
    const endpoint = await socket.bind('tcp://127.0.0.1:*');
    const got: Message[] = [];
    const errors: unknown[] = [];
    socket.startReceive({ message: (msg) => got.push(msg), error: (err) => errors.push(err) });
    await delay(150); // several receives have timed out meanwhile
    sender.connect(endpoint);
    await sender.send('after the timeouts');
    await waitFor(() => got.length === 1, 5000, 'the message');
    expect(got[0]!.map(String)).toEqual(['after the timeouts']);
    expect(errors).toEqual([]);
  } finally {
    sender.close();
    socket.close(0);
  }
});
