/**
 * ZMQ_IMMEDIATE and what a connected endpoint keeps, on the zmtp engine and
 * on libzmq side by side (each scenario runs on both and must agree):
 *
 *   PUSH --connect--> PULL a (bound)        immediate off: round robin over both endpoints,
 *        --connect--> (b, bound later)      b's share waits for it; on: everything to a
 *   PUSH --connect--> PULL (closes; a new one binds the endpoint again)
 *                                           sends meanwhile complete and reach the new PULL
 *                                           (each engine, and zmtp with libzmq both ways)
 */
import { engines, pull, push, type Engine } from '../../src';
import { Closer, delay, take$, unusedEndpoint } from '../helpers';

const closer = new Closer();
afterEach(() => closer.closeAll());

/** Six messages from a PUSH connected to a bound PULL and to an endpoint bound only afterwards. */
async function split(engine: Engine, immediate: boolean): Promise<{ first: string[]; late: string[] }> {
  const a = closer.add(pull({ engine, bind: 'tcp://127.0.0.1:*', linger: 0 }));
  await a.ready;
  const later = await unusedEndpoint();
  const out = closer.add(push({ engine, connect: [a.bindings[0]!, later], linger: 0, immediate, reconnectInterval: 20 }));
  await delay(50);
  const first: string[] = [];
  a.subscribe(([m]) => first.push(m!.toString()));
  for (let i = 0; i < 6; i++) await out.send(String(i));
  await delay(100);
  const b = closer.add(pull({ engine, bind: later, linger: 0 }));
  const late: string[] = [];
  b.subscribe(([m]) => late.push(m!.toString()));
  await delay(200);
  return { first, late };
}

describe('immediate, as libzmq has it', () => {
  it.each([false, true])('push - immediate %s: which connected endpoints get a share', async (immediate) => {
    const zmtp = await split(engines.zmtp, immediate);
    const libzmq = await split(engines.libzmq, immediate);
    expect(zmtp).toEqual(libzmq);
    expect(zmtp).toEqual(
      immediate ? { first: ['0', '1', '2', '3', '4', '5'], late: [] } : { first: ['0', '2', '4'], late: ['1', '3', '5'] },
    );
  });

  const { zmtp, libzmq } = engines;
  it.each([
    ['zmtp', zmtp, zmtp],
    ['libzmq', libzmq, libzmq],
    ['zmtp -> libzmq', zmtp, libzmq],
    ['libzmq -> zmtp', libzmq, zmtp],
  ])(
    'push - messages sent while the peer is away complete, and reach the peer that binds again (%s)',
    async (_name, pushEngine, pullEngine) => {
      const endpoint = await unusedEndpoint();
      const first = pull({ engine: pullEngine, bind: endpoint, linger: 0 });
      await first.ready;
      const out = closer.add(push({ engine: pushEngine, connect: endpoint, linger: 0, reconnectInterval: 20 }));
      const one = take$(first, 1);
      await out.send('one');
      expect(await one).toEqual([['one']]);
      await first.close();
      await delay(100); // the PUSH sees the connection go
      for (const m of ['two', 'three', 'four']) await out.send(m);
      const second = closer.add(pull({ engine: pullEngine, bind: endpoint, linger: 0 }));
      expect(await take$(second, 3)).toEqual([['two'], ['three'], ['four']]);
    },
  );
});
